"""The reading verdict of each described table: is gongkai's reading of it to be trusted?

A sum that fails says "the document is wrong" only where the reading around it verifies. After
the rules are judged, each table of a document's family gets a verdict from its own sums:

- `verified`: every sum of the table holds (to the cent, or within the printed rounding);
- `repaired`: every sum holds once the rows a reader left as a table with no title after it
  are joined (`pipelines.repair`), as they were;
- `inconsistent`: the reading verifies around a few failing sums — the document contradicts
  itself there, and those failures are its errors;
- `doubtful`: the sums fail in a pattern a misreading makes rather than a publisher — most of
  them fail, every failing total is exactly twice its parts (a level read twice), each is off
  by what a table no description reads adds up to (a continuation left unjoined), or numbers
  of the table sit in columns or rows the description does not know; its failures (and the
  cross-table ones and the narrative's figures anchored on it) are `reading_doubt`, gongkai's
  problem, never the document's;
- `unverifiable`: the table prints nothing its sums can test.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from pipelines.facts import REPAIRS, UNRECOGNISED
from pipelines.quality.causes import related
from pipelines.quality.frame import COMPARISON_SCHEMA, amount_text

FAMILY = "reading"
MOSTLY = Decimal("0.5")  # a table where at least this share of its sums fail is misread
CENT = Decimal("0.01")


def _failing(rows: pl.DataFrame) -> pl.DataFrame:
    not_rounding = pl.col("status").fill_null("") != "rounding"
    return rows.filter((pl.col("passed") == False) & not_rounding)  # noqa: E712


def _fragments(facts: pl.DataFrame) -> list[Decimal]:
    """What each column of each table no description reads adds up to: the rows a
    continuation left unjoined would have added to the table it continues."""
    loose = facts.filter(pl.col("template") == UNRECOGNISED)
    sums = loose.group_by("table_no", "source_page", "source_column").agg(pl.col("amount").sum())
    return [amount for amount in sums["amount"].to_list() if amount]


SHIFTED = 3  # this many unrelated sums off by one amount are a shift, not a publisher's slip


def _column_off(failing: pl.DataFrame, facts: pl.DataFrame) -> int | None:
    """The column whose figure, row by row, is exactly what each failing sum across a row is
    off by, where at least two rows fail that way: a column read into the row's sum that is no
    part of it (last year's figures, row numbers, a column printed twice) or a part the rule
    does not add (湖州市交通运输局 2026 表3: 航道维护 and every total above it off by their own
    事业单位经营支出 200, when the rule added only 基本 and 项目)."""
    across = failing.filter(pl.col("check_id").str.starts_with("across."))
    if across.height < 2:
        return None
    amounts = {
        (page, row, column): abs(amount)
        for page, row, column, amount in facts.select(
            "source_page", "source_row", "source_column", "amount"
        ).iter_rows()
    }
    common: set[int] | None = None
    for gap, reads in across.select("difference", "reads").iter_rows():
        rows = {(read["page"], read["row"]) for read in reads or ()}
        columns = {
            column
            for (page, row, column), amount in amounts.items()
            if (page, row) in rows and abs(amount - abs(gap)) <= CENT
        }
        common = columns if common is None else common & columns
    return min(common) if common else None


def _doubt(
    sums: pl.DataFrame, unknown: int, fragments: list[Decimal], facts: pl.DataFrame
) -> tuple[str, str] | None:
    """Why a table's reading is doubtful, in Chinese and English, or None where its failures
    are the document's: the shape a misreading gives its failures, not a publisher's slip in
    one cell or one row."""
    failing = _failing(sums)
    if failing.height == 0:
        return None
    if unknown:
        return (
            f"表中 {unknown} 个数字所在的栏目或行未能识别",
            f"{unknown} of its numbers lie in columns or rows the description does not know",
        )
    gaps = [abs(Decimal(gap)) for gap in failing["difference"].to_list() if gap is not None]
    if gaps and all(any(abs(gap - part) <= CENT for part in fragments) for gap in gaps):
        return (
            "每处不符恰为文件中一张未识别表格的合计：疑为续页未接上",
            "each failing sum is off by what a table no description reads adds up to: "
            "a continuation left unjoined",
        )
    pairs = [
        (Decimal(e), Decimal(o)) for e, o in failing.select("expected", "observed").iter_rows()
    ]
    for times, zh in ((2, "两"), (3, "三")):
        if all(o and (e == times * o or o == times * e) for e, o in pairs):
            return (
                f"每处不符的合计恰为其各项之和的{zh}倍或{zh}分之一：疑为同一层级读了{zh}次",
                f"every failing total is exactly {times} times its parts or 1/{times} of them: "
                f"a level read {times} times",
            )
    if len(gaps) >= SHIFTED and max(gaps) - min(gaps) <= CENT and not related(failing.to_dicts()):
        return (
            f"{len(gaps)} 处不符相差同一个数 {amount_text(gaps[0])}，又不在同一条科目链上："
            "是整体错位的样子",
            f"{len(gaps)} unrelated sums are all off by the same {amount_text(gaps[0])}: "
            "a constant shift",
        )
    if column := _column_off(failing, facts):
        return (
            f"每处不符的行恰好差了本行第{column}栏的数：疑为该栏读错（上年数、行次或重复的栏目）",
            f"each failing row is off by exactly its own figure in column {column}: that "
            "column is misread (last year's figures, row numbers or a repeated column)",
        )
    if sums.height >= 2 and failing.height >= MOSTLY * sums.height:
        return (
            f"{sums.height} 处合计中 {failing.height} 处不符：是误读的样子，不是编制的错误",
            f"{failing.height} of its {sums.height} sums fail: a misreading, not a publisher",
        )
    return None


@dataclass(frozen=True)
class TableVerdict:
    """What a described table's own sums say of gongkai's reading of it."""

    document_id: str
    table_no: int
    status: str  # verified | repaired | inconsistent | doubtful | unverifiable
    zh: str  # what the sums say; for a doubtful table, why
    en: str
    source_line: int | None
    source_page: int | None

    @property
    def trusted(self) -> bool:
        """Whether the reading verifies: its failures, if any, are the document's."""
        return self.status in TRUSTED


TRUSTED = ("verified", "repaired", "inconsistent")


def table_verdicts(
    results: pl.DataFrame, facts: pl.DataFrame, warnings: pl.DataFrame | None = None
) -> list[TableVerdict]:
    """One verdict per described table that has facts: its status (verified, repaired,
    inconsistent, doubtful, unverifiable) and why."""
    verdicts = []
    repaired = set()
    if warnings is not None:
        joined = warnings.filter(pl.col("kind").is_in(REPAIRS))
        repaired = set(joined.select("document_id", "table_no").iter_rows())
    described = facts.filter(pl.col("template") != UNRECOGNISED)
    sums = results.filter(
        (pl.col("rule_family") == "within_table_sums") & pl.col("passed").is_not_null()
    )
    fragments = {
        document_id: _fragments(frame) for (document_id,), frame in facts.group_by(["document_id"])
    }
    by_table = {key: frame for key, frame in sums.group_by(["document_id", "table_no"])}
    no_sums = sums.clear()
    for (document_id, table_no), table in described.group_by(
        ["document_id", "table_no"], maintain_order=True
    ):
        own = by_table.get((document_id, table_no), no_sums)
        unknown = table.filter(pl.col("measure") == UNRECOGNISED).height
        reason = _doubt(own, unknown, fragments.get(document_id, []), table)
        if own.height == 0:
            status, zh, en = "unverifiable", "无可核对的合计", "prints nothing its sums can test"
        elif reason:
            status, (zh, en) = "doubtful", reason
        elif _failing(own).height:
            failed = _failing(own).height
            status = "inconsistent"
            zh = f"读取经核实，{failed} 处合计不符为文件自身错误"
            en = f"reading verified around {failed} failing sums: the document's own errors"
        elif (document_id, table_no) in repaired:
            status, zh, en = (
                "repaired",
                "读取经修复：其后无标题的续表已接上，表内合计全部成立",
                "reading repaired: the table with no title after it joined, its sums hold",
            )
        else:
            status, zh, en = (
                "verified",
                "读取经核实：表内合计全部成立",
                "reading verified: its sums hold",
            )
        first = table.sort("source_page", "source_row", nulls_last=True).row(0, named=True)
        verdicts.append(
            TableVerdict(
                document_id,
                table_no,
                status,
                zh,
                en,
                first["source_line"],
                first["source_page"],
            )
        )
    return verdicts


def reading_comparisons(verdicts: list[TableVerdict]) -> pl.DataFrame:
    """The verdicts as check rows (`reading.table_verdict`), judged by the reading suite."""
    prefix = {"doubtful": ("读取存疑：", "reading doubtful: ")}
    rows = [
        {
            "document_id": verdict.document_id,
            "check_id": "reading.table_verdict",
            "rule_family": FAMILY,
            "severity": "info",
            "table_no": verdict.table_no,
            "subject": f"表{verdict.table_no}",
            "expected": "verified",
            "observed": verdict.status,
            "difference": None,
            "status": verdict.status,
            "message_zh": f"表{verdict.table_no}：{prefix.get(verdict.status, ('', ''))[0]}"
            f"{verdict.zh}",
            "message_en": f"table {verdict.table_no}: {prefix.get(verdict.status, ('', ''))[1]}"
            f"{verdict.en}",
            "source_line": verdict.source_line,
            "source_page": verdict.source_page,
            "source_row": None,
            "source_column": None,
        }
        for verdict in verdicts
    ]
    return pl.DataFrame(rows, schema=COMPARISON_SCHEMA)
