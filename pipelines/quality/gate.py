"""The trust gate: a failed check says "the document is wrong" only where gongkai's reading of
every cell it reads verifies; otherwise it is gongkai's reading doubt, with the reason.

Every rule family passes through this one gate after it is judged. Each comparison names what it
reads (`frame.READ`: a table's cells, the side of the comparison they stand on, whether the
check relies on their codes; a whole table for a check on its presence). A failure of severity
error or warning is held to what is known of those readings:

- an amount from a table whose own sums do not verify its reading (`reading.table_verdict`:
  doubtful — they fail the way a misreading makes them fail —, or nothing to test), or from a
  column the reading did not map (numbers under a header no description knows, text where
  amounts were expected);
- a code relied on (a sum by level, a comparison by class, the code's own validity) from a table
  whose codes do not form a classification's hierarchy (cut to a 款 or 项 segment, two
  classifications run together, every odd code of one length);
- a table no description reads: a table printed but not recognised cannot be said to be
  missing, nor its cells to be wrong.

Any of these makes the failure a `reading_doubt` (severity info, the reasons in its message):
gongkai's problem, never counted against the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import polars as pl

from pipelines.facts import UNRECOGNISED
from pipelines.quality.codes import code_reading_doubts
from pipelines.quality.frame import unmapped_columns
from pipelines.quality.narrative import FAMILY as NARRATIVE
from pipelines.quality.reading import TableVerdict

GATED_SEVERITIES = ("error", "warning")
TOLD_STATUSES = ("rounding", "consequence", "reading_doubt")


@dataclass(frozen=True)
class Doubt:
    """Why the reading of something a check reads is not verified, in Chinese and English."""

    zh: str
    en: str


def _named(template: str | None, table_no: int | None, doubt: Doubt) -> Doubt:
    if template == NARRATIVE:
        zh, en = "情况说明", "the narrative"
    elif template == UNRECOGNISED and table_no is None:
        zh, en = "未识别的表格", "a table no description reads"
    elif template == UNRECOGNISED:
        zh, en = f"未识别表{table_no}", f"unrecognised table {table_no}"
    else:
        zh, en = f"表{table_no}", f"table {table_no}"
    return Doubt(f"{zh}：{doubt.zh}", f"{en}: {doubt.en}")


UNREAD = Doubt(
    "gongkai 未能按描述读取此表，无从核实", "no description reads it: nothing verifies it"
)
UNTESTED = Doubt(
    "表内无可核对的合计，读取未经核实", "it prints nothing its sums can test: reading unverified"
)


class ReadingEvidence:
    """What gongkai's reading of each table of the checked documents is worth: the verdict of
    its own sums, whether its codes form a hierarchy, which of its columns and rows were not
    read as amounts of this year, whether its narrative's figures were read right."""

    def __init__(
        self,
        results: pl.DataFrame,
        verdicts: list[TableVerdict],
        facts: pl.DataFrame,
        codes: pl.DataFrame,
        warnings: pl.DataFrame,
        documents: pl.DataFrame,
    ) -> None:
        self.prose = _prose_doubts(results)
        self.arithmetic: dict[tuple, Doubt | None] = {
            (v.document_id, v.table_no): None
            if v.trusted
            else (UNTESTED if v.status == "unverifiable" else Doubt(v.zh, v.en))
            for v in verdicts
        }
        self.codes = {key: Doubt(*texts) for key, texts in code_reading_doubts(codes).items()}
        text_columns, self.rows = _text_cells(warnings)
        # a column with several reasons is told the most telling: no known header, then
        # another year's, then text among its amounts
        self.columns = text_columns | _other_periods(facts, documents) | _unmapped(facts)

    def doubts(self, document_id: str, reads: list[dict] | None) -> list[Doubt]:
        """Why the reading of what a check reads is not verified; empty where it is."""
        found: dict[str, Doubt] = {}
        for read in reads or ():
            template, table_no = read["template"], read["table_no"]
            doubts = []
            if template == NARRATIVE:
                doubts.append(self.prose.get(document_id))
            elif template == UNRECOGNISED:
                doubts.append(UNREAD)
            else:
                if read["side"]:
                    doubts.append(self.arithmetic.get((document_id, table_no), UNTESTED))
                if read["coded"]:
                    doubts.append(self.codes.get((document_id, template, table_no)))
                if (column := read["column"]) is not None:
                    doubts.append(self.columns.get((document_id, template, table_no, column)))
                if read["side"] and (row := read["row"]) is not None:
                    key = (document_id, template, table_no, read["page"], row)
                    doubts.append(self.rows.get(key))
            for doubt in doubts:
                if doubt is not None:
                    named = _named(template, table_no, doubt)
                    found.setdefault(named.zh, named)
        return list(found.values())


