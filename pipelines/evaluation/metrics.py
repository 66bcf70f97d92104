"""The evaluation's measures, each a plain function of frames read from a warehouse.

Label-free measures need no hand reading (number coverage, self-consistency, recognition,
metadata filled); labelled ones compare with the truth kept in `tests/corpus/truth/`
(key figures with their meaning, known findings, metadata).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import polars as pl

from pipelines.evaluation.printed import PrintedPage, is_counted
from pipelines.quality.documents import PROSE_CHECKS
from pipelines.quality.frame import ARITHMETIC_FAMILIES

FINDING_SEVERITIES = ("error", "warning")  # what a reader is told is wrong with the document
MIN_TABLE_PAGE_AMOUNTS = 3  # a page printing fewer amounts is prose, unless a table was found
METADATA_FIELDS = ("department", "region", "division_code", "fiscal_year", "kind", "scope")

COVERAGE_SCHEMA = {
    "source_file": pl.String,
    "page": pl.Int32,
    "printed": pl.Int32,
    "read": pl.Int32,
    "facts": pl.Int32,
    "facts_unprinted": pl.Int32,
}


def _value(text: str | None) -> Decimal | None:
    if text is None:
        return None
    cleaned = text.strip().replace(",", "").replace("，", "").replace("－", "-")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def page_coverage(
    source_file: str, printed: list[PrintedPage], facts: pl.DataFrame
) -> pl.DataFrame:
    """Per table page of one file: amounts printed, how many of them are facts (same value on
    the same page, each printed amount matched once), and facts no printed amount accounts for.

    Facts of a form the second reading never counts (small whole numbers) are left out on
    both sides. A table page is one where gongkai took facts, or where the second reading finds
    at least
    `MIN_TABLE_PAGE_AMOUNTS` amounts: a page whose table was lost entirely still counts.
    `facts` holds the file's facts with `source_page` (None: a format without pages, page 1)
    and `raw_text`.
    """
    by_page: dict[int, Counter] = {}
    for page, raw in facts.select("source_page", "raw_text").iter_rows():
        value = _value(raw)
        if value is not None and is_counted(raw.strip().replace("，", ",")):
            by_page.setdefault(page or 1, Counter())[value] += 1
    rows = []
    for page in printed:
        taken = by_page.get(page.page, Counter())
        if len(page.amounts) < MIN_TABLE_PAGE_AMOUNTS and not taken:
            continue
        shown = Counter(page.amounts)
        read = sum((shown & taken).values())
        rows.append(
            {
                "source_file": source_file,
                "page": page.page,
                "printed": len(page.amounts),
                "read": read,
                "facts": sum(taken.values()),
                "facts_unprinted": sum((taken - shown).values()),
            }
        )
    return pl.DataFrame(rows, schema=COVERAGE_SCHEMA)


def consistency(results: pl.DataFrame) -> pl.DataFrame:
    """Per document: the arithmetic checks (sums, balances, cross-table) decided, passing, and
    failing by no more than the printed figures' rounding allows, and the findings a reader
    is told about (failed error and warning rows)."""
    failed = pl.col("passed").not_()
    arithmetic = pl.col("rule_family").is_in(ARITHMETIC_FAMILIES) & pl.col("passed").is_not_null()
    return results.group_by("document_id").agg(
        arithmetic_checks=arithmetic.sum().cast(pl.Int32),
        arithmetic_passed=(arithmetic & pl.col("passed")).sum().cast(pl.Int32),
        arithmetic_rounding=(arithmetic & failed & (pl.col("status") == "rounding"))
        .sum()
        .cast(pl.Int32),
        errors=(failed & (pl.col("severity") == "error")).sum().cast(pl.Int32),
        warnings=(failed & (pl.col("severity") == "warning")).sum().cast(pl.Int32),
    )


def recognition(tables: pl.DataFrame, topics: pl.DataFrame) -> pl.DataFrame:
    """Per document: the table classes found (present with data or empty) and the titles of
    the tables no class describes. `topics` maps (template, table_no) to its class."""
    present = tables.join(topics, on=["template", "table_no"], how="left")
    found = (
        present.filter(~pl.col("status").is_in(["missing", "unread", "unrecognised"]))
        .group_by("document_id")
        .agg(classes=pl.col("topic").drop_nulls().unique().sort())
    )
    unknown = (
        present.filter(pl.col("status") == "unrecognised")
        .group_by("document_id")
        .agg(unrecognised=pl.col("table_name").sort())
    )
    return found.join(unknown, on="document_id", how="full", coalesce=True).with_columns(
        pl.col("classes").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("unrecognised").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    )


def metadata_agreement(documents: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Per file of the truth and field: the value read and whether it is the true one (a field
    the truth leaves empty is not scored)."""
    joined = truth.join(documents, on="source_file", how="left", suffix="_read")
    rows = []
    for row in joined.iter_rows(named=True):
        for name in METADATA_FIELDS:
            expected = row[name]
            if expected in (None, ""):
                continue
            read = row.get(f"{name}_read")
            rows.append(
                {
                    "source_file": row["source_file"],
                    "field": name,
                    "expected": str(expected),
                    "read": None if read is None else str(read),
                    "right": read is not None and str(read) == str(expected),
                }
            )
    return pl.DataFrame(
        rows,
        schema={
            "source_file": pl.String,
            "field": pl.String,
            "expected": pl.String,
            "read": pl.String,
            "right": pl.Boolean,
        },
    )


