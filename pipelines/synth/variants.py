"""The national layouts of the disclosure tables, rendered from a correctly read document.

Provinces print the Ministry's tables in many shapes (DOMAIN.md, "How provinces print the same
tables"). Each function here takes a recognised table of the 2020 template and gives its rows as
another layout prints them — codes in columns of their own, a second classification beside the
first, a 行次 column, last year's columns beside this year's, a code and its name in one cell —
so the layout-variant tests (`tests/test_variants.py`) can hold gongkai to reading the same facts
from every one of them, and the synthetic corpus (`pipelines.synth`) can inject them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from pipelines.description import TABLES
from pipelines.document import Cell, Document, Paragraph, Row, Table
from pipelines.numbers import is_amount, parse_amount
from pipelines.recognise import RecognisedTable, recognise_tables

# the government economic class (政府预算支出经济分类) printed beside a department one
GOVERNMENT_CLASS = {"301": "50101", "302": "50201", "303": "50901"}
Rows = list[tuple[list[str], Row]]  # each row's cell texts, and the row whose place it takes


def with_table(
    document: Document, number: int, rows: Callable[[RecognisedTable], Rows]
) -> Document:
    """The document with described table `number`'s rows replaced by `rows(table)` (lists of
    cell texts, each row's cells placed where its first cell was)."""
    found = next(
        t for t in recognise_tables(document, TABLES) if t.spec and t.spec.number == number
    )
    new_rows = []
    for texts, like in rows(found):
        new_rows.append(Row(tuple(Cell(text, like.position) for text in texts), like.position))
    table = Table(tuple(new_rows), found.table.position)
    blocks = tuple(table if block is found.table else block for block in document.blocks)
    return Document(document.source, document.format, blocks)


def with_captions(document: Document, number: int, edit: Callable[[str], str]) -> Document:
    """The document with described table `number`'s caption lines — its title and its unit
    line, whether above the table or in its first rows — rewritten by `edit`."""
    found = next(
        t for t in recognise_tables(document, TABLES) if t.spec and t.spec.number == number
    )
    captions = [c.strip() for c in found.captions if c.strip()]

    def is_caption(text: str) -> bool:
        return bool(text) and any(text in caption for caption in captions)

    def edited(block: Paragraph | Table) -> Paragraph | Table:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            return Paragraph(edit(text), block.position) if is_caption(text) else block
        if block is not found.table:
            return block
        rows = tuple(
            Row(
                tuple(
                    Cell(edit(cell.clean), cell.position, cell.span)
                    if is_caption(cell.clean)
                    else cell
                    for cell in row.cells
                ),
                row.position,
            )
            for row in block.rows[: found.header_rows]
        )
        return Table(rows + block.rows[found.header_rows :], block.position)

    blocks = tuple(edited(block) for block in document.blocks)
    return Document(document.source, document.format, blocks)


def retitled(document: Document, number: int, title: str) -> Document:
    """The document with described table `number`'s title line printed as `title` (another
    province's words for the same table: 一般公共预算基本支出明细表, （预算表6）…)."""
    found = next(
        t for t in recognise_tables(document, TABLES) if t.spec and t.spec.number == number
    )
    line = next(
        c.strip() for c in found.captions if c.strip() and found.title.startswith(c.strip())
    )
    return with_captions(document, number, lambda text: title if text == line else text)


def in_other_unit(document: Document, number: int, unit: str) -> Document:
    """The document with described table `number` printed in `unit` (元 with cents, 千元)
    instead of 万元: its unit line says so, and every amount is the same money in that unit,
    with thousands separators."""
    factor = {"元": Decimal(10000), "千元": Decimal(10)}[unit]

    def converted(table: RecognisedTable) -> Rows:
        return [
            (
                [
                    f"{parse_amount(text) * factor:,.2f}"
                    if index >= table.header_rows
                    and is_amount(text)
                    and not table.columns[min(cell, len(table.columns) - 1)].is_code_part
                    else text
                    for cell, text in enumerate(row.texts)
                ],
                row,
            )
            for index, row in enumerate(table.table.rows)
        ]

    document = with_table(document, number, converted)
    return with_captions(
        document, number, lambda text: re.sub(r"(单位[：:]\s*)万元", rf"\g<1>{unit}", text)
    )


def unit_in_header(document: Document, number: int) -> Document:
    """The document with described table `number` in 元 with no unit line: the unit printed
    in its amount columns' header cells instead (合计（元）| 基本支出（元）)."""
    document = in_other_unit(document, number, "元")
    found = next(
        t for t in recognise_tables(document, TABLES) if t.spec and t.spec.number == number
    )
    leaves = {c.leaf for c in found.columns if not c.is_code_part and not c.is_key}

    def headed(table: RecognisedTable) -> Rows:
        return [
            (
                [
                    f"{text}（元）" if index < table.header_rows and text in leaves else text
                    for text in row.texts
                ],
                row,
            )
            for index, row in enumerate(table.table.rows)
        ]

    document = with_table(document, number, headed)
    return with_captions(document, number, lambda text: re.sub(r"单位[：:]\s*元", "", text))