def _unmapped(facts: pl.DataFrame) -> dict[tuple, Doubt]:
    """Per column (document, template, table, column) no measure was found for, why."""
    return {
        (*table, column): Doubt(
            f"第{column}栏（{label}）未能识别其含义",
            f"column {column} ({label}) is not mapped to a known measure",
        )
        for table, columns in unmapped_columns(facts).items()
        for column, label in columns.items()
    }


def _other_periods(facts: pl.DataFrame, documents: pl.DataFrame) -> dict[tuple, Doubt]:
    """Per column whose header names another year than the document's, or last year's
    figures or the change on them, read as this year's: why."""
    years = dict(documents.select("document_id", "fiscal_year").iter_rows())
    found = {}
    for document_id, template, table_no, column, label in (
        facts.filter(pl.col("template") != UNRECOGNISED)
        .select("document_id", "template", "table_no", "source_column", "column_label")
        .unique()
        .iter_rows()
    ):
        if other := _other_period(label or "", years.get(document_id)):
            found[(document_id, template, table_no, column)] = Doubt(
                f"第{column}栏（{label}）是{other[0]}的数字，却作本年度读取",
                f"column {column} ({label}) holds {other[1]}, read as this year's",
            )
    return found


def _text_cells(warnings: pl.DataFrame) -> tuple[dict[tuple, Doubt], dict[tuple, Doubt]]:
    """The columns, and the rows (document, template, table, page, row), that printed text
    in a cell read as an amount: the sums over them are in doubt."""
    columns, rows = {}, {}
    texts = warnings.filter(
        (pl.col("kind") == "unparsed_cell") & pl.col("source_column").is_not_null()
    )
    for document_id, template, table_no, page, row, column in (
        texts.select(
            "document_id", "template", "table_no", "source_page", "source_row", "source_column"
        )
        .unique()
        .sort(pl.all())
        .iter_rows()
    ):
        columns.setdefault(
            (document_id, template, table_no, column),
            Doubt(
                f"第{column}栏按金额读取，却印有文字：栏目的读取存疑",
                f"column {column} was read as amounts but holds text: its mapping is in doubt",
            ),
        )
        rows.setdefault(
            (document_id, template, table_no, page, row),
            Doubt(
                f"第{row}行第{column}栏印有文字而非金额：该行的读取存疑",
                f"row {row} prints text in column {column} where an amount was read: "
                "the row's reading is in doubt",
            ),
        )
    return columns, rows


MOSTLY = 0.5  # a narrative whose figures mostly disagree with the tables is misread, not wrong
PROSE_FAILURES = 3  # and this many, at least, to tell a pattern from a few slips


def _prose_doubts(results: pl.DataFrame) -> dict[str, Doubt]:
    """Per document, why its narrative's figures as read are in doubt: most of those held to a
    table disagree with it — a misreading's shape (the wrong table or year matched, a unit
    misread), not a publisher's slip in one figure."""
    amounts = results.filter(
        (pl.col("check_id") == "narrative.amount_matches_table") & pl.col("passed").is_not_null()
    )
    doubts = {}
    for (document_id,), rows in amounts.group_by(["document_id"]):
        failed = rows.filter(
            (pl.col("passed") == False) & (pl.col("status").fill_null("") != "rounding")  # noqa: E712
        ).height
        if failed >= PROSE_FAILURES and failed >= MOSTLY * rows.height:
            doubts[document_id] = Doubt(
                f"{rows.height} 处数字中 {failed} 处与表不符：是误读的样子，不是编制的错误",
                f"{failed} of its {rows.height} figures disagree with the tables: a misreading",
            )
    return doubts


