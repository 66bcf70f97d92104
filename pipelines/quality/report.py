"""A readable data-quality report for one document, in Chinese or English."""

from __future__ import annotations

import polars as pl

from pipelines.quality import FAMILIES

LABELS = {
    "zh": {
        "title": "数据质量检查",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "rounding": "舍入",
        "reading_doubt": "读取存疑",
        "consequence": "连带",
        "checks": "项检查",
        "failed": "项未通过",
        "undecided": "项无法核实",
        "rounding_gaps": "项为舍入差异",
        "doubts": "项读取存疑",
        "clean": "全部通过",
        "line": "第{}行",
        "page": "第{}页",
        "row": "表中第{}行",
        "family": "规则",
    },
    "en": {
        "title": "Data-quality check",
        "error": "ERROR",
        "warning": "WARNING",
        "info": "INFO",
        "rounding": "ROUNDING",
        "reading_doubt": "READING DOUBT",
        "consequence": "CONSEQUENCE",
        "checks": "checks",
        "failed": "failed",
        "undecided": "could not be verified",
        "rounding_gaps": "within rounding",
        "doubts": "reading in doubt",
        "clean": "all passed",
        "line": "line {}",
        "page": "page {}",
        "row": "row {} of the table",
        "family": "rule family",
    },
}
SEVERITY_ORDER = {
    "error": 0,
    "warning": 1,
    "reading_doubt": 2,
    "consequence": 3,
    "info": 4,
    "rounding": 5,
}


# the statuses that say what a failed check is, beside its severity
FINDING_STATUSES = {
    "rounding": "rounding",
    "reading_doubt": "reading_doubt",
    "doubtful": "reading_doubt",
    "consequence": "consequence",
}


def finding_class(row: dict) -> str:
    """What a failed check says: its severity, rounding where the figures' rounding allows the
    difference, reading_doubt where the table's reading is doubtful, consequence where another
    finding explains it (as `v_dq_results.finding_class`)."""
    return FINDING_STATUSES.get(row.get("status") or "", row["severity"])


def format_report(results: pl.DataFrame, heading: str, lang: str = "zh") -> str:
    """Findings first by severity, then a line per rule family with its counts."""
    words = LABELS[lang]
    message = "message_zh" if lang == "zh" else "message_en"
    failed = results.filter(pl.col("passed") == False).to_dicts()  # noqa: E712
    failed.sort(
        key=lambda r: (SEVERITY_ORDER[finding_class(r)], r["table_no"] or 0, r["source_line"] or 0)
    )
    lines = [f"{words['title']}: {heading}", ""]
    for row in failed:
        lines.append(f"[{words[finding_class(row)]}] {row[message]}  {_where(row, words)}".rstrip())
    if failed:
        lines.append("")
    for family in FAMILIES:
        rows = results.filter(pl.col("rule_family") == family.name)
        if rows.height == 0:
            continue
        classes = [
            finding_class(row)
            for row in rows.filter(pl.col("passed") == False).iter_rows(named=True)  # noqa: E712
        ]
        rounding, doubts = classes.count("rounding"), classes.count("reading_doubt")
        bad = len(classes) - rounding - doubts
        unknown = rows.filter(pl.col("passed").is_null()).height
        about = family.description_zh if lang == "zh" else family.description_en
        verdicts = [f"{bad} {words['failed']}"] if bad else []
        if rounding:
            verdicts.append(f"{rounding} {words['rounding_gaps']}")
        if doubts:
            verdicts.append(f"{doubts} {words['doubts']}")
        if not classes and unknown < rows.height:  # "all passed" only where something was decided
            verdicts.append(words["clean"])
        if unknown:
            verdicts.append(f"{unknown} {words['undecided']}")
        counts = f"{rows.height} {words['checks']}, " + ", ".join(verdicts)
        lines.append(f"{family.name:<18} {counts}  — {about}")
    return "\n".join(lines)


def _where(row: dict, words: dict[str, str]) -> str:
    """Where to look: the page (a PDF's), the line (a text's, or on the page), else the row
    of the table the message names."""
    where = [
        words[key].format(row[f"source_{key}"]) for key in ("page", "line") if row[f"source_{key}"]
    ]
    if not where and row["source_row"]:
        where.append(words["row"].format(row["source_row"]))
    return "".join(where) if words is LABELS["zh"] else ", ".join(where)


FINDING_CLASSES = ("error", "warning", "reading_doubt", "consequence", "rounding", "info")


def _classed(results: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """The failed checks with their finding class (as `v_dq_results.finding_class`)."""
    failed = results.lazy().filter(pl.col("passed") == False)  # noqa: E712
    return failed.with_columns(
        pl.col("status")
        .replace_strict(FINDING_STATUSES, default=None, return_dtype=pl.String)
        .fill_null(pl.col("severity"))
        .alias("finding_class")
    )


def findings_by_document(
    results: pl.DataFrame | pl.LazyFrame, documents: pl.DataFrame
) -> pl.DataFrame:
    """One row per checked document — file, department, year, kind, scope — with its checks
    and its findings per class, the documents with errors first: where a person browsing the
    run finds one document's checks (then `gongkai check FILE` for them all)."""
    counts = (
        _classed(results)
        .group_by("document_id")
        .agg((pl.col("finding_class") == name).sum().alias(name) for name in FINDING_CLASSES)
    )
    checked = results.lazy().group_by("document_id").agg(pl.len().alias("checks"))
    return (
        documents.lazy()
        .select("document_id", "source_file", "department", "fiscal_year", "kind", "scope")
        .join(checked, on="document_id", how="inner")
        .join(counts, on="document_id", how="left")
        .with_columns(pl.col(name).fill_null(0) for name in FINDING_CLASSES)
        .sort(["error", "warning", "source_file"], descending=[True, True, False])
        .collect()
    )


def failures_with_provenance(
    results: pl.DataFrame | pl.LazyFrame, documents: pl.DataFrame
) -> pl.DataFrame:
    """The failed checks with where each is: department, year, file, page, line and table,
    its class and message, errors first."""
    order = {name: rank for rank, name in enumerate(FINDING_CLASSES)}
    return (
        _classed(results)
        .join(
            documents.lazy().select("document_id", "source_file", "department", "fiscal_year"),
            on="document_id",
            how="left",
        )
        .with_columns(
            pl.col("finding_class").replace_strict(order, default=len(order)).alias("rank")
        )
        .sort(["rank", "source_file", "source_page", "source_line"], nulls_last=True)
        .select(
            "department",
            "fiscal_year",
            "source_file",
            "source_page",
            "source_line",
            "table_no",
            "finding_class",
            "subject",
            "expected",
            "observed",
            "message_zh",
        )
        .collect()
    )
