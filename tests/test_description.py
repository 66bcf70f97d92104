"""The one description of the tables: data files, loaded into typed objects and checked as they
are read, a family's table its class's default with what the family says otherwise."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from expectations.runner import judge_sql, registry_suite, suite_definition
from pipelines.description import CROSS_RULES, TEMPLATES, described_tables, load
from pipelines.description.load import DESCRIPTION_DIR, DescriptionError
from pipelines.extract import extract_file
from pipelines.quality import QualityInput, judged
from tests.conftest import CHANGJI, CORPUS, KEZHOU, RAW_DIR

README = Path(__file__).resolve().parent.parent / "README.md"


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


def _registered(check_id: str, registry: dict) -> bool:
    return check_id in registry or any(
        "{measure}" in known
        and re.fullmatch(re.escape(known).replace(r"\{measure\}", "[a-z_]+"), check_id)
        for known in registry
    )


def test_every_rule_the_description_holds_is_in_the_check_registry() -> None:
    registry = load.check_registry()[1]
    ids = {rule.rule_id for table in described_tables() for rule in table.sum_rules}
    ids |= {rule.rule_id for rule in CROSS_RULES}
    assert sorted(i for i in ids if not _registered(i, registry)) == []


def test_every_check_the_code_emits_on_real_documents_is_in_the_registry() -> None:
    registry = load.check_registry()[1]
    emitted = set()
    for path in (KEZHOU, CHANGJI, *sorted(CORPUS.glob("*.pdf"))[::3]):
        result = extract_file(path, RAW_DIR)
        emitted |= set(judged(QualityInput.from_result(result), judge_sql)["check_id"])
    assert len(emitted) > 30
    assert sorted(i for i in emitted if not _registered(i, registry)) == []


def test_the_readme_lists_every_check_as_the_registry_says() -> None:
    assert load.check_table() in README.read_text(encoding="utf-8")


def test_the_stored_suites_are_what_the_registry_makes() -> None:
    for family in load.check_registry()[0]:
        assert suite_definition(family) == registry_suite(family), family
