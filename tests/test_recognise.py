"""Table recognition: the nine tables found by title and header, headers rebuilt from flat rows."""

from __future__ import annotations

import pytest

from pipelines.description import TABLES
from pipelines.document import Cell, Document, Position, Row, Table
from pipelines.recognise import column_paths, recognise_tables


@pytest.mark.parametrize("seed", ["000", "004"])
def test_all_nine_tables_are_recognised_in_both_seeds(recognised, seed: str) -> None:
    assert sorted(recognised[seed]) == list(range(1, 10))


@pytest.mark.parametrize("seed", ["000", "004"])
def test_printed_numbers_agree_with_the_recognised_tables(recognised, seed: str) -> None:
    numbers = {n: t.printed_number for n, t in recognised[seed].items()}
    assert numbers == {
        1: "表一",
        2: "表二",
        3: "表三",
        4: "表四",
        5: "表五",
        6: "表六",
        7: "表七",
        8: "表八",
        9: "表九",
    }


def test_department_lines_in_every_variant_are_read(recognised) -> None:
    """编制部门 (表一), 填报部门 (表二), 编制单位 (表八), and inside the grid (表五)."""
    assert {t.department for t in recognised["000"].values()} == {"克州政府办公室"}
    assert {t.unit for t in recognised["004"].values()} == {"万元"}


def test_the_three_public_header_is_rebuilt_with_the_vehicle_group(recognised) -> None:
    paths = [c.path for c in recognised["000"][8].columns]
    assert paths == [
        ("合计",),
        ("因公出国（境）费",),
        ("公务用车购置及运行费", "小计"),
        ("公务用车购置及运行费", "公务用车购置费"),
        ("公务用车购置及运行费", "公务用车运行费"),
        ("公务接待费",),
    ]


def test_funding_source_columns_differ_between_the_seeds(recognised) -> None:
    kezhou = [c.leaf for c in recognised["000"][2].columns]
    changji = [c.leaf for c in recognised["004"][2].columns]
    assert len(kezhou) == 15 and "上级专项收入" in kezhou and "上级补助收入" in kezhou
    assert len(changji) == 13 and "上级专项收入" not in changji


def test_two_sided_headers_split_into_income_and_expense(recognised) -> None:
    paths = [c.path for c in recognised["004"][4].columns]
    assert paths[0] == ("财政拨款收入", "项目") and paths[1] == ("财政拨款收入", "合计")
    assert paths[2:] == [
        ("财政拨款支出", "功能分类"),
        ("财政拨款支出", "合计"),
        ("财政拨款支出", "一般公共预算"),
        ("财政拨款支出", "政府性基金预算"),
    ]


def test_a_code_header_spans_its_lei_kuan_xiang_columns() -> None:
    header = [
        ["项目", "支出预算"],
        ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"],
        ["类", "款", "项", "", "", "", ""],
    ]
    paths = [c.path for c in column_paths(header, 7)]
    assert paths[:4] == [
        ("项目", "功能分类科目编码", "类"),
        ("项目", "功能分类科目编码", "款"),
        ("项目", "功能分类科目编码", "项"),
        ("项目", "功能分类科目名称"),
    ]
    assert paths[4:] == [("支出预算", "合计"), ("支出预算", "基本支出"), ("支出预算", "项目支出")]


def _table(rows: list[list[str]]) -> Table:
    return Table(
        rows=tuple(
            Row(tuple(Cell(t, Position(line=i)) for t in r), Position(line=i))
            for i, r in enumerate(rows, 1)
        ),
        position=Position(line=1),
    )


def test_a_table_is_known_by_its_title_not_its_place() -> None:
    from pipelines.document import Paragraph

    three_public = _table([["合计", "因公出国（境）费", "公务接待费"], ["10", "4", "6"]])
    document = Document(
        "d", "text", (Paragraph("一般公共预算“三公”经费支出情况表", Position(line=1)), three_public)
    )
    [table] = recognise_tables(document, TABLES)
    assert table.spec.number == 8


def test_a_table_with_no_known_title_is_left_unrecognised() -> None:
    from pipelines.document import Paragraph

    document = Document(
        "d",
        "text",
        (
            Paragraph("项目支出绩效目标表", Position(line=1)),
            _table([["一级指标", "二级指标"], ["a", "b"]]),
        ),
    )
    [table] = recognise_tables(document, TABLES)
    assert table.spec is None


