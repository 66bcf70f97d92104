"""Codes 2026 documents print attest a code from 2024 on; another year's wording of a name is
a variant (../shared/corpus/FINDINGS.md: 20139 社会工作事务, 30217 公务接待费, 30104)."""

from __future__ import annotations

from pipelines.classification import judge_code


def test_a_code_new_since_2020_is_valid_in_a_2024_document() -> None:
    """2024 社会工作部 决算 prints 20139 社会工作事务 (a 款 added in 2024)."""
    judged = judge_code("function", "20139", "社会工作事务", 2024)
    assert (judged["status"], judged["reference_year"]) == ("match", 2026)


def test_the_attested_codes_do_not_speak_for_a_2020_document() -> None:
    assert judge_code("function", "20139", "社会工作事务", 2020)["status"] == (
        "not_in_national_list"
    )


def test_a_code_absent_from_every_list_of_a_2024_document_is_unverified_not_invalid() -> None:
    assert judge_code("function", "2019998", "某地方科目", 2025)["status"] == "unverified"


def test_the_current_wording_of_a_renamed_item_is_a_variant() -> None:
    """2017 Jiangsu: 30217 公务接待费 (招待费 in the pre-2018 list, 公务接待费 since)."""
    assert judge_code("economic", "30217", "公务接待费", 2017)["status"] == "known_variant"


def test_a_later_lists_wording_of_the_same_item_is_a_variant() -> None:
    """2017 高级人民法院: 30104 其他社会保障缴费 for the old list's 社会保障缴费."""
    assert judge_code("economic", "30104", "其他社会保障缴费", 2017)["status"] == "known_variant"


def test_another_items_name_under_a_code_still_differs() -> None:
    assert judge_code("function", "201", "其他一般公共服务支出", 2020)["status"] == "name_differs"
