"""A synthetic corpus: many disclosures that look like the seeds, with known errors injected.

Each document is the 昌吉 seed (its tables are consistent) under a department name of its own,
with every amount of its tables and every 万元 figure of its narrative multiplied by a whole
number (so every sum still holds exactly), in one of the layouts real documents show: a fifth
publish their tables in 元 (the narrative staying in 万元), and a third print the coded rows of
their tables in reverse order. A chosen share of documents gets one error:
- `sum`: 表三's 合计 total is 1 万元 too high (within-table sums fail);
- `code`: 表六's 302 01 is printed as 302 88, a code not in the national list;
- `narrative`: the narrative's 基本工资 is 10 万元 off 表六;
- `rounding`: 表三's 合计 is one unit of its last printed digit (0.01 万元) too high: a gap its
  figures' rounding allows, to be found as `rounding`, never as an error (its tables are in
  万元: in 元 a unit is below the checks' tolerance);
- `continuation`: reading damage, not a document error: a page number printed inside 表六,
  after 302 08 取暖费, leaves the rest of the table (its 合计 too) as a table with no title, as
  a reader that misses a continuation does. It must be repaired (`pipelines.repair`) or told as
  gongkai's doubt, never as the document's error;
- `split_row`: reading damage too: 表三's 行政运行 row printed as two, its code and name on one
  line and its amounts on the next (a tall cell). It must be realigned, with no finding.
The national layouts and reading traps that misled gongkai on documents it had never seen are
injected too; each is no error of the document, so none may be told as one (a `reading_doubt`
is allowed, a repaired reading is better):
- `codes_in_columns`: 表三 printed with its 类 and 款 rows, each row printing only its own
  segment of the code (201 | | |, | 03 | |, | | 01 |);
- `two_classifications`: 表六 with the government economic classification (50101, 50201 …)
  printed in a column of its own beside the department one;
- `running_header`: a department of 无锡市 whose page header (无锡市…2020年部门预算公开) runs
  above every table and between 表三 and its note;
- `text_cell`: 表三's 行政运行 基本支出 printed as words (详见说明) instead of an amount;
- `prior_year_columns`: 表八 printing last year's 三公 (2019年预算数) beside this year's;
- `row_numbers`: 表三 with a 行次 column under its 支出预算 header, numbering the rows.
The truth is written beside the documents (`truth.json`): each file's department, multiplier,
error, the rule family that must find it and the class it must have. Seeded and deterministic.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from pipelines.description import TABLES
from pipelines.document import Cell, Document, Paragraph, Row, Table
from pipelines.numbers import is_amount, parse_amount
from pipelines.readers.text_export import read_text_export, write_text_export
from pipelines.recognise import recognise_tables
from pipelines.synth.variants import (
    prior_year_columns,
    row_numbers,
    segments_in_columns,
    text_in_amount_cell,
    two_classifications,
    with_table,
)

BASE = Path(__file__).with_name("base_2020_changji.txt")
BASE_DEPARTMENT = "昌吉回族自治州人民政府办公室"
ERRORS = {
    "sum": "within_table_sums",
    "code": "code_validity",
    "narrative": "narrative",
    "rounding": "within_table_sums",
    "continuation": None,
    "split_row": None,
    "codes_in_columns": None,
    "two_classifications": None,
    "running_header": None,
    "text_cell": None,
    "prior_year_columns": None,
    "row_numbers": None,
}
# the government economic class (政府预算支出经济分类) printed beside a department one
PAGE_NUMBER = "- 12 -\n"
WAN = re.compile(r"(\d+(?:\.\d+)?)(\s*万元)(?!以上|以下)")


@dataclass(frozen=True)
class SyntheticDocument:
    file: str
    department: str
    multiplier: int
    error: str | None
    expected_family: str | None  # the rule family that must find it; None: nothing may
    unit: str = "万元"  # the unit its tables are published in
    rows_reversed: bool = False  # its tables' coded rows printed in reverse order


YUAN_PER_WAN = 10_000


def _scaled(value: Decimal, multiplier: int) -> str:
    return format((value * multiplier).normalize(), "f")


def _is_coded(row: Row) -> bool:
    return bool(row.cells) and row.cells[0].clean.isdigit()


def _scale_tables(document: Document, multiplier: int, reverse: bool) -> Document:
    """Every amount of every recognised table multiplied; codes, names and headers kept; with
    `reverse`, the coded rows of each grid in reverse order (its other rows where they were)."""
    tables = {id(t.table): t for t in recognise_tables(document, TABLES) if t.spec}
    blocks = []
    for block in document.blocks:
        recognised = tables.get(id(block))
        if recognised is None:
            blocks.append(block)
            continue
        amount_columns = {c.index for c in recognised.columns if not c.is_key}
        rows = list(block.rows[: recognised.header_rows])
        for row in block.rows[recognised.header_rows :]:
            cells = tuple(
                Cell(_scaled(parse_amount(cell.text), multiplier), cell.position)
                if index in amount_columns and is_amount(cell.text)
                else cell
                for index, cell in enumerate(row.cells)
            )
            rows.append(Row(cells, row.position))
        if reverse and recognised.spec.layout == "grid":
            coded = [row for row in rows if _is_coded(row)][::-1]
            rows = [coded.pop(0) if _is_coded(row) else row for row in rows]
        blocks.append(Table(tuple(rows), block.position))
    return Document(document.source, document.format, tuple(blocks))


def _scale_narrative(text: str, multiplier: int) -> str:
    return WAN.sub(lambda m: _scaled(Decimal(m.group(1)), multiplier) + m.group(2), text)


def _inject(text: str, error: str | None, multiplier: int, per_wan: int = 1) -> str:
    """One error; `per_wan` is what 1 万元 is in the tables' unit (10,000 in 元)."""
    if error == "sum":
        total = _scaled(Decimal("1695.33") * per_wan, multiplier)
        marker = f"\t合计\n\t{total}\n"
        at = text.index(marker, text.index("部门支出总体情况表"))
        wrong = _scaled(Decimal(total) + per_wan, 1)
        return text[:at] + f"\t合计\n\t{wrong}\n" + text[at + len(marker) :]
    if error == "rounding":
        total = _scaled(Decimal("1695.33"), multiplier)
        marker = f"\t合计\n\t{total}\n"
        at = text.index(marker, text.index("部门支出总体情况表"))
        wrong = _scaled(Decimal(total) + Decimal("0.01"), 1)
        return text[:at] + f"\t合计\n\t{wrong}\n" + text[at + len(marker) :]
    if error == "continuation":
        row = text.index("\t取暖费\n", text.index("一般公共预算基本支出情况表"))
        end = text.index("\n\n", row) + 2
        return text[:end] + PAGE_NUMBER + text[end:]
    if error == "split_row":
        row = text.index("\t行政运行\n", text.index("部门支出总体情况表"))
        start, end = text.rindex("\n\n", 0, row) + 2, text.index("\n\n", row) + 2
        cells = text[start:end].rstrip("\n").split("\n")
        keys, amounts = cells[:4], cells[4:]
        blank = ["\t"] * len(amounts), ["\t"] * len(keys)
        split = "\n".join([*keys, *blank[0]]) + "\n\n" + "\n".join([*blank[1], *amounts])
        return text[:start] + split + "\n\n" + text[end:]
    if error == "code":
        return text.replace("\t302\n\t01\n\t办公费", "\t302\n\t88\n\t办公费", 1)
    if error == "narrative":
        salary = _scaled(Decimal("335.04"), multiplier)
        wrong = _scaled(Decimal(salary) + 10, 1)
        return text.replace(f"基本工资{salary}万元", f"基本工资{wrong}万元", 1)
    return text


