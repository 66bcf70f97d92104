"""The warehouse's loaded documents and their checks by fiscal year and province.

These slices are the partitions by which the Dagster UI lists data quality, so a person looking
for one document's checks opens its year and province instead of scrolling every finding. Each
slice has a fingerprint of what it holds (documents, their metadata and every check's verdict):
a slice is shown again only when its fingerprint changes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

# the partition of documents whose fiscal year or province the document does not tell
UNKNOWN = "不详"
# the fingerprint of a slice that no longer holds any document
EMPTY = "empty"

_SLICE_KEYS = f"""
    coalesce(CAST(d.fiscal_year AS VARCHAR), '{UNKNOWN}') AS fiscal_year,
    coalesce(d.province, '{UNKNOWN}') AS province"""

_DOCUMENTS = f"""
SELECT {_SLICE_KEYS}, d.document_id, d.path AS source_file, d.sha256, d.department, d.kind,
       d.scope, d.fact_count
FROM v_documents d
WHERE d.status = 'loaded'
"""

_PARTITIONS = f"""
WITH documents AS ({_DOCUMENTS}),
checks AS (
    SELECT document_id,
           md5(string_agg(concat_ws('|', check_id, passed, status, observed), '\n'
                          ORDER BY check_id)) AS verdicts
    FROM dq_result GROUP BY document_id
)
SELECT fiscal_year, province, count(*) AS documents,
       md5(string_agg(concat_ws('|', document_id, sha256, department, kind, scope, fact_count,
                                verdicts), '\n' ORDER BY document_id)) AS fingerprint
FROM documents LEFT JOIN checks USING (document_id)
GROUP BY fiscal_year, province
ORDER BY fiscal_year, province
"""

PARTITION_SCHEMA = {
    "fiscal_year": pl.String,
    "province": pl.String,
    "documents": pl.Int64,
    "fingerprint": pl.String,
}


def region_partitions(warehouse: Path) -> pl.DataFrame:
    """Every (fiscal year, province) holding a loaded document, with its document count and
    fingerprint; no rows where there is no warehouse yet."""
    if not warehouse.exists():
        return pl.DataFrame(schema=PARTITION_SCHEMA)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        frame = connection.sql(_PARTITIONS).pl()
    return frame.cast(PARTITION_SCHEMA) if frame.height else pl.DataFrame(schema=PARTITION_SCHEMA)


def region_slice(
    warehouse: Path, fiscal_year: str, province: str
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One slice's documents (file, department, year, kind, scope, facts), their check results
    (shaped as the staged documents and results the quality reports read), and their facts
    counted by table class: what each document printed, by the vocabulary's names."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        documents = connection.sql(
            f"SELECT * FROM ({_DOCUMENTS}) WHERE fiscal_year = $year AND province = $province"
            " ORDER BY source_file",
            params={"year": fiscal_year, "province": province},
        ).pl()
        results = connection.sql(
            f"SELECT q.* FROM dq_result q JOIN ({_DOCUMENTS}) d USING (document_id)"
            " WHERE d.fiscal_year = $year AND d.province = $province"
            " ORDER BY q.document_id, q.check_id",
            params={"year": fiscal_year, "province": province},
        ).pl()
        facts = connection.sql(
            f"SELECT coalesce(f.table_class, 'unrecognised') AS table_class,"
            " count(DISTINCT f.document_id) AS documents, count(*) AS facts"
            f" FROM v_budget_facts f JOIN ({_DOCUMENTS}) d USING (document_id)"
            " WHERE d.fiscal_year = $year AND d.province = $province"
            " GROUP BY ALL ORDER BY facts DESC, table_class",
            params={"year": fiscal_year, "province": province},
        ).pl()
    return documents, results, facts