def _sum_column(rows: list[list[str]], index: int) -> str:
    values = [parse_amount(row[index]) for row in rows if is_amount(row[index])]
    return format(sum(values, Decimal(0)).normalize(), "f") if values else ""


def segments_in_columns(table: RecognisedTable) -> Rows:
    """表三 with a 类 row and a 款 row above its 项 rows, each printing only its own segment."""
    rows = [(list(row.texts), row) for row in table.table.rows]
    coded = [(texts, row) for texts, row in rows if texts[0].isdigit()]
    first = rows.index(coded[0])
    items = [texts for texts, _ in coded]
    sums = [_sum_column(items, index) for index in range(4, len(items[0]))]
    like = coded[0][1]
    heads = [
        (["201", "", "", "一般公共服务支出", *sums], like),
        (["", "03", "", "政府办公厅（室）及相关机构事务", *sums], like),
    ]
    segments = [(["", "", texts[2], *texts[3:]], row) for texts, row in coded]
    others = [item for item in rows if item not in coded]
    return others[:first] + heads + segments + others[first:]


def two_classifications(table: RecognisedTable) -> Rows:
    """表六 with a column of government economic codes after its 类 | 款 columns."""
    width = len(table.columns) + 1
    rows = []
    for index, row in enumerate(table.table.rows):
        texts = list(row.texts)
        if index == table.header_rows - 3:
            texts = ["项目"] * 4 + ["一般公共预算基本支出"] * 3
        elif index == table.header_rows - 2:
            texts = ["经济分类科目编码"] * 2 + ["政府经济分类科目编码"] + texts[1:]
        elif index == table.header_rows - 1:
            texts = ["类", "款", ""] + [""] * (width - 3)
        elif index >= table.header_rows and any(texts):
            government = GOVERNMENT_CLASS.get(texts[0], "")
            texts = texts[:2] + [government] + texts[2:]
        rows.append((texts, row))
    return rows


def text_in_amount_cell(table: RecognisedTable) -> Rows:
    """表三's 行政运行 基本支出 printed as words instead of its amount."""
    return [
        (["201", "03", "01", "行政运行", row.texts[4], "详见说明", *row.texts[6:]], row)
        if row.texts[:3] == ["201", "03", "01"]
        else (list(row.texts), row)
        for row in table.table.rows
    ]


# last year's 三公 of the 昌吉 sample, as its narrative states the change (比上年减少5.62万元:
# 公务用车运行费 −5.52, 公务接待费 −0.1): 合计, 因公出国, 小计, 购置, 运行, 接待
PRIOR_THREE_PUBLIC = ("51.22", "0", "47.52", "0", "47.52", "3.7")


def prior_year_columns(table: RecognisedTable) -> Rows:
    """表八 printing last year's 三公 before this year's, then the change in 万元 and in %,
    under a header naming each column's year (2019年预算数 | 2020年预算数 | 增减额 | 增减率)."""
    header = table.table.rows[0]
    items = ["合计", "因公出国（境）费", *["公务用车购置及运行费"] * 3, "公务接待费"]
    parts = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
    rows = [
        (["2019年预算数"] * 6 + ["2020年预算数"] * 6 + ["增减额"] * 6 + ["增减率"], header),
        (items * 3 + ["合计"], header),
        (parts * 3 + [""], header),
    ]
    for row in table.data_rows:
        if not any(is_amount(text) for text in row.texts):
            continue
        change = [
            format((parse_amount(now) - Decimal(then)).normalize(), "f")
            for now, then in zip(row.texts, PRIOR_THREE_PUBLIC, strict=True)
        ]
        rate = Decimal(change[0]) / Decimal(PRIOR_THREE_PUBLIC[0]) * 100
        texts = [*PRIOR_THREE_PUBLIC, *row.texts, *change, f"{rate:.2f}%"]
        rows.append((texts, row))
    return rows


def row_numbers(table: RecognisedTable) -> Rows:
    """表三 with a 行次 column under its 支出预算 header, numbering its rows 1, 2, 3 …"""
    rows, number = [], 0
    for index, row in enumerate(table.table.rows):
        texts = list(row.texts)
        if index == 0:
            texts = ["项目"] * 4 + ["支出预算"] * 4
        elif index == 1:
            texts = ["功能分类科目编码"] * 3 + [
                "功能分类科目名称",
                "",
                "合计",
                "基本支出",
                "项目支出",
            ]
        elif index == 2:
            texts = ["类", "款", "项", "", "", "", "", ""]
        elif any(texts):
            number += 1
            texts = texts[:4] + [str(number)] + texts[4:]
        else:
            texts = texts[:4] + [""] + texts[4:]
        rows.append((texts, row))
    return rows


