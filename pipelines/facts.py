"""Long-format facts: one row for every number a recognised table publishes.

Every non-empty numeric cell becomes exactly one fact, carrying its codes, canonical measure,
row role, amount in 万元 and its provenance (table, row, column, source line, raw text). Every
classification code a table prints is listed too, with or without amounts beside it, so code
checks see the rows the facts cannot. A cell that is neither a number nor a blank mark is not
guessed at: it becomes a warning beside the facts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

import polars as pl

from pipelines.classification import function_child_code, function_class_codes, normalise_name
from pipelines.description import (
    BASES,
    MEASURES,
    NUMBERED,
    ColumnSpec,
    RowSpec,
    SideSpec,
    TableSpec,
    normalise_label,
)
from pipelines.document import Cell, Position, Row
from pipelines.numbers import (
    is_amount,
    is_percentage,
    parse_amount,
    parse_percentage,
    to_wan_yuan,
)
from pipelines.recognise import CODE_PART, Column, RecognisedTable
from pipelines.vocabulary import (
    header_measure,
    measure_parts,
    numbering_level,
    period_pattern,
    row_measure,
)
from pipelines.vocabulary import (
    measures as vocabulary_measures,
)

# a code printed in its name's cell: 201 一般公共服务支出, [201]一般公共服务支出 (珠海 2026)
CODED_LABEL = re.compile(r"^[\[【［]?(\d{3}(?:\d{2}){0,2})(?!\d)[\]】］]?\s*(.*)$")
UNRECOGNISED = "unrecognised"
# one published number, as every stage after the reading holds it
FACT_SCHEMA = {
    "document_id": pl.String,
    "template": pl.String,
    "table_no": pl.Int16,
    "table_name": pl.String,
    "section": pl.String,
    "row_label": pl.String,
    "row_role": pl.String,
    "function_code": pl.String,
    "economic_code": pl.String,
    "project_name": pl.String,
    "budget_unit": pl.String,
    "measure": pl.String,
    "basis": pl.String,
    "period": pl.String,
    "period_year": pl.Int16,
    "column_label": pl.String,
    "amount": pl.Decimal(24, 6),
    "published_unit": pl.String,
    "raw_text": pl.String,
    "is_total": pl.Boolean,
    "source_row": pl.Int32,
    "source_column": pl.Int32,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
TOTAL_LABEL = re.compile(r"^(合计|总计|小计|.*(总计|合计|小计))$")


# the warnings a repaired reading leaves (pipelines.repair): a continuation joined to the table it
# continues, rows split over two lines joined again; the reading verdict of such a table is
# `repaired`
REPAIRED = "continuation_joined"
REALIGNED = "split_rows_joined"
REPAIRS = (REPAIRED, REALIGNED)


def warning(
    kind: str,
    spec: TableSpec | None,
    position: Position | None,
    message: str,
    *,
    row: int | None = None,
    column: int | None = None,
) -> dict:
    """A structured extraction warning: what kind, where — the table (its template and number:
    an unrecognised table 1 is not the family's 表1), the cell's row and column where it is
    about one cell, its page and line — and a sentence for people."""
    return {
        "kind": kind,
        "template": spec.template if spec else None,
        "table_no": spec.number if spec else None,
        "source_row": row,
        "source_column": column,
        "source_line": position.line if position else None,
        "source_page": position.page if position else None,
        "message": message,
    }


@dataclass
class TableFacts:
    facts: list[dict] = field(default_factory=list)
    codes: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


# a row counting things, not money: 因公出国(境)团组数(个), 公务用车保有量(辆), 接待人数(人)
COUNT_ROW = re.compile(r"[(（](个|人|辆|批|台|套|次|人次|台（套）|平方米)[)）]$")
# the measures that count things, and their units (vocabulary `unit`)
COUNT_UNITS = {
    measure.measure: measure.unit for measure in vocabulary_measures().values() if measure.unit
}
COUNT = "count"
# a basis word may carry its year: 2017-预算数, 2016年执行数, 上年预算数 (岳阳县 2017 三公)
BASIS_YEAR = re.compile(r"^(?:20\d{2}\s*(?:年度?|-)?|上年|本年|当年)")


def basis_word(label: str) -> str | None:
    """The basis a header label names (预算数 → budget, 2016-执行数 → actual), if it is one."""
    return BASES.get(label) or BASES.get(BASIS_YEAR.sub("", label))


def column_basis(path: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """A header path without its trailing 预算数/决算数 level, and the basis that level names:
    paired tables (三公 决算表) print the plan and the outcome under each item; a column headed
    by its basis alone keeps that header."""
    basis = basis_word(path[-1]) if path else None
    if len(path) > 1 and basis:
        return path[:-1], basis
    return path, basis


def path_basis(path: tuple[str, ...]) -> str | None:
    """The basis the lowest header level naming one says: 2025年执行数 over 合计 | 因公出国…
    is what was spent, whatever the document's kind."""
    return next((found for level in reversed(path) if (found := basis_word(level))), None)


CURRENT, PRIOR, LATER, CHANGE = "current", "prior", "later", "change"
LAST_YEAR = -1  # a column headed 上年… : the year before the current one, whatever it is


def _printed_year(path: tuple[str, ...]) -> int | None:
    """The year a column's header names for its figures (2025年预算数 → 2025, 上年执行数 →
    LAST_YEAR), if any."""
    for level in path:
        if found := period_pattern("year").search(level):
            return int(found.group(1))
        if period_pattern("prior").search(level):
            return LAST_YEAR
    return None


def column_periods(
    columns: tuple[Column, ...] | list[Column], fiscal_year: int | None
) -> dict[int, tuple[str, int | None]]:
    """Each column's period and the year its figures are of. The document's year is current;
    where the document's year is unknown, or no column is of it (every column 2024年 in a
    2025 document), the latest year printed is. A column without a year is current; one
    naming a change (增减额, 增减率) is the change between the years."""
    printed = {column.index: _printed_year(column.path) for column in columns}
    changes = {
        column.index
        for column in columns
        if any(period_pattern("change").search(level) for level in column.path)
    }
    years = {year for index, year in printed.items() if year and year > 0 and index not in changes}
    current = fiscal_year
    if years and fiscal_year not in years:
        undated = any(printed[c.index] is None and c.index not in changes for c in columns)
        if fiscal_year is None or not undated:
            current = max(years)
    found: dict[int, tuple[str, int | None]] = {}
    for column in columns:
        year = printed[column.index]
        if column.index in changes:
            found[column.index] = (CHANGE, current)
        elif year == LAST_YEAR:
            found[column.index] = (PRIOR, current - 1 if current else None)
        elif year is None or year == current or current is None:
            found[column.index] = (CURRENT, current)
        else:
            found[column.index] = (PRIOR if year < current else LATER, year)
    return found


def is_percentage_column(column: Column) -> bool:
    """Whether a change column prints percentages (增减率, 增减%), not amounts."""
    return any(period_pattern("percentage").search(level) for level in column.path)


def _column_spec(column: Column, specs: tuple[ColumnSpec, ...]) -> ColumnSpec | None:
    """The described column a column is: by its full header path, else by the path above its
    预算数/决算数 level."""
    for path in dict.fromkeys((column.path, column_basis(column.path)[0])):
        leaf = path[-1] if path else ""
        found = next((spec for spec in specs if spec.matches(leaf, path)), None)
        if found:
            return found
    return None


def _vocabulary_spec(column: Column, topic: str | None) -> ColumnSpec | None:
    """The column as the national vocabulary reads it for a table of this class."""
    for path in dict.fromkeys((column.path, column_basis(column.path)[0])):
        if measure := header_measure(path, topic):
            return ColumnSpec(measure, re.escape(path[-1]), is_total=measure == "total")
    return None


def described_columns(
    table: RecognisedTable, columns: list[Column]
) -> dict[int, ColumnSpec | None]:
    """What each amount column carries: the family's description first; a bare 合计/小计 under a
    group that names a measure (基本支出/小计) is that group's total, not a second 合计; a
    column the family does not describe is read by the national vocabulary's header words,
    for a measure no other column of the table carries."""
    spec = table.spec
    found: dict[int, ColumnSpec | None] = {}
    for column in columns:
        described = _column_spec(column, spec.columns)
        national = _vocabulary_spec(column, spec.topic)
        if (
            described is not None
            and described.measure == "total"
            and described.under is None
            and national is not None
            and national.measure != "total"
        ):
            described = national
        found[column.index] = described
    taken = {described.measure for described in found.values() if described}
    for column in columns:
        if found[column.index] is None and spec.template != UNRECOGNISED:
            national = _vocabulary_spec(column, spec.topic)
            if national is None and len(column.path) == 1 and basis_word(column.leaf):
                # a column headed only by its basis (泉州 2026 预算数; 岳阳县 2016-执行数 |
                # 2017-预算数): the row's amount itself, once per basis
                found[column.index] = ColumnSpec("total", re.escape(column.leaf), is_total=True)
                continue
            if national is not None and national.measure not in taken:
                found[column.index] = national
                taken.add(national.measure)
    return found


def function_class_of(label: str) -> str | None:
    """The 类 code of a row that names a function class without printing its code."""
    return function_class_codes().get(normalise_name(re.sub("^" + NUMBERED, "", label)))


CODE_PART_DIGITS = {"类": 3, "款": 2, "项": 2}
UNIT_CODE = re.compile(r"(部门|单位)(代码|编码)")
UNIT_NAME = re.compile(r"(部门|单位)名称")


def code_kind_of(code: str | None, described: str | None) -> str | None:
    """The classification a printed code belongs to: 301–399 are the economic classes of
    department budgets and 1xx/2xx the functional ones, whatever the table's description expects
    (珠海 2026 prints its 项目支出 table by economic class)."""
    if code and described and code[0] == "3":
        return "economic"
    if code and described and code[0] in "12":
        return "function"
    return described


# a second classification printed beside the first: 政府预算支出经济分类 (501…599) beside
# the department one (301…399)
GOVERNMENT_ECONOMIC = "gov_economic"


def classification_of(code: str) -> str | None:
    """The classification a whole code's first digit says it is of, where it says one."""
    return {"1": "function", "2": "function", "3": "economic", "5": GOVERNMENT_ECONOMIC}.get(
        code[:1]
    )


def _whole_codes(text: str) -> list[str]:
    """The codes a cell of whole codes holds: one, or two of different classifications run
    together (3020150201: 30201 and 50201) or set apart (30201 50201); 302 01 is one code."""
    digits = re.sub(r"\D", "", text)
    groups = [digits[:5], digits[5:]] if len(digits) == 10 else re.findall(r"\d+", text)
    kinds = [classification_of(group) for group in groups]
    if (
        len(groups) == 2
        and None not in kinds
        and kinds[0] != kinds[1]
        and all(len(group) in (3, 5, 7) for group in groups)
    ):
        return groups
    return [digits] if digits else []


class RowCodes:
    """The codes of a table's rows, read from its code columns row after row.

    类/款/项 columns are joined into one code (a part stored as a number, 3 for 03, padded); a
    row printing only its own segment (类/款/项 each in a column of its own: 201 | | |, then
    | 03 | |, then | | 01 |) takes the segments above it from the rows that printed them. A
    column of whole codes beside them, or a second such column, holds a second classification
    (政府预算支出经济分类 beside the department one), read apart from the row's own code."""

    def __init__(self, columns: list[Column]) -> None:
        self.segments = [c for c in columns if c.leaf in CODE_PART_DIGITS]
        self.wholes = [c for c in columns if c.leaf not in CODE_PART_DIGITS]
        self.above: dict[str, str] = {}

    def _joined(self, texts: dict[str, str]) -> str | None:
        printed = [leaf for leaf in CODE_PART_DIGITS if texts.get(leaf)]
        if not printed:
            return None
        levels = [c.leaf for c in self.segments]
        for leaf in levels[: levels.index(printed[0])]:
            texts[leaf] = self.above.get(leaf, "")  # the segments of the rows above
        for leaf in levels[levels.index(printed[0]) :]:
            if texts.get(leaf):
                self.above[leaf] = texts[leaf]
            else:
                self.above.pop(leaf, None)  # a new 类 closes the 款 above it
        digits = ""
        for leaf in levels:
            part = texts.get(leaf, "")
            digits += part.zfill(CODE_PART_DIGITS[leaf]) if part else ""
        return digits or None

    def printed_in_label(self, code: str) -> None:
        """A row whose code is printed in its name's cell ([208]社会保障和就业支出) is the
        segments above the rows after it."""
        self.above = {
            leaf: code[start:end]
            for leaf, start, end in (("类", 0, 3), ("款", 3, 5), ("项", 5, 7))
            if len(code) >= end
        }

    def read(self, text_of: Callable[[Column], str]) -> tuple[str | None, list[str]]:
        """A row's code and the codes of other classifications printed beside it."""
        joined = self._joined({c.leaf: re.sub(r"\D", "", text_of(c)) for c in self.segments})
        codes = [joined] if joined else []
        for column in self.wholes:
            codes += [code for code in _whole_codes(text_of(column)) if code != joined]
        if not codes:
            return None, []
        own = codes[0] if joined or len(codes) == 1 else None
        if own is None:  # two whole codes: the row's own is not the government one
            own = next((c for c in codes if classification_of(c) != GOVERNMENT_ECONOMIC), codes[0])
        return own, [code for code in codes if code != own]


class _FactBuilder:
    """Collects the facts and printed codes of one table, converting amounts to 万元."""

    def __init__(
        self,
        table: RecognisedTable,
        document_id: str,
        unit: str,
        basis: str | None,
        fiscal_year: int | None = None,
    ) -> None:
        self.table = table
        self.document_id = document_id
        self.unit = unit
        self.basis = basis
        self.fiscal_year = fiscal_year
        self.periods = column_periods(table.columns, fiscal_year)
        self.result = TableFacts()

    def warn(
        self,
        kind: str,
        position: Position | None,
        message: str,
        *,
        row: int | None = None,
        column: int | None = None,
    ) -> None:
        self.result.warnings.append(
            warning(kind, self.table.spec, position, message, row=row, column=column)
        )

    def code(
        self, row_index: int, row: Row, code_kind: str, code: str, name: str, has_amounts: bool
    ) -> None:
        self.result.codes.append(
            {
                "document_id": self.document_id,
                "template": self.table.spec.template,
                "table_no": self.table.spec.number,
                "code_kind": code_kind,
                "code": code,
                "printed_name": name or None,
                "has_amounts": has_amounts,
                "budget_unit": None,
                "source_row": row_index + 1,
                "source_line": row.position.line,
                "source_page": row.position.page,
            }
        )

    def add(
        self,
        row_index: int,
        cell: Cell,
        column: Column,
        measure: str,
        *,
        row_role: str,
        section: str | None = None,
        row_label: str | None = None,
        function_code: str | None = None,
        economic_code: str | None = None,
        project_name: str | None = None,
        is_total: bool = False,
        count_unit: str | None = None,
    ) -> bool:
        """Add the cell's fact; True when the cell held a number. A change column's
        percentages (增减率 -10.97%) are kept as printed, in %; a count (团组数, 保有量) as
        printed, in its unit."""
        count_unit = count_unit or COUNT_UNITS.get(measure)
        period, period_year = self.periods.get(column.index, (CURRENT, self.fiscal_year))
        percentage = period == CHANGE and (is_percentage(cell.text) or is_percentage_column(column))
        try:
            value = parse_percentage(cell.text) if percentage else parse_amount(cell.text)
        except ValueError:
            self.warn(
                "unparsed_cell",
                cell.position,
                f"not a number in column {'/'.join(column.path)!r}: {cell.clean!r}",
                row=row_index + 1,
                column=column.index + 1,
            )
            return False
        if value is None:
            return False
        spec = self.table.spec
        self.result.facts.append(
            {
                "document_id": self.document_id,
                "template": spec.template,
                "table_no": spec.number,
                "table_name": spec.name,
                "section": section,
                "row_label": row_label or None,
                "row_role": row_role,
                "function_code": function_code,
                "economic_code": economic_code,
                "project_name": project_name or None,
                "budget_unit": None,
                "measure": measure,
                "basis": path_basis(column.path) or self.basis,
                "period": period,
                "period_year": period_year,
                "column_label": "/".join(column.path),
                "amount": value if percentage or count_unit else to_wan_yuan(value, self.unit),
                "published_unit": "%" if percentage else count_unit or self.unit,
                "raw_text": cell.text,
                "is_total": is_total,
                "source_row": row_index + 1,
                "source_column": column.index + 1,
                "source_line": cell.position.line,
                "source_page": cell.position.page,
            }
        )
        return True


def holds_text(table: RecognisedTable, column: Column) -> bool:
    """Whether a column of a table no description knows carries labels rather than amounts."""
    texts = [row.texts[column.index] for row in table.data_rows if column.index < len(row.cells)]
    filled = [text for text in texts if text]
    return bool(filled) and not any(is_amount(text) or is_percentage(text) for text in filled)


def _repeats_header(texts: list[str], columns: tuple[Column, ...]) -> bool:
    """Whether a data row is the header printed again (a table continued on the next page
    repeats its 项目 | 合计 | 基本支出 rows): each text is a label of its own column's header,
    or, where the row prints two or more, of some column's header (merged header cells, lost
    in a text export, shift the labels of a repeated header row left)."""
    filled = [(index, text) for index, text in enumerate(texts) if text]
    if filled and all(
        index < len(columns) and normalise_label(text) in columns[index].path
        for index, text in filled
    ):
        return True
    labels = {label for column in columns for label in column.path}
    return len(filled) >= 2 and all(normalise_label(text) in labels for _, text in filled)


ROW_NUMBER_HEADER = re.compile(r"行次|栏次")


def numbers_rows(table: RecognisedTable, column: Column) -> bool:
    """Whether a column numbers the rows (行次: 八、其他收入 | 8 | 878.44 down a 决算 table)
    rather than printing amounts: headed 行次, or whole numbers counting up by one, row
    after row, at least three of them."""
    if ROW_NUMBER_HEADER.fullmatch(column.leaf):
        return True
    values = [
        row.texts[column.index]
        for row in table.data_rows
        if column.index < len(row.texts) and row.texts[column.index]
    ]
    if len(values) < 3 or not all(value.isdigit() for value in values):
        return False
    numbers = [int(value) for value in values]
    return all(later == earlier + 1 for earlier, later in zip(numbers, numbers[1:], strict=False))


def is_column_numbers(texts: list[str]) -> bool:
    """Whether a row numbers the columns (栏次: ** | ** | 1 | 2 | 3 …) rather than printing
    amounts: its numbers are 1, 2, 3 … in order, its other cells blank, 栏次 or marks."""
    numbers = [text for text in texts if text.isdigit()]
    others = [text for text in texts if text and not text.isdigit()]
    marked = any(re.fullmatch(r"[*＊]+|栏次|行次", text) for text in others)
    return (
        (len(numbers) >= 2 or (numbers == ["1"] and marked))  # one column: ** | ** | 1
        and numbers == [str(n) for n in range(int(numbers[0]), int(numbers[0]) + len(numbers))]
        and int(numbers[0]) <= 1
        and all(re.fullmatch(r"[*＊]+|栏次|行次|[A-Z]|[甲乙丙丁]", text) for text in others)
    )


def _column_blocks(table: RecognisedTable) -> list[list[Column]]:
    """The table's columns, cut into the side-by-side blocks its description names: a block
    starts at each code column that follows an amount column (决算 表六 prints 人员经费 and
    公用经费 as two blocks of 类 | 款 | 科目名称 | 决算数). A table without blocks is one."""
    if not table.spec.blocks:
        return [list(table.columns)]
    blocks: list[list[Column]] = []
    for column in table.columns:
        if not blocks or (
            column.is_code_part and not blocks[-1][-1].is_code_part and not blocks[-1][-1].is_key
        ):
            blocks.append([])
        blocks[-1].append(column)
    return blocks


def _block_row(table: RecognisedTable, columns: list[Column]) -> RowSpec | None:
    """The described total row a block ends in (人员经费合计), which names the block's measure."""
    for row in table.data_rows:
        for column in columns:
            if column.index < len(row.cells) and (
                found := _row_spec(normalise_label(row.texts[column.index]), table.spec.blocks)
            ):
                return found
    return None


def _grid_facts(builder: _FactBuilder) -> None:
    table = builder.table
    spec = table.spec
    unknown = spec.template == UNRECOGNISED
    family = {c.index: _column_spec(c, spec.columns) for c in table.columns if not c.is_code_part}
    key_columns = [
        c
        for c in table.columns
        if not c.is_code_part
        and (c.is_key or (holds_text(table, c) and (unknown or family[c.index] is None)))
    ]
    amount_columns = [c for c in table.columns if c not in key_columns and not c.is_code_part]
    column_specs = described_columns(table, amount_columns)
    found = {described.measure for c in amount_columns if (described := column_specs[c.index])}
    for required in (
        c
        for c in spec.columns
        if c.required and c.measure not in found and not (set(measure_parts(c.measure)) <= found)
    ):
        builder.warn(
            "missing_column",
            table.table.position,
            f"no column for {MEASURES[required.measure][0]} ({required.measure}): the table "
            "does not print it",
        )
    for column in amount_columns:
        if column_specs[column.index] is None and not unknown:
            builder.warn(
                "unrecognised_column",
                table.table.position,
                f"column {'/'.join(column.path) or column.index + 1!r} matches no "
                "described column; its numbers are kept as measure 'unrecognised'",
            )
    for block in _column_blocks(table):
        block_row = _block_row(table, block) if spec.blocks else None
        _grid_block_facts(
            builder,
            code_columns=[c for c in block if c.is_code_part],
            key_columns=[c for c in block if c in key_columns],
            amount_columns=[(c, column_specs[c.index]) for c in block if c in amount_columns],
            block_measure=block_row.measure if block_row else None,
        )


CENT = Decimal("0.01")  # the rounding a printed row may carry


def _first_amount(row: Row, columns: list[Column]) -> Decimal | None:
    for column in columns:
        text = row.texts[column.index] if column.index < len(row.texts) else ""
        if is_amount(text):
            return parse_amount(text)
    return None


def _group_rows(table: RecognisedTable, key_columns: list[Column]) -> set[int]:
    """The rows that total a group of the rows after them in a table by name, without codes
    (湖州 2026: 合计, 湖州市财政局, then its units; 珠海 2026 项目支出: 合计, then each unit
    above its projects): under a first 合计 row, the rows split into consecutive groups each
    headed by the sum of its other rows, to the cent per row, where the heads add up to the 合计
    and all rows to twice it — as a flat list of items never does. A table read by its codes
    nests by them instead, unless its rows name units (单位名称)."""
    by_unit = any(UNIT_NAME.fullmatch(c.leaf) for c in key_columns)
    if any(c.is_code_part for c in table.columns) or (table.spec.code_kind and not by_unit):
        return set()
    amounts = [c for c in table.columns if c not in key_columns and not c.is_code_part]
    rows = [
        (index, _first_amount(row, amounts), row.texts)
        for index, row in enumerate(table.data_rows, start=table.header_rows)
        if not is_column_numbers(row.texts)
    ]
    rows = [(i, amount, texts) for i, amount, texts in rows if amount is not None]
    labels = [next((t for t in texts if t), "") for _, _, texts in rows]
    if len(rows) < 3 or not TOTAL_LABEL.match(normalise_label(labels[0])):
        return set()
    total, below = rows[0][1], [amount for _, amount, _ in rows[1:]]
    if abs(sum(below) - 2 * total) > CENT * len(below):
        return set()
    heads = _group_heads(below)
    if heads is None or abs(sum(below[h] for h in heads) - total) > CENT * len(heads):
        return set()
    return {rows[1 + head][0] for head in heads}


def _group_heads(amounts: list[Decimal]) -> list[int] | None:
    """Where consecutive groups start, each first amount the sum of the group's others, the
    groups covering every amount (the earliest end for each group); None where no such split
    exists. Worked back from the last amount, so a long table costs no recursion."""
    splits: list[list[int] | None] = [None] * len(amounts) + [[]]
    signed = any(amount < 0 for amount in amounts)
    for start in range(len(amounts) - 1, -1, -1):
        running = Decimal(0)
        for end in range(start + 1, len(amounts)):
            running += amounts[end]
            slack = CENT * (end - start)
            if abs(running - amounts[start]) <= slack and splits[end + 1] is not None:
                splits[start] = [start, *splits[end + 1]]
                break
            if not signed and running > amounts[start] + slack:
                break
    return splits[0]


def _unlabelled_total(table: RecognisedTable, key_columns: list[Column]) -> int | None:
    """A first row that leaves its label cells blank and prints, in every amount column, the
    sum of the rows below it, to the cent per row: the table's 合计 printed without its word
    (湖州 2026 项目支出绩效表: | | 1,266.75 | over its seven projects)."""
    amounts = [c for c in table.columns if c not in key_columns and not c.is_code_part]
    labels = [c for c in table.columns if c not in amounts]
    rows = [
        (index, row.texts)
        for index, row in enumerate(table.data_rows, start=table.header_rows)
        if not is_column_numbers(row.texts) and any(row.texts)
    ]
    if len(rows) < 3 or not labels:
        return None
    (index, first), below = rows[0], [texts for _, texts in rows[1:]]

    def cell(texts: list[str], column: Column) -> str:
        return texts[column.index] if column.index < len(texts) else ""

    if any(cell(first, column) for column in labels):
        return None
    printed = [column for column in amounts if is_amount(cell(first, column))]
    for column in printed:
        values = [
            parse_amount(cell(texts, column)) for texts in below if is_amount(cell(texts, column))
        ]
        if not values or abs(parse_amount(cell(first, column)) - sum(values)) > CENT * len(values):
            return None
    return index if printed else None


def _unit_groups(table: RecognisedTable, key_columns: list[Column]) -> set[int]:
    """Rows that total a group of units: tables by unit print the department (123) above its
    units (123001, 123002 …), its code the start of theirs, or by name only above them."""
    column = next((c for c in key_columns if UNIT_CODE.fullmatch(c.leaf)), None)
    if column is None:
        return _group_rows(table, key_columns)
    codes = {
        row_index: row.texts[column.index]
        for row_index, row in enumerate(table.data_rows, start=table.header_rows)
        if column.index < len(row.texts) and row.texts[column.index].isdigit()
    }
    return {
        row_index
        for row_index, code in codes.items()
        if any(other != code and other.startswith(code) for other in codes.values())
    }


def _names_only(table: RecognisedTable, code_columns: list[Column], names: list[Column]) -> bool:
    """Whether a table by function class prints its classes by name only (一般公共服务支出, then
    its 款 and 项 beneath, no code column and no code in any name): its rows then take their
    codes from the classification lists, each 款 and 项 under the class named above it."""
    if table.spec.code_kind != "function" or code_columns:
        return False
    labels = [
        normalise_label(row.texts[column.index])
        for row in table.data_rows
        for column in names
        if column.index < len(row.texts)
    ]
    named = [label for label in labels if label]
    return bool(named) and not any(
        (coded := CODED_LABEL.match(label)) and coded.group(2) for label in named
    )


def _grid_block_facts(
    builder: _FactBuilder,
    *,
    code_columns: list[Column],
    key_columns: list[Column],
    amount_columns: list[tuple[Column, ColumnSpec | None]],
    block_measure: str | None,
) -> None:
    """The facts of one block of a grid's columns, row by row; a block's measure, where its
    description names one, is the measure of all its amounts."""
    table = builder.table
    spec = table.spec
    project_column = next((c for c in key_columns if c.leaf == "项目名称"), None)
    name_columns = [c for c in key_columns if c is not project_column]
    groups = _unit_groups(table, key_columns)
    unlabelled_total = _unlabelled_total(table, key_columns)
    coded_above: str | None = None  # the code of the last coded row: a project row's own
    named_above: tuple[str, str] | None = None  # the code and name of the last row named so
    row_codes = RowCodes(code_columns)
    by_name = _names_only(table, code_columns, name_columns)
    totals_printed: set[tuple[str, tuple[str, ...]]] = set()  # 合计 rows read, by label and amounts
    printed_rows: list[PrintedRow] = []  # what each row is, for the blocks of units
    first_fact, first_code = len(builder.result.facts), len(builder.result.codes)
    for row_index, row in enumerate(table.data_rows, start=table.header_rows):
        texts = row.texts
        if _repeats_header(texts, table.columns) or is_column_numbers(texts):
            continue

        def text_of(column: Column | None, texts: list[str] = texts) -> str:
            return texts[column.index] if column and column.index < len(texts) else ""

        if not any(text_of(c) for c in (*code_columns, *key_columns)) and not any(
            text_of(c) for c, _ in amount_columns
        ):
            continue
        code, beside = row_codes.read(text_of)
        labels = [normalise_label(text_of(c)) for c in name_columns]
        labels += [normalise_label(text_of(c)) for c in code_columns if not text_of(c).isdigit()]
        project = text_of(project_column)
        row_label = next((label for label in labels if label and not CODE_PART.match(label)), "")
        if counted := COUNT_ROW.search(row_label):
            _count_facts(builder, row_index, row, row_label, counted.group(1), amount_columns)
            continue
        coded = CODED_LABEL.match(row_label)
        if not code and spec.code_kind and coded and coded.group(2):  # not a bare unit code
            code, row_label = coded.group(1), coded.group(2)
            row_codes.printed_in_label(code)
        named_only = False
        if by_name and row_label and not TOTAL_LABEL.match(row_label) and not project.strip():
            # 一般公共服务支出, then 政府办公厅（室）及相关机构事务, then 行政运行, by name only
            code = function_class_of(row_label) or _nested_code(row_label, named_above)
            named_only = bool(code)
            named_above = (code, row_label) if code else named_above
        if TOTAL_LABEL.match(normalise_label(project)) and not row_label:
            row_label, project = normalise_label(project), ""
        inherited = bool(project.strip() and not code and coded_above)
        if inherited:  # 钻石宝玉石产业发展专项 printed under its 项 2011302 is that 项's
            code = coded_above
        elif code:
            coded_above = code
        code_kind = code_kind_of(code, spec.code_kind)
        named = None if code else row_measure(row_label, spec.topic)
        row_role = "total" if TOTAL_LABEL.match(row_label) and not code else "item"
        if row_index in groups:
            row_role = "subtotal"
        elif row_index == unlabelled_total:
            row_role = "total"
        if row_role == "total":
            printed_total = (row_label, tuple(text_of(c) for c, _ in amount_columns))
            if printed_total in totals_printed:
                builder.warn(
                    "repeated_total",
                    row.position,
                    f"the {row_label or '合计'} row printed again (a table continued on the next "
                    "page repeats it): read once",
                    row=row_index + 1,
                )
                continue
            totals_printed.add(printed_total)
        printed_rows.append(PrintedRow(row_index + 1, code, row_label, bool(project), row_role))
        printed = False
        for column, column_spec in amount_columns:
            if column.index >= len(row.cells):
                continue
            economic_code = code if code_kind == "economic" else None
            if column_spec and column_spec.economic_code:
                economic_code = column_spec.economic_code
            measure = column_spec.measure if column_spec else "unrecognised"
            if named and measure == "total":
                measure = named  # 三公 as rows: 2、公务接待费 | 16.32 under 合计 or 预算数
            printed |= builder.add(
                row_index,
                row.cells[column.index],
                column,
                block_measure if column_spec and block_measure else measure,
                row_role=row_role,
                row_label=row_label,
                function_code=code if code_kind == "function" else None,
                economic_code=economic_code,
                project_name=project.strip() or None,
                is_total=row_role == "total"
                or bool(column_spec and column_spec.is_total and not block_measure),
            )
        if code and code_kind and not inherited and not named_only:  # a named code is unprinted
            builder.code(row_index, row, code_kind, code, row_label, printed)
            for other in beside:  # its own name is not printed: the row's is the first code's
                kind = classification_of(other) or code_kind
                builder.code(row_index, row, kind, other, "", printed)
    if not by_name:
        _read_unit_blocks(
            builder.result.facts[first_fact:], builder.result.codes[first_code:], printed_rows
        )


@dataclass(frozen=True)
class PrintedRow:
    """What a row of a grid is, as read: its 1-based row, code, label, whether it names a
    project, and its role."""

    source_row: int
    code: str | None
    label: str
    is_project: bool
    role: str


# a block of units headed by the department's own figures (部门汇总, XX局（汇总）)
SUMMARY_UNIT = re.compile(r"汇总|合计")


def document_level(facts: pl.DataFrame) -> pl.DataFrame:
    """The document's own figures: of a table printing the department's block beside its
    units' blocks, the department's (its units' figures are in it again); of one printing its
    units' blocks only, those (together they are the department's)."""
    own = (
        facts.filter(
            pl.col("budget_unit").is_null()
            & (pl.col("function_code").is_not_null() | pl.col("economic_code").is_not_null())
        )
        .select("document_id", "template", "table_no")
        .unique()
        .with_columns(pl.lit(True).alias("department_printed"))
    )
    return (
        facts.join(own, on=["document_id", "template", "table_no"], how="left")
        .filter(pl.col("budget_unit").is_null() | pl.col("department_printed").is_null())
        .drop("department_printed")
    )


def unit_blocks(rows: list[PrintedRow]) -> list[tuple[PrintedRow, list[PrintedRow]]]:
    """A 部门 table printing its units one after another, each under a row naming it (the
    department's 汇总, then 本级, then each subordinate unit) and repeating the same codes: each
    unit's name row and its rows. Blocks only where a row without a code names something
    followed by coded rows, at least twice, some code appears under two of them and none twice
    under one — a list of codes under section names never does that."""
    heads = [
        index
        for index, row in enumerate(rows[:-1])
        if row.code is None
        and row.label
        and not row.is_project
        and row.role == "item"
        and rows[index + 1].code is not None
    ]
    if len(heads) < 2:
        return []
    blocks = []
    for number, head in enumerate(heads):
        end = heads[number + 1] if number + 1 < len(heads) else len(rows)
        body = []
        for row in rows[head + 1 : end]:
            if row.role == "total":
                break  # the table's 合计 printed after the last unit
            body.append(row)
        blocks.append((rows[head], body))
    printed = [[row.code for row in body if row.code] for _, body in blocks]
    codes = [code for block in printed for code in block]
    if any(len(set(block)) != len(block) for block in printed) or len(set(codes)) == len(codes):
        return []
    return blocks


def _first_amounts(facts: list[dict]) -> dict[int, Decimal]:
    """Each row's amount in its first amount column."""
    first: dict[int, tuple[int, Decimal]] = {}
    for fact in facts:
        row, column = fact["source_row"], fact["source_column"]
        if row not in first or column < first[row][0]:
            first[row] = (column, fact["amount"])
    return {row: amount for row, (_, amount) in first.items()}


def _is_summary(
    blocks: list[tuple[PrintedRow, list[PrintedRow]]], amounts: dict[int, Decimal]
) -> bool:
    """Whether the first block is the department's own figures: named so (汇总), or each of
    its codes the sum of that code in the blocks after it, to the cent per block."""
    head, body = blocks[0]
    if SUMMARY_UNIT.search(head.label):
        return True
    others: dict[str, Decimal] = {}
    for _, rows in blocks[1:]:
        for row in rows:
            if row.code and row.source_row in amounts:
                others[row.code] = others.get(row.code, Decimal(0)) + amounts[row.source_row]
    coded = [row for row in body if row.code and row.source_row in amounts]
    return bool(coded) and all(
        row.code in others and abs(others[row.code] - amounts[row.source_row]) <= CENT * len(blocks)
        for row in coded
    )


def _read_unit_blocks(facts: list[dict], codes: list[dict], rows: list[PrintedRow]) -> None:
    """Give the facts and codes of a table of units their unit (`budget_unit`): the rows of the
    department's own block (汇总) stay the document's; each name row is its block's subtotal."""
    blocks = unit_blocks(rows)
    if not blocks:
        return
    summary = _is_summary(blocks, _first_amounts(facts))
    unit_of: dict[int, str | None] = {}
    heads = set()
    for number, (head, body) in enumerate(blocks):
        unit = None if summary and number == 0 else head.label
        heads.add(head.source_row)
        for row in (head, *body):
            unit_of[row.source_row] = unit
    for record in (*facts, *codes):
        if record["source_row"] in unit_of:
            record["budget_unit"] = unit_of[record["source_row"]]
        if record["source_row"] in heads and "row_role" in record:
            record["row_role"] = "subtotal"


def _count_facts(
    builder: _FactBuilder,
    row_index: int,
    row: Row,
    label: str,
    unit: str,
    amount_columns: list[tuple[Column, ColumnSpec | None]],
) -> None:
    """A row counting things beside the amounts (公务接待批次(批) | 10): its numbers are
    counts in the label's unit, under the count measure its label names (else `count`)."""
    named = row_measure(label, builder.table.spec.topic)
    measure = named if named in COUNT_UNITS else COUNT
    for column, _ in amount_columns:
        if column.index < len(row.cells):
            builder.add(
                row_index,
                row.cells[column.index],
                column,
                measure,
                row_role=COUNT,
                row_label=label,
                count_unit=unit,
            )


def _sides(table: RecognisedTable) -> list[tuple[SideSpec, list[Column], list[Column]]]:
    """Split a two-sided table's columns into sides: a run of label columns (levels of one
    label) and the amount columns after it, each run matched to the side its header names."""
    groups: list[tuple[list[Column], list[Column]]] = []
    for column in table.columns:
        is_label = column.is_key or holds_text(table, column)
        if is_label and (not groups or groups[-1][1]):
            groups.append(([column], []))
        elif is_label:
            groups[-1][0].append(column)
        elif groups:
            groups[-1][1].append(column)
        else:
            groups.append(([], [column]))
    sides = []
    remaining = list(table.spec.sides)
    for labels, amounts in groups:
        path = [p for column in labels + amounts[:1] for p in column.path]
        side = next(
            (s for s in remaining if any(re.fullmatch(s.header, p) for p in path)),
            remaining[0] if remaining else None,
        )
        if side is None:
            break
        remaining.remove(side)
        sides.append((side, labels, amounts))
    return sides


def _side_labels(rows: list[list[str]], labels: list[Column]) -> list[str]:
    """Each row's label on one side: its most specific label cell, read as `level/小计` for a
    bare 小计 under a level label (一般公共预算资金 / 小计). A level label spans the rows of its
    group. Where a PDF centres that merged label vertically, a group's 小计 comes before the
    label: a 小计 with no open group (none yet, or the last one already had its 小计) takes
    the level label printed further down, before the next 小计, and that label, when its
    row comes, does not open the group again."""
    values = [
        [normalise_label(texts[c.index]) if c.index < len(texts) else "" for c in labels]
        for texts in rows
    ]
    levelled = len(labels) > 1

    def level(index: int) -> str:
        label = values[index][0] if levelled else ""
        return "" if TOTAL_LABEL.match(label) else label

    found, parent, closed = [], "", True
    for index, row in enumerate(values):
        if level(index) and (level(index) != parent or not closed):
            parent, closed = level(index), False
        label = next((value for value in reversed(row) if value), "")
        if label == "小计" and levelled:
            if closed:
                ahead = ""
                for later in range(index + 1, len(values)):
                    if "小计" in values[later]:
                        break
                    if ahead := level(later):
                        break
                parent = ahead or parent
            found.append(f"{parent}/{label}" if parent else label)
            closed = True
        else:
            found.append(label)
    return found


def _row_spec(label: str, rows: tuple[RowSpec, ...]) -> RowSpec | None:
    return next((spec for spec in rows if re.fullmatch(spec.label, label)), None)


def _nested_code(label: str, above: tuple[str, str] | None) -> str | None:
    """The 款 or 项 a row names by name only, under the coded rows above it: a child of the
    row above or of one of its parents (湖州 2026 prints 类, 款 and 项 by name). A 项 printed
    with its 款's own name is that 款's 99 (其他社会保障和就业支出 20899 → 2089999), as the
    classification numbers its 其他 items."""
    if not above:
        return None
    code, name = above
    if len(code) == 5 and normalise_name(label) == normalise_name(name):
        return code + "99"
    for parent in (code[:n] for n in (5, 3) if len(code) >= n):
        if (child := function_child_code(parent, label)) and child != code:
            return child
    return None


SIDE_CLASS = {"income": "income", "expense": "expenditure"}


def _national_row(label: str, section: str) -> RowSpec | None:
    """A side's row its family does not describe, named by the national words for the measures
    of that side (1、一般公共预算 is 一般公共预算资金 wherever a family words it so)."""
    measure = header_measure((re.sub("^" + NUMBERED, "", label),), SIDE_CLASS.get(section))
    return RowSpec(measure, re.escape(label)) if measure and measure != "total" else None


def _two_sided_facts(builder: _FactBuilder) -> None:
    table = builder.table
    sides = _sides(table)
    row_labels = {
        side.section: _side_labels([row.texts for row in table.data_rows], label_columns)
        for side, label_columns, _ in sides
    }
    broken_down: dict[str, RowSpec | None] = {}  # per side: the row whose parts by fund follow
    numbered: dict[str, int | None] = {}  # per side: the numbering depth of the item row above
    coded_above: dict[str, tuple[str, str]] = {}  # per side: the last coded row's code, name
    for position_in_rows, row in enumerate(table.data_rows):
        row_index = table.header_rows + position_in_rows
        texts = row.texts
        if not any(texts) or _repeats_header(texts, table.columns) or is_column_numbers(texts):
            continue
        labels = {section: found[position_in_rows] for section, found in row_labels.items()}
        for side, _, amount_columns in sides:
            label = labels[side.section]
            if not label:
                label = next(
                    (
                        other
                        for other in labels.values()
                        if TOTAL_LABEL.match(other) and _row_spec(other, side.rows)
                    ),
                    "",
                )
            function_code, row_label, row_spec, named_only = None, label, None, False
            coded = CODED_LABEL.match(label)
            if coded:
                function_code, row_label = coded.group(1), coded.group(2)
            elif label:
                row_spec = _row_spec(label, side.rows)
                if row_spec is None and table.spec.code_kind == "function":
                    function_code = function_class_of(label)
                    if function_code:  # 一、一般公共服务支出: the class's name, unnumbered
                        row_label = re.sub("^" + NUMBERED, "", label)
                    else:  # 财政事务 under 一般公共服务支出: the 款 of that name
                        function_code = _nested_code(label, coded_above.get(side.section))
                        named_only = bool(function_code)  # no printed code to judge
                if row_spec is None and not function_code:
                    row_spec = _national_row(label, side.section)
            if label:
                parent = broken_down.get(side.section)
                if parent and row_spec and row_spec.role == "item" and row_spec.measure:
                    # 一、一般公共预算财政拨款 under 年初财政拨款结转和结余: that balance's part
                    row_spec = replace(row_spec, measure=parent.measure, role="component")
                else:
                    broken_down[side.section] = (
                        row_spec if row_spec and row_spec.parts_by_fund_follow else None
                    )
            if function_code:
                coded_above[side.section] = (function_code, row_label)
            row_role = row_spec.role if row_spec else "item"
            if label and row_role in ("item", "subtotal"):
                level, above = numbering_level(label), numbered.get(side.section)
                if row_role == "item" and None not in (level, above) and level > above:
                    row_role = "component"  # 1、一般公共预算 under 一、财政拨款收入
                else:
                    numbered[side.section] = level
            elif row_role == "total":
                numbered[side.section] = None
            printed = False
            for position, column in enumerate(amount_columns):
                if column.index >= len(row.cells):
                    continue
                column_spec = _column_spec(column, side.columns)
                if column_spec is None and position == 0 and basis_word(column.leaf):
                    # a side's one amount column headed 预算 (珠海 2026): the side's amounts
                    column_spec = ColumnSpec("total", re.escape(column.leaf), is_total=True)
                measure = column_spec.measure if column_spec else "unrecognised"
                if (
                    position == 0
                    and not function_code
                    and not (row_spec and row_spec.measure is None)
                ):
                    measure = row_spec.measure if row_spec else "unrecognised"
                cell = row.cells[column.index]
                if measure == "unrecognised" and cell.clean:
                    builder.warn(
                        "unrecognised_row",
                        cell.position,
                        f"row {label!r} / column {column.leaf!r} matches no described item",
                    )
                printed |= builder.add(
                    row_index,
                    cell,
                    column,
                    measure,
                    row_role=row_role,
                    section=side.section,
                    row_label=row_label,
                    function_code=function_code,
                    is_total=bool(
                        (row_spec and row_spec.is_total)
                        or (column_spec and column_spec.is_total and position > 0)
                    ),
                )
            if function_code and table.spec.code_kind and not named_only:
                builder.code(
                    row_index, row, table.spec.code_kind, function_code, row_label, printed
                )


def table_facts(
    table: RecognisedTable,
    document_id: str,
    default_unit: str,
    basis: str | None = None,
    fiscal_year: int | None = None,
) -> TableFacts:
    """All facts and printed codes of one recognised table, with warnings for unread cells.
    `basis` (budget or actual) is what a figure is where its column does not say;
    `fiscal_year`, the document's, is the current period of a table printing several."""
    numbering = [c for c in table.columns if not c.is_code_part and numbers_rows(table, c)]
    if numbering:  # 行次 is neither a label nor an amount
        table = replace(table, columns=tuple(c for c in table.columns if c not in numbering))
    builder = _FactBuilder(table, document_id, table.unit or default_unit, basis, fiscal_year)
    if table.spec.layout == "two_sided":
        _two_sided_facts(builder)
    else:
        _grid_facts(builder)
    return builder.result
