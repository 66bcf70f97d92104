"""Exports for people who work outside DuckDB: Parquet, CSV and a Fiscal Data Package.

- Parquet: the facts hive-partitioned by fiscal year and region (`fiscal_year=2020/region=…/`),
  and every analyst view as one file;
- CSV: every analyst view as one UTF-8 file, with a byte order mark so that Excel opens it;
  a text cell a spreadsheet would take for a formula (`=100%`, `-`, `+86`, `@…`) is written
  inert, with a leading apostrophe, and in the CSV for Excel every id and code as a text
  formula (`="2010301"`), since Excel turns an all-digit id into a rounded number;
- Fiscal Data Package (the OpenSpending format): the facts as CSV with a `datapackage.json`
  describing each field and the fiscal model (amount in CNY with factor 10000 — 万元 — and the
  administrative, functional and economic classifications, year, phase and direction),
  validated with frictionless before it is reported written.
"""

from __future__ import annotations

import codecs
import json
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl

FACTS_FOR_EXPORT = """
SELECT f.*, reg.region_name AS region
FROM v_budget_facts f
JOIN dim_document d USING (document_id)
LEFT JOIN dim_region reg ON reg.region_id = d.region_id
"""
FDP_FIELDS = {
    "fact_id": ("string", "Stable id of the published number"),
    "document_id": ("string", "Document (first 16 hex digits of the file's SHA-256)"),
    "department": ("string", "Department (编制部门) as printed"),
    "region": ("string", "Region the department belongs to"),
    "fiscal_year": ("integer", "Fiscal year"),
    "phase": (
        "string",
        "budget (a planned figure, 预算数) or final_accounts (an outcome, 决算数), from the "
        "figure's own basis: a 决算 document's 三公 table prints the plan beside the outcome",
    ),
    "direction": ("string", "income or expenditure"),
    "table_no": ("integer", "Number of the table in its template"),
    "table_name": ("string", "Name of the table"),
    "function_code": ("string", "Functional classification (支出功能分类) 类/款/项 code"),
    "economic_code": ("string", "Economic classification (部门预算支出经济分类) code"),
    "project_name": ("string", "Project (项目支出情况表)"),
    "row_label": ("string", "Row label as printed"),
    "measure": ("string", "Canonical measure"),
    "is_total": ("boolean", "A total or subtotal row or column"),
    "amount": ("number", "Amount in 万元 (ten thousand yuan)"),
}
FDP_SQL = """
SELECT fact_id, f.document_id, department, region, fiscal_year,
       CASE f.basis WHEN 'actual' THEN 'final_accounts' ELSE 'budget' END AS phase,
       CASE WHEN section = 'income' OR dt.topic = 'income' THEN 'income' ELSE 'expenditure' END
           AS direction,
       f.table_no, f.table_name, function_code, economic_code, project_name, row_label, measure,
       is_total, amount
FROM ({facts}) f
LEFT JOIN dim_table dt ON dt.template = f.template AND dt.table_no = f.table_no
ORDER BY fact_id
"""


# a cell a spreadsheet evaluates when it starts with one of these (OWASP's CSV injection)
FORMULA_START = r"^[=+\-@\t\r]"
IDENTIFIER = re.compile(r"(?:_id|_code|^sha256)$")


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def inert_csv_select(connection: duckdb.DuckDBPyConnection, relation: str, excel: bool) -> str:
    """A SELECT of every column of `relation` as a CSV file should hold it: a text cell that
    starts as a formula gets a leading apostrophe, so no spreadsheet evaluates what a document
    printed; with `excel`, ids and codes (`…_id`, `…_code`, `sha256`) are written ="…", which
    Excel keeps as text where it would read 6858449805109e05 as 6.86E+17."""
    columns = []
    for name, kind, *_ in connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall():
        column = _sql_name(name)
        if kind != "VARCHAR":
            columns.append(column)
        elif excel and IDENTIFIER.search(name):
            columns.append(f"""'="' || replace({column}, '"', '""') || '"' AS {column}""")
        else:
            columns.append(
                f"CASE WHEN regexp_matches({column}, '{FORMULA_START}') "
                f"THEN '''' || {column} ELSE {column} END AS {column}"
            )
    return f"SELECT {', '.join(columns)} FROM {relation}"


def inert_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame's text cells made inert for CSV as `inert_csv_select` makes them."""
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, kind in frame.schema.items()
        if kind == pl.String
    )