def total_repeated_on_each_page(table: RecognisedTable) -> Rows:
    """表六 with its 合计 row first, continued on a second page that repeats the header and
    the same 合计 row before the rest of its items (a printed grid broken over two pages)."""
    rows = [(list(row.texts), row) for row in table.table.rows]
    header = rows[: table.header_rows]
    body = [item for item in rows[table.header_rows :] if any(item[0])]
    total = next(item for item in body if "合计" in item[0])
    items = [item for item in body if item is not total]
    half = len(items) // 2
    return header + [total] + items[:half] + header + [total] + items[half:]


# the 昌吉 office's 项 split between the office itself and a unit under it
UNITS = {
    "2010301": "昌吉回族自治州人民政府办公室（本级）",
    "2010350": "昌吉州人民政府机关事务服务中心",
}
DEPARTMENT = "昌吉回族自治州人民政府办公室（汇总）"


def units_in_blocks(table: RecognisedTable, summary: bool = True) -> Rows:
    """表三 as a 部门 table of units: its 合计, then (with `summary`) the department's own
    block, then each unit's block — a row naming the unit with its sums, then its 类, 款 and
    项 rows, the same codes in every block."""
    rows = [(list(row.texts), row) for row in table.table.rows]
    header = rows[: table.header_rows]
    items = [(texts, row) for texts, row in rows[table.header_rows :] if texts[0].isdigit()]
    total = next((texts, row) for texts, row in rows[table.header_rows :] if "合计" in texts)

    def block(name: str, block_items: list[tuple[list[str], Row]]) -> Rows:
        amounts = [texts for texts, _ in block_items]
        sums = [_sum_column(amounts, index) for index in range(4, len(amounts[0]))]
        like = block_items[0][1]
        return [
            (["", "", "", name, *sums], like),
            (["201", "", "", "一般公共服务支出", *sums], like),
            (["201", "03", "", "政府办公厅（室）及相关机构事务", *sums], like),
            *block_items,
        ]

    blocks = block(DEPARTMENT, items) if summary else []
    for code, unit in UNITS.items():
        blocks += block(unit, [(texts, row) for texts, row in items if "".join(texts[:3]) == code])
    return header + [total] + blocks


def _expenditure_rows(table: RecognisedTable) -> list[tuple[list[str], Row]]:
    """表三's data rows as (code, name, amounts), its 合计 row's code empty."""
    rows = []
    for row in table.data_rows:
        texts = list(row.texts)
        if any(texts):
            rows.append(("".join(texts[:3]), texts[3], texts[4:], row))
    return rows


def _one_label_column(table: RecognisedTable, label: Callable[[str, str], str]) -> Rows:
    """表三 with its code and name in one column, written as `label(code, name)`."""
    header = table.table.rows[0]
    rows: Rows = [
        (["项目", "支出预算", "支出预算", "支出预算"], header),
        (["功能分类科目", "合计", "基本支出", "项目支出"], header),
    ]
    for code, name, amounts, row in _expenditure_rows(table):
        rows.append(([label(code, name) if code else name, *amounts], row))
    return rows


def code_and_name_in_one_cell(table: RecognisedTable) -> Rows:
    """表三 printing each row's code and name in one cell: 2010301 行政运行."""
    return _one_label_column(table, lambda code, name: f"{code} {name}")


def bracketed_code_before_name(table: RecognisedTable) -> Rows:
    """表三 printing each row's code in brackets before its name: [2010301]行政运行."""
    return _one_label_column(table, lambda code, name: f"[{code}]{name}")


def classes_by_name_only(table: RecognisedTable) -> Rows:
    """表三 printing no codes: its 类, 款 and 项 by name, the 类 and 款 rows above their 项."""
    header = table.table.rows[0]
    rows: Rows = [
        (["项目", "支出预算", "支出预算", "支出预算"], header),
        (["科目名称", "合计", "基本支出", "项目支出"], header),
    ]
    items = _expenditure_rows(table)
    coded = [(amounts, row) for code, _, amounts, row in items if code]
    sums = [_sum_column([amounts for amounts, _ in coded], index) for index in range(3)]
    rows.append((["一般公共服务支出", *sums], coded[0][1]))
    rows.append((["政府办公厅（室）及相关机构事务", *sums], coded[0][1]))
    rows += [([name, *amounts], row) for _, name, amounts, row in items]
    return rows


PERSONNEL_WORDS = {"人员经费": "人员类", "公用经费": "公用类", "小计": "合计"}


def basic_expenditure_in_other_words(table: RecognisedTable) -> Rows:
    """表六 headed 合计 | 人员类 | 公用类 where the template says 小计 | 人员经费 | 公用经费."""
    return [
        ([PERSONNEL_WORDS.get(text, text) for text in row.texts], row) for row in table.table.rows
    ]
