"""Asset checks: one per data-quality rule family on the facts, and the warehouse's integrity.

Findings about a document are WARN: the document still loads, its findings beside it. The
warehouse-integrity check is ERROR: it fails only when the warehouse itself would be wrong.
"""

from __future__ import annotations

import dagster as dg
import duckdb
import polars as pl

from assets.resources import GongkaiPaths
from assets.warehouse_assets import budget_facts, data_quality, markdown_table, warehouse
from pipelines.quality import FAMILIES, Family
from pipelines.quality.report import failures_with_provenance


def family_result(
    family: Family, results: pl.DataFrame, documents: pl.DataFrame
) -> dg.AssetCheckResult:
    """One rule family's verdict over the given check results: passed where nothing says a
    document is wrong — a gap within rounding, a doubt about gongkai's own reading or a note
    of wording fails no check —, with the counts and the failures (department, year, file,
    page) as the UI shows them, those that fail it first."""
    results = results.filter(pl.col("rule_family") == family.name)
    failed = failures_with_provenance(results, documents)
    blaming = failed.filter(pl.col("finding_class").is_in(DOCUMENT_FAULTS))
    counts = dict(failed.group_by("finding_class").len().iter_rows())
    return dg.AssetCheckResult(
        check_name=family.name,
        passed=blaming.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "evaluated": results.height,
            "failed": blaming.height,
            "rounding": counts.get("rounding", 0),
            "reading_doubts": counts.get("reading_doubt", 0),
            "undecided": results.filter(pl.col("passed").is_null()).height,
            "failures": markdown_table(failed, limit=50),
        },
    )


# the findings that say a document is wrong: a check failing only with rounding gaps, doubts
# about gongkai's reading or notes of wording does not show as failed
DOCUMENT_FAULTS = ("error", "warning", "consequence")


def family_description(family: Family) -> str:
    return f"{family.description_zh} — {family.description_en}"


def _family_check(family: Family) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=budget_facts,
        name=family.name,
        description=family_description(family),
        additional_deps=[data_quality],
    )
    def check(paths: GongkaiPaths) -> dg.AssetCheckResult:
        results = pl.read_parquet(paths.staging.dq_results)
        return family_result(family, results, pl.read_parquet(paths.staging.documents))

    return check


family_checks = [_family_check(family) for family in FAMILIES]

INTEGRITY_SQL = {
    "facts without a document": """SELECT count(*) FROM fact_budget_line f
        WHERE NOT EXISTS (SELECT 1 FROM dim_document d WHERE d.document_id = f.document_id)""",
    "duplicate fact ids": """SELECT count(*) - count(DISTINCT fact_id) FROM fact_budget_line""",
    "facts with an undescribed measure": """SELECT count(*) FROM fact_budget_line f
        WHERE NOT EXISTS (SELECT 1 FROM dim_measure m WHERE m.measure = f.measure)""",
    "loaded files without a document": """SELECT count(*) FROM raw_file r WHERE r.status = 'loaded'
        AND NOT EXISTS (SELECT 1 FROM dim_document d WHERE d.document_id = r.document_id)""",
    "findings without a document": """SELECT count(*) FROM dq_result q
        WHERE NOT EXISTS (SELECT 1 FROM dim_document d WHERE d.document_id = q.document_id)""",
}


@dg.asset_check(
    asset=warehouse,
    description="The warehouse is sound: every fact and finding belongs to a document, fact ids "
    "are unique, every measure is described, and every raw file is accounted for.",
)
def warehouse_integrity(paths: GongkaiPaths) -> dg.AssetCheckResult:
    inventory = pl.read_parquet(paths.staging.inventory).height
    with duckdb.connect(str(paths.warehouse_path), read_only=True) as connection:
        problems = {
            name: connection.execute(sql).fetchone()[0] for name, sql in INTEGRITY_SQL.items()
        }
        accounted = connection.execute("SELECT count(*) FROM raw_file").fetchone()[0]
    problems["raw files not accounted for"] = inventory - accounted
    return dg.AssetCheckResult(
        passed=not any(problems.values()),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={name: int(count) for name, count in problems.items()},
    )
