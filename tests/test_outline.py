"""The document's outline and the rules on what a document says of itself: its 目录, sections,
narrative subjects, self-naming (部门/单位), 实施周期 and renamed class names."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.classification import judge_code
from pipelines.extract import extract_file
from pipelines.outline import outline_passages, passages_frame
from pipelines.quality.documents import outline_plausibility
from pipelines.readers import read_document
from tests.conftest import CORPUS, KEZHOU, RAW_DIR

PUTUO_UNIT = CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_unit.pdf"
PUTUO_DEPT = CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_dept.pdf"


@cache
def passages_of(path) -> pl.DataFrame:
    return extract_file(path, RAW_DIR).passages


def _items(passages: pl.DataFrame, kind: str) -> list[str]:
    return passages.filter(pl.col("kind") == kind)["item"].to_list()


def _text_passages(text: str) -> list[dict]:
    return outline_passages(read_document(text.encode("utf-8"), "passage.txt"))


def _judged(passages: list[dict], year: int, scope: str = "department") -> list[dict]:
    own = [
        {k: v for k, v in p.items() if k not in ("document_id", "source_file")} for p in passages
    ]
    frame = passages_frame("d", "passage.txt", own)
    documents = pl.DataFrame(
        [{"document_id": "d", "fiscal_year": year, "kind": "budget", "scope": scope}]
    )
    return outline_plausibility(frame, documents)


def test_the_contents_entries_are_read_from_the_page_after_the_word_contents() -> None:
    contents = passages_of(PUTUO_UNIT).filter(pl.col("kind") == "contents")
    assert contents.height == 15
    assert contents["text"][0] == "一、单位主要职能"
    assert contents["text"][13] == "9.2025年单位“三公”经费和机关运行经费预算表"
    assert set(contents["source_page"]) == {2}


def test_a_section_is_found_by_its_heading_not_by_its_contents_entry() -> None:
    sections = passages_of(PUTUO_UNIT).filter(pl.col("kind") == "section")
    pages = dict(zip(sections["item"], sections["source_page"], strict=True))
    assert pages == {"functions": 3, "structure": 4, "glossary": 5, "narrative": 6}


def test_the_seeds_sections_are_found_without_a_contents_page() -> None:
    passages = passages_of(KEZHOU)
    assert sorted(_items(passages, "section")) == [
        "functions",
        "glossary",
        "narrative",
        "structure",
    ]
    assert _items(passages, "contents") == []


def test_a_subject_is_placed_at_the_heading_that_explains_it() -> None:
    subjects = passages_of(PUTUO_UNIT).filter(pl.col("kind") == "subject")
    three_public = subjects.filter(pl.col("item") == "three_public").row(0, named=True)
    assert three_public["text"] == "一、2025年“三公”经费预算情况说明"
    assert three_public["source_page"] == 21


def test_a_unit_budget_naming_itself_a_unit_budget_passes() -> None:
    passages = passages_of(PUTUO_UNIT)
    assert _items(passages, "self_name") == ["单位", "单位"]
    judged = _judged(passages.to_dicts(), 2025, "unit")
    assert {row["status"] for row in judged} == {"plausible"}


def test_a_unit_budget_calling_its_narrative_a_department_budget_is_flagged() -> None:
    # 普陀区人民政府办公室's 2025 单位预算, its 编制说明 heading rewritten as a 部门 one
    passages = _text_passages("上海市普陀区2025年区级单位预算\n\n2025年部门预算编制说明\n")
    judged = _judged(passages, 2025, "unit")
    assert [row["status"] for row in judged] == ["plausible", "scope_mismatch"]
    assert "而本文件为单位预算" in judged[1]["message_zh"]


def test_the_economic_classification_named_部门预算_is_not_self_naming() -> None:
    passages = _text_passages("2025年预算单位一般公共预算基本支出部门预算经济分类预算表\n")
    assert [p for p in passages if p["kind"] == "self_name"] == []


def test_a_period_within_the_budget_year_passes() -> None:
    passages = passages_of(PUTUO_DEPT)
    assert _items(passages, "period") == ["2025-2025"]
    judged = [r for r in _judged(passages.to_dicts(), 2025) if "period" in r["check_id"]]
    assert [row["status"] for row in judged] == ["plausible"]


def test_a_period_of_last_year_in_this_years_budget_is_flagged() -> None:
    # 上海市普陀区商务委员会 2025's project description, its dates left at the year before
    passages = _text_passages("五、实施周期\n2024.1.1-2024.12.31\n六、年度预算安排\n")
    judged = _judged(passages, 2025)
    assert [row["status"] for row in judged] == ["period_outside_year"]
    assert judged[0]["observed"] == "2024-2024"


def test_a_period_of_several_years_including_the_budget_year_passes() -> None:
    passages = _text_passages("实施周期：2024年1月至2026年12月\n")
    assert [row["status"] for row in _judged(passages, 2025)] == ["plausible"]


def test_a_period_without_a_year_is_not_judged() -> None:
    # 万里街道 2024: 第一季度审价、审计 … 第四季度支付尾款
    passages = _text_passages("五、实施周期\n第一季度审价、审计 第二季度审价、审计\n")
    assert _judged(passages, 2024) == []


def test_a_class_printed_by_its_pre_2019_name_in_a_2019_table_is_a_former_name() -> None:
    # 江苏省政协办公厅 2019 公开01表: 七、文化体育与传媒支出, 九、医疗卫生与计划生育支出
    judged = judge_code("function", "210", "医疗卫生与计划生育支出", 2019)
    assert judged["status"] == "former_name"
    assert judged["official_name"] == "卫生健康支出"


def test_the_same_name_in_its_own_years_is_a_known_wording() -> None:
    # 江苏省人大常委会办公厅 2018 prints 210 医疗卫生与计划生育支出
    assert judge_code("function", "210", "医疗卫生与计划生育支出", 2018)["status"] == (
        "known_variant"
    )


def test_a_renamed_class_in_the_prose_is_flagged_with_both_names() -> None:
    sentence = "医疗卫生与计划生育支出（类）32.5万元，占2.1%。"
    flagged = _judged(_text_passages(sentence), 2020)
    assert [row["status"] for row in flagged] == ["former_name"]
    assert "医疗卫生与计划生育支出" in flagged[0]["message_zh"]
    assert "卫生健康支出" in flagged[0]["message_zh"]
    kept = _judged(_text_passages(sentence), 2018)
    assert [row["status"] for row in kept] == ["plausible"]


def _named(lines: str, department: str, year: int) -> list[dict]:
    document = read_document(lines.encode("utf-8"), "passage.txt")
    passages = outline_passages(document, department, year)
    frame = passages_frame("d", "passage.txt", passages)
    documents = pl.DataFrame(
        [{"document_id": "d", "fiscal_year": year, "printed_department": department}]
    )
    return [
        row
        for row in outline_plausibility(frame, documents)
        if row["check_id"] == "plausibility.department_named_consistently"
    ]


GUIHUA = "上海市普陀区规划和自然资源局"


def test_a_heading_naming_the_department_without_its_district_is_told() -> None:
    # 上海市普陀区规划和自然资源局 2024 决算, p.7: 上海市规划和自然资源局2024年度
    found = _named("上海市规划和自然资源局2024年度\n", GUIHUA, 2024)
    assert [(row["observed"], row["severity"]) for row in found] == [
        ("上海市规划和自然资源局", "info")
    ]


def test_headings_naming_the_department_in_full_pass() -> None:
    found = _named(
        "第一部分 上海市普陀区规划和自然资源局概况\n\n上海市普陀区规划和自然资源局2024年度\n",
        GUIHUA,
        2024,
    )
    assert found == []


def test_another_spelling_of_the_name_is_told_once_with_its_count() -> None:
    # the same document's 说明, p.26: 上海市普陀区规划与自然资源局 three times
    prose = "上海市普陀区规划与自然资源局2024年度收入合计。\n" * 3
    found = _named(prose, GUIHUA, 2024)
    assert [row["observed"] for row in found] == ["规划与自然资源局"]
    assert "（3处）" in found[0]["message_zh"]


def test_the_superior_bureau_named_in_a_sentence_is_not_the_department_misnamed() -> None:
    found = _named("根据上海市规划和自然资源局的要求，本局编制了预算。\n", GUIHUA, 2024)
    assert found == []