DAMAGE = {
    "codes_in_columns": (3, segments_in_columns),
    "two_classifications": (6, two_classifications),
    "text_cell": (3, text_in_amount_cell),
    "prior_year_columns": (8, prior_year_columns),
    "row_numbers": (3, row_numbers),
}
RUNNING_HEADER_CITY = "无锡市"


def _running_header(text: str, department: str) -> str:
    """A page header naming the department above every table, and between 表三 and its note
    (where the page turns after it)."""
    header = f"{department}2020年部门预算公开\n"
    text = re.sub(r"^(表[一二三四五六七八九]：)", lambda m: header + m.group(1), text, flags=re.M)
    table = text.index("部门支出总体情况表")
    note = text.index("\n备注：", table) + 1
    return text[:note] + header + text[note:]


def generate(
    count: int, out: Path, error_rate: float = 0.3, seed: int = 7
) -> list[SyntheticDocument]:
    """Write `count` disclosures and their truth into `out`."""
    rng = random.Random(seed)
    base = read_text_export(BASE.read_bytes(), BASE.name)
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    kinds = sorted(ERRORS)
    rng.shuffle(kinds)  # each kind in turn, so a small corpus holds every one
    injected = 0
    for number in range(count):
        department = f"昌吉回族自治州第{number:05d}局"
        multiplier = rng.randint(1, 5)
        error = None
        if rng.random() < error_rate:
            error, injected = kinds[injected % len(kinds)], injected + 1
        if error == "running_header":
            department = f"{RUNNING_HEADER_CITY}第{number:05d}局"
        unit = "元" if rng.random() < 0.2 and error != "rounding" else "万元"
        per_wan = YUAN_PER_WAN if unit == "元" else 1
        reverse = rng.random() < 0.3 and error not in DAMAGE
        document = _scale_tables(base, multiplier * per_wan, reverse)
        if error in DAMAGE:
            table_no, rows = DAMAGE[error]
            document = with_table(document, table_no, rows)
        text = write_text_export(
            Document(
                document.source,
                document.format,
                tuple(
                    Paragraph(_scale_narrative(b.text, multiplier), b.position)
                    if isinstance(b, Paragraph)
                    else b
                    for b in document.blocks
                ),
            )
        )
        text = text.replace(BASE_DEPARTMENT, department).replace("单位：万元", f"单位：{unit}")
        text = _inject(text, error, multiplier, per_wan)
        if error == "running_header":
            text = _running_header(text, department)
        name = f"synth-{number:05d}.txt"
        (out / name).write_text(text, encoding="utf-8")
        truth.append(
            SyntheticDocument(
                name,
                department,
                multiplier,
                error,
                ERRORS[error] if error else None,
                unit,
                reverse,
            )
        )
    (out / ".truth.json").write_text(
        json.dumps([asdict(item) for item in truth], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return truth
