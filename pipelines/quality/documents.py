"""Completeness of the table set and plausibility of the amounts."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from pipelines.quality.frame import amount_text

UPPER_BOUND_WAN = Decimal(10_000_000)  # 1000 亿元: more than any single department line
COMPLETENESS = {
    "data": ("error", "已公开，有数据", "published with data"),
    "empty_explained": ("error", "空表，已说明原因", "empty, with an explanation"),
    "empty_unexplained": (
        "warning",
        "空表，但未说明原因（无内容应公开空表并说明情况）",
        "empty without an explanation (an empty table must say why)",
    ),
    "missing": ("error", "未公开此表", "not published"),
}


def completeness_comparisons(tables: pl.DataFrame, warnings: pl.DataFrame) -> list[dict]:
    """One row per described table of each document (published, explained, or missing), and
    one per column the template always prints that a table leaves out."""
    found = []
    for item in warnings.filter(pl.col("kind") == "missing_column").to_dicts():
        column = item["message"].split(":")[0]
        found.append(
            {
                "document_id": item["document_id"],
                "check_id": "completeness.column_published",
                "rule_family": "completeness",
                "severity": "error",
                "table_no": item["table_no"],
                "subject": column,
                "expected": "printed",
                "observed": "missing",
                "difference": None,
                "status": "missing",
                "message_zh": f"表{item['table_no']}缺少必备栏目（{column}）",
                "message_en": f"table {item['table_no']}: {item['message']}",
                "source_line": item["source_line"],
                "source_page": item["source_page"],
                "source_row": None,
                "source_column": None,
            }
        )
    for table in tables.to_dicts():
        severity, zh, en = COMPLETENESS[table["status"]]
        found.append(
            {
                "document_id": table["document_id"],
                "check_id": "completeness.table_published",
                "rule_family": "completeness",
                "severity": severity,
                "table_no": table["table_no"],
                "subject": table["table_name"],
                "expected": "data or empty_explained",
                "observed": table["status"],
                "difference": None,
                "status": table["status"],
                "message_zh": f"表{table['table_no']} {table['table_name']}：{zh}",
                "message_en": f"table {table['table_no']} {table['table_name']}: {en}",
                "source_line": table["source_line"],
                "source_page": table["source_page"],
                "source_row": None,
                "source_column": None,
            }
        )
    return found


def _plausibility(fact: dict) -> tuple[str, str, str]:
    amount = fact["amount"]
    if amount < 0:
        return "negative", "金额为负数", "negative amount"
    if amount > UPPER_BOUND_WAN:
        return (
            "out_of_range",
            "金额超出合理范围（>1000亿元）",
            "amount beyond a sane range (> 10^7 万元)",
        )
    return "plausible", "金额可解析且在合理范围内", "parses and lies in a sane range"


def plausibility_comparisons(facts: pl.DataFrame, warnings: pl.DataFrame) -> list[dict]:
    """Every fact in range and not negative; every cell that did not parse, as a failure."""
    found = []
    for fact in facts.to_dicts():
        status, zh, en = _plausibility(fact)
        subject = fact["row_label"] or fact["column_label"]
        raw = fact["raw_text"].strip()
        found.append(
            {
                "document_id": fact["document_id"],
                "check_id": "plausibility.amount_in_range",
                "rule_family": "plausibility",
                "severity": "warning",
                "table_no": fact["table_no"],
                "subject": f"{subject} / {fact['column_label']}",
                "expected": "0 ≤ amount ≤ 10000000",
                "observed": amount_text(fact["amount"]),
                "difference": None,
                "status": status,
                "message_zh": f"表{fact['table_no']}「{subject}」{raw}：{zh}",
                "message_en": f"table {fact['table_no']} '{subject}' {raw}: {en}",
                "source_line": fact["source_line"],
                "source_page": fact["source_page"],
                "source_row": fact["source_row"],
                "source_column": fact["source_column"],
            }
        )
    for item in warnings.filter(pl.col("kind") == "unparsed_cell").to_dicts():
        found.append(
            {
                "document_id": item["document_id"],
                "check_id": "plausibility.cell_parses",
                "rule_family": "plausibility",
                "severity": "error",
                "table_no": item["table_no"],
                "subject": item["message"],
                "expected": "a number or a blank",
                "observed": item["message"],
                "difference": None,
                "status": "unparsed",
                "message_zh": f"表{item['table_no']}：金额栏中的内容不是数字（{item['message']}）",
                "message_en": f"table {item['table_no']}: {item['message']}",
                "source_line": item["source_line"],
                "source_page": item["source_page"],
                "source_row": None,
                "source_column": None,
            }
        )
    return found