def test_a_table_without_a_header_has_a_column_of_codes_and_unlabelled_columns() -> None:
    """2018 高级人民法院, page 12: rows of 表六 cut off from its header on page 11."""
    from pipelines.recognise import unlabelled_columns

    table = _table([["30109", "职业年金缴费", "530.72"], ["30112", "其他社会保障缴费", "74.56"]])
    columns = unlabelled_columns(table.rows, table.width)
    assert [(c.is_code_part, c.path) for c in columns] == [
        (True, ("编码",)),
        (False, ()),
        (False, ()),
    ]


def test_whole_amounts_in_yuan_after_a_label_column_are_not_codes() -> None:
    from pipelines.recognise import unlabelled_columns

    table = _table([["电费", "23500", "235"], ["水费", "4360", "436"]])
    assert not any(c.is_code_part for c in unlabelled_columns(table.rows, table.width))


def test_the_title_nearest_the_table_names_it_not_the_目录_lines_above() -> None:
    """2018 省委办公厅, page 3: the last 目录 lines run on to the page of 收支预算总表."""
    from pipelines.description import TEMPLATES
    from pipelines.document import Paragraph

    lines = [
        "十、 一般公共预算机关运行经费支出预算表",
        "十一、 一般公共预算“三公”经费、会议费、培训费支出预算表",
        "十二、 政府采购支出预算表",
        "收支预算总表部门：中共江苏省委办公厅 单位：万元",
    ]
    grid = _table(
        [["项目名称", "金额", "功能科目名称", "金额"], ["一、财政拨款", "24,458.43", "", ""]]
    )
    blocks = (*(Paragraph(line, Position(line=n)) for n, line in enumerate(lines, 1)), grid)
    [table] = recognise_tables(Document("d", "pdf", blocks), TEMPLATES["jiangsu_budget_2017"])
    assert (table.spec.topic, table.title) == ("overview", lines[-1])


def test_a_one_column_目录_grid_is_no_table() -> None:
    """2025 普陀区商务委 ruled its 目录 as a one-column grid; its lines name tables 8 and 9."""
    from pipelines.description import TEMPLATES

    contents = _table(
        [
            ["8．2025年部门一般公共预算基本支出部门预算经济分类预算表"],
            ["9．2025年部门“三公”经费和机关运行经费预算表"],
            ["六、其他相关情况说明"],
        ]
    )
    [table] = recognise_tables(Document("d", "pdf", (contents,)), TEMPLATES["shanghai_budget_2024"])
    assert table.spec is None


def test_a_row_numbered_deeper_than_the_row_above_is_its_part() -> None:
    """上海市公安局 2026 财务收支预算总表: 1、一般公共预算 is a part of 一、财政拨款收入, worded
    as the national vocabulary words it (not 一般公共预算资金), and no second item of income."""
    from pipelines.description import TEMPLATES
    from pipelines.document import Paragraph
    from pipelines.facts import table_facts

    overview = _table(
        [
            ["收入", "", "支出", "", "", "", ""],
            ["项目", "预算数", "项目", "预算数", "人员经费", "公用经费", "项目支出"],
            ["一、财政拨款收入", "6671.6064", "科学技术支出", "6973.3764", "248.318", "", ""],
            ["1、一般公共预算", "6671.6064", "", "", "", "", ""],
            ["四、其他收入", "400", "", "", "", "", ""],
            ["收入总计", "7071.6064", "支出总计", "7071.6064", "", "", ""],
        ]
    )
    document = Document(
        "d", "text", (Paragraph("2026年财务收支预算总表", Position(line=1)), overview)
    )
    [table] = recognise_tables(document, TEMPLATES["shanghai_budget_2024"])
    facts = [f for f in table_facts(table, "d", "元").facts if f["section"] == "income"]
    rows = {f["row_label"]: (f["row_role"], f["measure"]) for f in facts}
    assert rows["1、一般公共预算"] == ("component", "general_public_budget")
    assert rows["四、其他收入"] == ("item", "other_income")


def test_a_title_naming_a_class_the_family_lacks_is_not_the_class_it_contains() -> None:
    """上海市商务局 2026 单位预算05表 财政拨款支出预算表: the Shanghai family has no such table;
    its title holds 支出预算表, the 支出总表 class's words, but names another class."""
    from pipelines.description import TEMPLATES
    from pipelines.recognise import match_title

    shanghai = TEMPLATES["shanghai_budget_2024"]
    assert match_title(("2026年预算单位财政拨款支出预算表",), shanghai)[0] is None
    assert match_title(("2026年预算单位支出预算总表",), shanghai)[0].number == 3