def _fact_matches(truth: dict, facts: pl.DataFrame) -> pl.Expr:
    condition = pl.col("topic") == truth["table_class"]
    if truth["section"]:
        condition &= pl.col("section") == truth["section"]
    row = truth["row"] or ""
    if row.startswith("code:"):
        code = row.removeprefix("code:")
        condition &= (pl.col("function_code") == code) | (pl.col("economic_code") == code)
    elif row:
        condition &= pl.col("row_role") == row
    if truth["measure"]:
        condition &= pl.col("measure") == truth["measure"]
    if truth["basis"]:
        condition &= pl.col("basis") == truth["basis"]
    return condition


def key_figures(truth: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Each hand-read key figure: found with its meaning (table class, side, row, measure,
    basis) and its amount, or only somewhere in the document (the amount under another
    meaning: a misreading), or not at all. `facts` carries source_file and topic."""
    rows = []
    for figure in truth.iter_rows(named=True):
        amount = Decimal(figure["amount_wan"])
        own = facts.filter(pl.col("source_file") == figure["file"])
        same_amount = own.filter(pl.col("amount") == amount)
        meant = same_amount.filter(_fact_matches(figure, own))
        rows.append(
            {
                **figure,
                "found": meant.height > 0,
                "amount_elsewhere": meant.height == 0 and same_amount.height > 0,
            }
        )
    return pl.DataFrame(
        rows,
        schema={**truth.schema, "found": pl.Boolean, "amount_elsewhere": pl.Boolean},
    )


def _finding_matches(known: dict) -> pl.Expr:
    condition = pl.col("source_file") == known["file"]
    table_class = known["table_class"] or ""
    if table_class == "narrative":  # the narrative's figures, or its prose's own rules
        condition &= (pl.col("rule_family") == "narrative") | pl.col("check_id").is_in(PROSE_CHECKS)
    elif table_class:
        condition &= pl.col("topic") == table_class
    if known["subject"]:
        condition &= pl.col("subject").str.contains(known["subject"], literal=True) | pl.col(
            "message_zh"
        ).str.contains(known["subject"], literal=True)
    if known["difference"]:
        condition &= (
            pl.col("difference").cast(pl.Float64).abs() - float(known["difference"])
        ).abs() < 1e-6
    return condition


def known_findings(truth: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    """Each real inconsistency and reading trap of the truth against the failed checks:
    a real one is found when a failed check matches it (its severity is what the reader is
    told), a trap holds when no error or warning matches it. `results` carries source_file,
    topic and the dq_result columns."""
    failed = results.filter(pl.col("passed").not_())
    rows = []
    for known in truth.iter_rows(named=True):
        matching = failed.filter(_finding_matches(known))
        told = matching.filter(pl.col("severity").is_in(FINDING_SEVERITIES))
        # what the reader is told: a failure within rounding is told as rounding
        severities = sorted(
            {
                "rounding" if status == "rounding" else severity
                for severity, status in matching.select("severity", "status").iter_rows()
            }
        )
        if known["kind"] == "real":
            outcome = "found" if matching.height else "missed"
        else:
            outcome = "held" if told.height == 0 else "reported"
        rows.append(
            {
                **known,
                "outcome": outcome,
                "matching_checks": matching.height,
                "severities": ", ".join(severities),
                "class_right": known["kind"] == "real" and known["expected_class"] in severities,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            **truth.schema,
            "outcome": pl.String,
            "matching_checks": pl.Int32,
            "severities": pl.String,
            "class_right": pl.Boolean,
        },
    )


def error_verdicts(truth: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    """Every error finding (a failed check of severity error: rounding, doubts and
    consequences are told with severity info) with the hand-checked verdict on it, where the
    truth holds one: `real` where it matches a real inconsistency the truth expects as an
    error, `misreading` where it matches a reading trap (or a real inconsistency of another
    class: a rounding gap told as an error blames the document wrongly), else `unchecked`."""
    errors = results.filter(pl.col("passed").not_() & (pl.col("severity") == "error"))
    errors = errors.with_row_index("finding")
    verdicts: dict[int, tuple[str, str]] = {}
    for known in truth.iter_rows(named=True):
        real = known["kind"] == "real" and known["expected_class"] == "error"
        verdict = "real" if real else "misreading"
        for finding in errors.filter(_finding_matches(known))["finding"]:
            if verdicts.get(finding, ("",))[0] != "real":
                verdicts[finding] = (verdict, known["note"])
    return errors.select(
        "source_file",
        "check_id",
        "table_no",
        "subject",
        "message_zh",
        pl.col("finding")
        .map_elements(lambda f: verdicts.get(f, ("unchecked", ""))[0], return_dtype=pl.String)
        .alias("verdict"),
        pl.col("finding")
        .map_elements(lambda f: verdicts.get(f, ("", ""))[1], return_dtype=pl.String)
        .alias("note"),
    )