# a column of another year than the document's (2025年预算数 in a 2026 budget), last year's
# (上年预算数, 上年执行数) or the change on it (增减额, 增减%)
PERIOD_YEAR = re.compile(r"(20\d{2})\s*年")
PRIOR_PERIOD = re.compile(r"上年|上一年|去年|增减|变动|比上年")


def _other_period(label: str, fiscal_year: int | None) -> tuple[str, str] | None:
    """What other period a column's header says its numbers are of, in Chinese and English;
    None where it names this year or none."""
    years = {int(year) for year in PERIOD_YEAR.findall(label)}
    if fiscal_year is not None and years and fiscal_year not in years:
        year = min(years)
        return f"{year}年", f"{year}'s figures"
    if PRIOR_PERIOD.search(label) and not PRIOR_BALANCE.search(label):
        return "上年或增减", "last year's figures or the change on them"
    return None


# 上年结转 / 上年结余 are this year's funds brought forward, not last year's figures
PRIOR_BALANCE = re.compile(r"上年(结转|结余)")


BETWEEN_TABLES = ("cross_table", "balance")
UNIT_FACTORS = (Decimal(10_000), Decimal(1_000))  # 元 and 千元 against 万元


def _unit_apart(expected: str | None, observed: str | None) -> Doubt | None:
    """Two tables whose figures are exactly a unit's factor apart (10,000: 元 against 万元;
    1,000: 千元): one table's unit was read wrong — its unit line printed for another table,
    or missed —, not a figure of the document's."""
    try:
        low, high = sorted(abs(Decimal(value)) for value in (expected, observed))
    except (InvalidOperation, TypeError):
        return None
    for factor in UNIT_FACTORS:
        if low and abs(high - low * factor) <= factor * CENT:
            return Doubt(
                f"两边恰差{factor:,}倍：表的单位（元、千元、万元）读取存疑",
                f"the two sides are exactly {factor:,} times apart: a table's unit was misread",
            )
    return None


CENT = Decimal("0.01")


def gated(results: pl.DataFrame, evidence: ReadingEvidence) -> pl.DataFrame:
    """The judged results with every failure that blames the document (severity error or
    warning; not rounding, a consequence or a doubt already) held to the reading of what it
    reads: where that is not verified, it is a `reading_doubt` naming the reasons."""
    marks = {"row": [], "doubt_zh": [], "doubt_en": []}
    failing = results.with_row_index("row").filter(
        (pl.col("passed") == False)  # noqa: E712
        & pl.col("severity").is_in(GATED_SEVERITIES)
        & ~pl.col("status").fill_null("").is_in(TOLD_STATUSES)
    )
    for row, document_id, reads, family, expected, observed in failing.select(
        "row", "document_id", "reads", "rule_family", "expected", "observed"
    ).iter_rows():
        doubts = evidence.doubts(document_id, reads)
        if family in BETWEEN_TABLES and (unit := _unit_apart(expected, observed)):
            doubts.append(unit)
        if doubts:
            marks["row"].append(row)
            marks["doubt_zh"].append("；".join(d.zh for d in doubts))
            marks["doubt_en"].append("; ".join(d.en for d in doubts))
    if not marks["row"]:
        return results
    doubt = pl.col("doubt_zh").is_not_null()
    reasons = pl.DataFrame(
        marks, schema={"row": pl.UInt32, "doubt_zh": pl.String, "doubt_en": pl.String}
    )
    return (
        results.with_row_index("row")
        .join(reasons, on="row", how="left")
        .with_columns(
            pl.when(doubt).then(pl.lit("info")).otherwise(pl.col("severity")).alias("severity"),
            pl.when(doubt)
            .then(pl.lit("reading_doubt"))
            .otherwise(pl.col("status"))
            .alias("status"),
            pl.when(doubt)
            .then(pl.format("{}（读取存疑：{}）", pl.col("message_zh"), pl.col("doubt_zh")))
            .otherwise(pl.col("message_zh"))
            .alias("message_zh"),
            pl.when(doubt)
            .then(pl.format("{} (reading in doubt: {})", pl.col("message_en"), pl.col("doubt_en")))
            .otherwise(pl.col("message_en"))
            .alias("message_en"),
        )
        .sort("row")
        .drop("row", "doubt_zh", "doubt_en")
    )
