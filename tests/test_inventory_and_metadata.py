"""What each document says about itself, and which of its nine tables it publishes."""

from __future__ import annotations

from datetime import date

import pytest


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            "000",
            (
                "克州政府办公室",
                "克孜勒苏柯尔克孜自治州",
                "新疆维吾尔自治区",
                2020,
                "budget",
                "万元",
                date(2020, 1, 19),
            ),
        ),
        (
            "004",
            (
                "昌吉回族自治州人民政府办公室",
                "昌吉回族自治州",
                "新疆维吾尔自治区",
                2020,
                "budget",
                "万元",
                date(2020, 1, 22),
            ),
        ),
    ],
)
def test_document_metadata(extracted, seed, expected) -> None:
    meta = extracted[seed].metadata
    assert (
        meta.department,
        meta.region,
        meta.province,
        meta.fiscal_year,
        meta.kind,
        meta.unit,
        meta.published_date,
    ) == expected


def test_kezhou_publishes_eight_tables_with_data_and_explains_the_empty_fund_table(
    extracted,
) -> None:
    tables = {row["table_no"]: row for row in extracted["000"].tables.iter_rows(named=True)}
    assert [tables[n]["status"] for n in range(1, 9)] == ["data"] * 8
    assert tables[9]["status"] == "empty_explained"
    assert "无政府性基金预算支出" in tables[9]["explanation"]


def test_changji_explains_its_empty_project_and_fund_tables(extracted) -> None:
    tables = {row["table_no"]: row for row in extracted["004"].tables.iter_rows(named=True)}
    assert tables[7]["status"] == "empty_explained"
    assert tables[7]["explanation"] == "备注：本单位无项目支出,此报表为空表。"
    assert tables[9]["status"] == "empty_explained"


def test_an_empty_table_with_only_the_template_reminder_is_unexplained() -> None:
    from pipelines.extract import extract_document

    text = (
        "表九：\n政府性基金预算支出情况表\n\t功能分类科目编码\n\t功能分类科目名称\n\t小计\n\n"
        "\t类\n\t款\n\t项\n\t\n\t\n\n\t\n\t\n\t\n\t合计\n\t\n\n\n备注：无内容应公开空表并说明情况。\n"
    )
    result = extract_document(text.encode("utf-8"), "t.txt")
    [row] = result.tables.filter(result.tables["table_no"] == 9).to_dicts()
    assert row["status"] == "empty_unexplained"


def test_a_table_the_document_leaves_out_is_missing(extracted) -> None:
    from pipelines.extract import extract_document

    text = "表八：\n一般公共预算“三公”经费支出情况表\n\t合计\n\t公务接待费\n\n\t3.6\n\t3.6\n\n"
    statuses = dict(
        extract_document(text.encode(), "t.txt").tables.select("table_no", "status").iter_rows()
    )
    assert statuses[8] == "data"
    assert {statuses[n] for n in (1, 2, 3, 4, 5, 6, 7, 9)} == {"missing"}


def _cover(*lines: str):
    from pipelines.document import Document, Paragraph, Position

    blocks = tuple(Paragraph(line, Position(page=1, line=n)) for n, line in enumerate(lines, 1))
    return Document("cover.pdf", "pdf", blocks)


@pytest.mark.parametrize(
    ("lines", "department"),
    [
        # 2018 江苏省高级人民法院: the year first, the name wrapped, no 部门
        (
            ("2018 年度江苏省高级", "人民法院预算公开", "2018 年 2 月 24 日", "目 录"),
            "江苏省高级人民法院",
        ),
        # 2024 普陀区委社会工作部 决算: the name wrapped before the year
        (
            ("中共上海市普陀区委", "社会工作部 2024 年度", "部门决算", "目 录"),
            "中共上海市普陀区委社会工作部",
        ),
        # 2024 普陀区规划和自然资源局 决算: the name wrapped over two lines above the title
        (
            ("上海市普陀区规划和自然", "资源局", "2024 年度部门决算", "目 录"),
            "上海市普陀区规划和自然资源局",
        ),
        # 2017 江苏省高级人民法院: the year first, on one line
        (("2017 年度江苏省高级人民法院部门预算公开", "目 录"), "江苏省高级人民法院"),
    ],
)
def test_a_cover_names_its_department_wherever_its_title_wraps(lines, department) -> None:
    from pipelines.metadata import document_metadata

    assert document_metadata(_cover(*lines), []).department == department


def test_a_web_page_names_its_department_by_its_publisher_line() -> None:
    """岳阳县台创园 2017: the page's own title names no department (岳阳县2017年度部门“三公”…);
    its 来源:岳阳县台创园 line does, and the region follows from it."""
    from pathlib import Path

    from pipelines.extract import extract_file

    page = (
        Path(__file__).parent
        / "fixtures/text/2017_yusuan_hunan-yueyang_taichuangyuan_sangong.page.txt"
    )
    meta = extract_file(page, page.parent).metadata
    assert (meta.department, meta.region, meta.fiscal_year) == ("岳阳县台创园", "岳阳县", 2017)


def test_a_departments_three_public_table_names_the_scope() -> None:
    """岳阳县2017年度部门“三公”经费预算情况表: the page is a 部门 document."""
    from pipelines.metadata import document_metadata

    assert document_metadata(_cover("岳阳县2017年度部门“三公”经费预算情况表"), []).scope == (
        "department"
    )


# 江苏省政协办公厅 2019's text part: its cover is an image, its 目录 names no department, and its
# narrative's sentences open with the office's name
NARRATIVE_OPENINGS = (
    "目 录",
    "第三部分 2019 年度部门预算情况说明",
    "江苏省政协办公厅 2019 年度收入、支出预算总计 13,377.11万元，与上年相比收、支预算总计"
    "各增加 3,226.63 万元，增长31.79%。",
    "江苏省政协办公厅 2019 年度财政拨款收、支预算 13,297.11万元。",
)


def test_a_text_part_without_a_cover_is_named_by_its_narratives_openings() -> None:
    from pipelines.metadata import document_metadata

    assert document_metadata(_cover(*NARRATIVE_OPENINGS), []).department == "江苏省政协办公厅"


def test_one_sentence_opening_with_a_name_does_not_name_the_document() -> None:
    from pipelines.metadata import document_metadata

    assert document_metadata(_cover(*NARRATIVE_OPENINGS[:3]), []).department is None
