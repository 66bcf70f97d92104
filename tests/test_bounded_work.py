"""Bounded work: the checks of a table take time in proportion to its rows, so a document of
tens of thousands of rows is checked in seconds, not hours."""

from __future__ import annotations

import time
from decimal import Decimal

import polars as pl

from pipelines.extract import CODE_SCHEMA, FACT_SCHEMA
from pipelines.quality.codes import code_comparisons
from pipelines.quality.sums import within_table_comparisons

DOC = "d0000000000000000"


def expenditure_table(rows: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """表三 of `rows` coded rows in three columns (合计 = 基本 + 项目): each 类 row, then per 款
    its row and five 项 rows, every level the sum of the next, and 合计 the sum of the 类."""
    facts, codes, printed = [], [], []
    number = 0
    lei = 200
    while number < rows:
        lei += 1
        kuan_rows = []
        for kuan in range(1, 20):
            xiang_rows = [
                (f"{lei}{kuan:02d}{xiang:02d}", (number + xiang) % 89 + 1) for xiang in range(1, 6)
            ]
            number += 5
            kuan_rows.append((f"{lei}{kuan:02d}", sum(a for _, a in xiang_rows)))
            kuan_rows.extend(xiang_rows)
        printed.append((str(lei), sum(a for c, a in kuan_rows if len(c) == 5)))
        printed.extend(kuan_rows)
    total = sum(a for c, a in printed if len(c) == 3)
    for row, (code, amount) in enumerate([*printed, (None, total)], start=4):
        role = "total" if code is None else "item"
        for column, measure in ((5, "total"), (6, "basic_expenditure"), (7, "project_expenditure")):
            value = Decimal(amount if measure != "project_expenditure" else 0)
            facts.append(
                {
                    "document_id": DOC,
                    "template": "budget_2020",
                    "table_no": 3,
                    "table_name": "部门支出总体情况表",
                    "row_label": "合计" if code is None else f"科目{code}",
                    "row_role": role,
                    "function_code": code,
                    "measure": measure,
                    "column_label": measure,
                    "amount": value,
                    "published_unit": "万元",
                    "raw_text": str(value),
                    "is_total": role == "total" or measure == "total",
                    "source_row": row,
                    "source_column": column,
                    "source_line": row,
                }
            )
        if code:
            codes.append(
                {
                    "document_id": DOC,
                    "template": "budget_2020",
                    "table_no": 3,
                    "code_kind": "function",
                    "code": code,
                    "printed_name": f"科目{code}",
                    "has_amounts": True,
                    "source_row": row,
                    "source_line": row,
                }
            )
    return pl.DataFrame(facts, schema=FACT_SCHEMA), pl.DataFrame(codes, schema=CODE_SCHEMA)


def seconds_to_check(rows: int) -> float:
    facts, codes = expenditure_table(rows)
    documents = pl.DataFrame(
        {"document_id": [DOC], "fiscal_year": [2020], "template": ["budget_2020"]},
        schema={"document_id": pl.String, "fiscal_year": pl.Int32, "template": pl.String},
    )
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        within_table_comparisons(facts)
        code_comparisons(codes, documents)
        best = min(best, time.perf_counter() - started)
    return best


def test_a_tables_sums_and_codes_are_checked_in_time_proportional_to_its_rows() -> None:
    """Four times the rows take about four times as long (each 类 and 款 row's parts were
    looked for among all rows, and each code filtered out of the reference lists: 16 times as
    long, and 97 s for a spreadsheet of 10,000 rows)."""
    small, large = seconds_to_check(1_500), seconds_to_check(6_000)
    assert large < 8 * small, (small, large)


def test_every_level_of_a_large_table_adds_up() -> None:
    facts, _ = expenditure_table(1_500)
    found = within_table_comparisons(facts)
    levels = [row for row in found if row["check_id"] == "down.level_is_sum_of_next_level"]
    assert len(levels) == 3 * (1_500 // 95 + 1) * 20  # 类 and its 19 款, in three columns
    assert all(row["difference"] == 0 for row in found)
