"""The one description of the tables: data files, loaded into typed objects and checked as they
are read, a family's table its class's default with what the family says otherwise."""

from __future__ import annotations

import shutil

import pytest

from pipelines.description import TEMPLATES, load
from pipelines.description.load import DESCRIPTION_DIR, DescriptionError


def test_every_family_and_rule_loads_and_is_checked() -> None:
    assert list(load.families()) == load.national()["families"]
    assert all(load.families().values())
    assert load.cross_rules()


def test_a_family_table_is_its_class_default_with_what_the_family_says_otherwise() -> None:
    """Shanghai's 支出预算总表 says only its number, name and title: the rest is the national
    expenditure table (合计 = 基本支出 + 项目支出), as the 2020 template prints it."""
    [shanghai] = [t for t in TEMPLATES["shanghai_budget_2024"] if t.topic == "expenditure"]
    [national] = [t for t in TEMPLATES["budget_2020"] if t.topic == "expenditure"]
    assert (shanghai.columns, shanghai.sum_rules) == (national.columns, national.sum_rules)
    assert shanghai.titles == (r"(\d{4}年)?(部门|预算单位|单位)?支出预算总表",)


@pytest.fixture
def description(tmp_path):
    copy = tmp_path / "description"
    shutil.copytree(DESCRIPTION_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_measure_the_vocabulary_lacks_is_refused_naming_file_and_table(description) -> None:
    _edit(
        description / "families" / "final_accounts_2024.toml",
        'measure = "fiscal_appropriation"',
        'measure = "fiscal_appropriatoin"',
    )
    with pytest.raises(
        DescriptionError, match=r"final_accounts_2024.toml: table 2.*fiscal_appropriatoin"
    ):
        load.families(description)


def test_a_set_no_file_defines_is_refused(description) -> None:
    _edit(
        description / "families" / "budget_2020.toml",
        'class = "income"',
        'class = "income"\ncolumns = "no_such_set"',
    )
    with pytest.raises(DescriptionError, match="no set of columns named 'no_such_set'"):
        load.families(description)


def test_a_family_file_the_order_does_not_name_is_refused(description) -> None:
    shutil.copy(description / "families" / "budget_2020.toml", description / "families" / "x.toml")
    with pytest.raises(DescriptionError, match="families"):
        load.families(description)


def test_a_rule_naming_a_class_the_vocabulary_lacks_is_refused(description) -> None:
    _edit(description / "cross_rules.toml", 'class = "overview"', 'class = "overveiw"')
    with pytest.raises(DescriptionError, match="no table class 'overveiw'"):
        load.cross_rules(description)