def _connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)


def analyst_views(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's analyst views (`v_…`), read from the warehouse itself, so that a view
    added to the schema is exported without a list to keep in step."""
    return [
        name
        for (name,) in connection.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal "
            "AND starts_with(view_name, 'v_') ORDER BY view_name"
        ).fetchall()
    ]


def export_parquet(warehouse: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with _connect(warehouse) as connection:
        facts = out / "budget_facts"
        connection.execute(
            f"COPY ({FACTS_FOR_EXPORT}) TO '{facts}' "
            "(FORMAT parquet, PARTITION_BY (fiscal_year, region), OVERWRITE_OR_IGNORE)"
        )
        written = [facts]
        for view in analyst_views(connection):
            target = out / f"{view}.parquet"
            connection.execute(f"COPY (SELECT * FROM {view}) TO '{target}' (FORMAT parquet)")
            written.append(target)
    return written


def export_csv(warehouse: Path, out: Path, bom: bool = True) -> list[Path]:
    """Every analyst view as a UTF-8 CSV file, formulas made inert (`inert_csv_select`). With
    `bom` (the default: the CSV for Excel) each starts with a byte order mark, since Excel on a
    Chinese Windows reads a CSV without one as GBK and shows mojibake, and its ids and codes
    are written as text."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with _connect(warehouse) as connection:
        for view in analyst_views(connection):
            target = out / f"{view}.csv"
            plain = target.with_name(f".{target.name}.plain") if bom else target
            select = inert_csv_select(connection, view, excel=bom)
            connection.execute(f"COPY ({select}) TO '{plain}' (HEADER)")
            if bom:
                with plain.open("rb") as source, target.open("wb") as sink:
                    sink.write(codecs.BOM_UTF8)
                    shutil.copyfileobj(source, sink)
                plain.unlink()
            written.append(target)
    return written


def fiscal_data_package(warehouse: Path, out: Path) -> Path:
    """Write and validate a Fiscal Data Package; returns its datapackage.json."""
    from frictionless import Package

    out.mkdir(parents=True, exist_ok=True)
    data = out / "budget_facts.csv"
    with _connect(warehouse) as connection:
        facts = f"({FDP_SQL.format(facts=FACTS_FOR_EXPORT)})"
        select = inert_csv_select(connection, facts, excel=False)
        connection.execute(f"COPY ({select}) TO '{data}' (HEADER)")
    descriptor = {
        "name": "gongkai-budget-disclosures",
        "title": "Chinese department budget disclosures (部门预算公开), as published numbers",
        "resources": [
            {
                "name": "budget-facts",
                "path": data.name,
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": name, "type": kind, "description": about}
                        for name, (kind, about) in FDP_FIELDS.items()
                    ],
                    "primaryKey": ["fact_id"],
                },
            }
        ],
        "model": {
            "measures": {"amount": {"source": "amount", "currency": "CNY", "factor": 10000}},
            "dimensions": {
                "administrative-classification": {
                    "dimensionType": "classification",
                    "classificationType": "administrative",
                    "attributes": {
                        "department": {"source": "department"},
                        "region": {"source": "region"},
                    },
                    "primaryKey": ["department"],
                },
                "functional-classification": {
                    "dimensionType": "classification",
                    "classificationType": "functional",
                    "attributes": {"function_code": {"source": "function_code"}},
                    "primaryKey": ["function_code"],
                },
                "economic-classification": {
                    "dimensionType": "classification",
                    "classificationType": "economic",
                    "attributes": {"economic_code": {"source": "economic_code"}},
                    "primaryKey": ["economic_code"],
                },
                "date": {
                    "dimensionType": "datetime",
                    "attributes": {"fiscal_year": {"source": "fiscal_year"}},
                    "primaryKey": ["fiscal_year"],
                },
                "phase": {
                    "dimensionType": "phase",
                    "attributes": {"phase": {"source": "phase"}},
                    "primaryKey": ["phase"],
                },
                "direction": {
                    "dimensionType": "direction",
                    "attributes": {"direction": {"source": "direction"}},
                    "primaryKey": ["direction"],
                },
            },
        },
    }
    path = out / "datapackage.json"
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    report = Package(str(path)).validate()
    if not report.valid:
        errors = report.flatten(["type", "message"])[:5]
        raise ValueError(f"the Fiscal Data Package does not validate: {errors}")
    return path
