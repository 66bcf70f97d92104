"""Load staged results into the DuckDB warehouse, atomically.

The warehouse is built into a new file beside the live one and moved over it with `os.replace`
only when complete: an analyst never opens a half-built file, readers holding the old file keep
their snapshot, and a failed build leaves the previous warehouse as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.classification import classification_dimension
from pipelines.description import MEASURES, described_tables
from pipelines.faults import describe, is_machine_failure
from pipelines.staging import Staging

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
LOAD_MEMORY = "1GB"


# every status a raw file can end in, as the build summary words it
FILE_STATUSES = {
    "loaded": "loaded",
    "joined": "text parts joined to their tables",
    "quarantined": "quarantined",
    "not_disclosure": "not disclosures",
    "duplicate": "duplicates",
    "superseded": "superseded",
    "ignored": "hidden, ignored",
}


@dataclass(frozen=True)
class WarehouseSummary:
    path: Path
    documents: int
    facts: int
    quarantined: int
    not_disclosures: int
    tables_found: int
    checks: int
    findings: int
    error_findings: int
    files: dict[str, int]  # raw files by status: they add up to every file of the raw folder
    quarantined_at: dict[str, int] = field(default_factory=dict)  # by the stage that failed

    def __str__(self) -> str:
        """One line: every raw file under its status (loaded, quarantined and not disclosures
        always, the other statuses where some file has them; the quarantined by stage), then
        tables, facts, checks."""
        stages = ", ".join(f"{stage} {n}" for stage, n in sorted(self.quarantined_at.items()))
        statuses = [
            f"{self.files.get(status, 0)} {words}"
            + (f" ({stages})" if status == "quarantined" and stages else "")
            for status, words in FILE_STATUSES.items()
            if self.files.get(status) or status in ("loaded", "quarantined", "not_disclosure")
        ]
        return (
            f"{sum(self.files.values())} raw files: {', '.join(statuses)}; "
            f"{self.tables_found} tables found, {self.facts} facts loaded; "
            f"{self.checks} checks, {self.findings} findings ({self.error_findings} errors) "
            f"→ {self.path}"
        )


def _reference_rows(connection: duckdb.DuckDBPyConnection) -> None:
    connection.executemany(
        "INSERT INTO dim_measure VALUES (?, ?, ?)",
        [(measure, zh, description) for measure, (zh, description) in MEASURES.items()],
    )
    connection.executemany(
        "INSERT INTO dim_table VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                spec.template,
                spec.number,
                spec.name,
                "blocks" if spec.blocks else spec.layout,
                spec.code_kind,
                spec.topic,
            )
            for spec in described_tables()
        ],
    )


# Rows that belong to one document, children before parents: a rebuild that keeps a document
# keeps these rows, one that drops or replaces it deletes them in this order.
DOCUMENT_TABLES = (
    "fact_budget_line",
    "fact_other_period",
    "dq_result",
    "profile_fact",
    "narrative_claim",
    "document_passage",
    "text_table_cell",
    "performance_indicator",
    "performance_project",
    "printed_code",
    "document_warning",
    "document_table",
    "dim_document",
)

# Each statement runs with `new_documents` holding the loaded documents this build adds: all
# of them in a full build, only the new or changed ones when rows are kept from the last build.
LOAD_SQL = """
DELETE FROM raw_file;

INSERT INTO raw_file
SELECT source_file, sha256, size_bytes, format, encoding, document_id, status, reason
FROM read_parquet($documents);

INSERT INTO dim_region
SELECT DISTINCT region, region, province, region_level, division_code FROM read_parquet($documents)
WHERE status = 'loaded' AND region IS NOT NULL
  AND region NOT IN (SELECT region_id FROM dim_region);

INSERT INTO dim_department
SELECT DISTINCT department_id, department, region, admin_level
FROM read_parquet($documents)
WHERE status = 'loaded' AND department_id IS NOT NULL
  AND department_id NOT IN (SELECT department_id FROM dim_department);

INSERT INTO dim_fiscal_year
SELECT DISTINCT fiscal_year FROM read_parquet($documents)
WHERE status = 'loaded' AND fiscal_year IS NOT NULL
  AND fiscal_year NOT IN (SELECT fiscal_year FROM dim_fiscal_year);

INSERT INTO dim_document
SELECT document_id, sha256, format, template, kind, scope, fiscal_year,
       department_id, printed_department, region, unit, published_date, part,
       department_from, fiscal_year_from, kind_from, scope_from, NULL, NULL, NULL
FROM read_parquet($documents)
WHERE status = 'loaded' AND document_id IN (SELECT document_id FROM new_documents);

INSERT INTO document_table SELECT * FROM read_parquet($tables)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO document_warning
SELECT document_id, kind, template, table_no, source_row, source_column, source_line, source_page,
       message
FROM read_parquet($warnings)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO printed_code SELECT * FROM read_parquet($codes)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO performance_project SELECT * FROM read_parquet($projects)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO performance_indicator SELECT * FROM read_parquet($indicators)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO narrative_claim SELECT * FROM read_parquet($claims)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO profile_fact SELECT * FROM read_parquet($profile)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO document_passage SELECT * FROM read_parquet($passages)
WHERE document_id IN (SELECT document_id FROM new_documents);

INSERT INTO text_table_cell SELECT * FROM read_parquet($text_tables)
WHERE document_id IN (SELECT document_id FROM new_documents);

UPDATE dim_document d SET
    authorized_posts = (SELECT value FROM profile_fact p WHERE p.document_id = d.document_id
                        AND p.item = 'authorized_posts'),
    actual_headcount = (SELECT value FROM profile_fact p WHERE p.document_id = d.document_id
                        AND p.item = 'actual_headcount'),
    serving_staff = (SELECT value FROM profile_fact p WHERE p.document_id = d.document_id
                     AND p.item = 'serving')
WHERE d.document_id IN (SELECT document_id FROM new_documents);

INSERT INTO fact_budget_line
SELECT md5(concat_ws(':', document_id, template, table_no, source_page, source_line,
                     source_row, source_column))[:16],
       document_id, template, table_no, table_name, section, row_label, row_role, function_code,
       economic_code, project_name, budget_unit, measure, basis, column_label, amount,
       published_unit, raw_text, is_total, source_row, source_column, source_line, source_page
FROM read_parquet($facts)
WHERE document_id IN (SELECT document_id FROM new_documents) AND period = 'current'
ORDER BY document_id, table_no, source_row, source_column;

INSERT INTO fact_other_period
SELECT md5(concat_ws(':', document_id, template, table_no, source_page, source_line,
                     source_row, source_column))[:16],
       document_id, template, table_no, table_name, section, row_label, row_role, function_code,
       economic_code, project_name, budget_unit, measure, basis, period, period_year,
       column_label, amount, published_unit, raw_text, is_total, source_row, source_column,
       source_line, source_page
FROM read_parquet($facts)
WHERE document_id IN (SELECT document_id FROM new_documents) AND period <> 'current'
ORDER BY document_id, table_no, source_row, source_column;

DELETE FROM dim_function_class;

INSERT INTO dim_function_class SELECT * FROM read_parquet($function_classes);

DELETE FROM dim_economic_class;

INSERT INTO dim_economic_class SELECT * FROM read_parquet($economic_classes);

INSERT INTO dq_result
SELECT document_id, check_id, rule_family, severity, passed, table_no, subject, expected,
       observed, difference, status, message_zh, message_en, source_line, source_page,
       source_row, source_column
FROM read_parquet($dq_results)
WHERE document_id IN (SELECT document_id FROM new_documents)
ORDER BY document_id, rule_family, check_id, table_no, source_line NULLS LAST, subject;

DELETE FROM dim_department WHERE department_id NOT IN
    (SELECT department_id FROM dim_document WHERE department_id IS NOT NULL);

DELETE FROM dim_region WHERE region_id NOT IN
    (SELECT region_id FROM dim_document WHERE region_id IS NOT NULL
     UNION SELECT region_id FROM dim_department WHERE region_id IS NOT NULL);

DELETE FROM dim_fiscal_year WHERE fiscal_year NOT IN
    (SELECT fiscal_year FROM dim_document WHERE fiscal_year IS NOT NULL);

DELETE FROM mart_economic_structure;

INSERT INTO mart_economic_structure SELECT * FROM economic_structure_rows;

DELETE FROM build_document;

INSERT INTO build_document SELECT document_id, input_key FROM read_parquet($input_keys)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned_builds(warehouse: Path) -> list[Path]:
    """Delete half-built files left by builds that were killed (their process is gone)."""
    removed = []
    for path in warehouse.parent.glob(f".{warehouse.name}.building-*"):
        pid = path.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _stage_dimensions(staging: Staging, documents_path: Path, folder: Path) -> dict[str, Path]:
    """The classification dimensions, from the reference lists and the codes the loaded
    documents print."""
    documents = pl.read_parquet(documents_path).filter(pl.col("status") == "loaded")
    codes = pl.read_parquet(staging.codes).join(documents, on="document_id", how="semi")
    paths = {}
    for kind in ("function", "economic"):
        path = folder / f"dim_{kind}_class.parquet"
        classification_dimension(kind, codes, documents).write_parquet(path)
        paths[f"{kind}_classes"] = path
    return paths


def _schema_version() -> str:
    """A warehouse built under other DDL or load statements is not reused: it is rebuilt."""
    text = SCHEMA_SQL.read_text(encoding="utf-8") + LOAD_SQL
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _reusable(warehouse: Path, keys: Path) -> bool:
    """Whether the live warehouse was built under this schema and holds documents this build
    keeps, so starting from its copy saves work."""
    if not warehouse.exists():
        return False
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            found = connection.execute(
                "SELECT value FROM build_state WHERE key = 'schema_version'"
            ).fetchone()
            kept = connection.execute(
                """SELECT count(*) FROM build_document
                   JOIN read_parquet(?) USING (document_id, input_key)""",
                [str(keys)],
            ).fetchone()
    except duckdb.Error:
        return False
    return found == (_schema_version(),) and kept[0] > 0


def load_warehouse(staging: Staging, warehouse: Path) -> WarehouseSummary:
    """Build the warehouse into a new file, then swap it in.

    Where the live warehouse was built under the same schema, the new file starts as its copy:
    the rows of documents whose input key (everything their checks read, see
    `QualityInput.input_keys`) is unchanged are kept, the rest deleted, and only new or changed
    documents are inserted — the same warehouse a full build gives, at the cost of the change.

    Where the load fails on some document's rows (a derivation made at load time raising on
    them), the documents to blame are found by loading halves of them into a scratch file
    (`_culprits`), quarantined at stage `load`, and the warehouse loaded without them. A failure
    no document explains — the disk, the warehouse file — fails the build.
    """
    try:
        return _load(staging, warehouse, staging.documents, staging.input_keys, reuse=True)
    except Exception as error:
        if is_machine_failure(error):
            raise
        culprits = _culprits(staging)
        if not culprits:
            raise
    staging.quarantine(culprits)
    return _load(staging, warehouse, staging.documents, staging.input_keys, reuse=True)


def _culprits(staging: Staging) -> dict[str, str]:
    """The documents whose rows alone make a load fail, each with the failure: found by
    loading halves of the documents, then halves of the halves that fail, into a scratch
    file; none where the load fails with no document at all."""
    probe = staging.root / "load-probe"
    documents = pl.read_parquet(staging.documents)
    keys = pl.read_parquet(staging.input_keys)

    def failure(ids: list[str]) -> str | None:
        shutil.rmtree(probe, ignore_errors=True)
        probe.mkdir(parents=True)
        chosen = pl.col("document_id").is_in(ids)
        documents.filter(chosen & (pl.col("status") == "loaded")).write_parquet(
            probe / "documents.parquet"
        )
        keys.filter(chosen).write_parquet(probe / "input_keys.parquet")
        try:
            _load(
                staging,
                probe / "probe.duckdb",
                probe / "documents.parquet",
                probe / "input_keys.parquet",
                reuse=False,
            )
        except Exception as error:
            if is_machine_failure(error):
                raise
            return describe("load", error)
        return None

    found: dict[str, str] = {}

    def search(ids: list[str]) -> None:
        reason = failure(ids)
        if reason is None:
            return
        if len(ids) == 1:
            found[ids[0]] = reason
            return
        search(ids[: len(ids) // 2])
        search(ids[len(ids) // 2 :])

    try:
        if failure([]) is None:
            search(sorted(keys["document_id"]))
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return found


def _load(
    staging: Staging, warehouse: Path, documents: Path, keys_path: Path, reuse: bool
) -> WarehouseSummary:
    """The load of the documents in `documents` (the staged manifest or a part of it) with the
    input keys in `keys_path`, into `warehouse`, starting from its copy where `reuse` and it
    holds documents whose keys are unchanged."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(warehouse)
    building = warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}")
    building.unlink(missing_ok=True)
    dimensions = _stage_dimensions(staging, documents, keys_path.parent)
    reuse = reuse and _reusable(warehouse, keys_path)
    try:
        if reuse:
            shutil.copyfile(warehouse, building)
        with duckdb.connect(
            str(building),
            # sorting millions of rows spills to disk rather than holding them all in memory
            config={"memory_limit": LOAD_MEMORY, "temp_directory": str(staging.root / "spill")},
        ) as connection:
            if not reuse:
                connection.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
                _reference_rows(connection)
                connection.execute(
                    "INSERT INTO build_state VALUES ('schema_version', ?)", [_schema_version()]
                )
            keys = str(keys_path)
            connection.execute(
                """CREATE TEMP TABLE kept AS
                   SELECT document_id FROM build_document
                   JOIN read_parquet(?) USING (document_id, input_key)""",
                [keys],
            )
            connection.execute(
                """CREATE TEMP TABLE new_documents AS
                   SELECT document_id FROM read_parquet(?)
                   WHERE document_id NOT IN (SELECT document_id FROM kept)""",
                [keys],
            )
            for table in DOCUMENT_TABLES:
                connection.execute(
                    f"DELETE FROM {table} WHERE document_id NOT IN (SELECT document_id FROM kept)"
                )
            parameters = {
                "documents": str(documents),
                "tables": str(staging.tables),
                "warnings": str(staging.warnings),
                "codes": str(staging.codes),
                "projects": str(staging.projects),
                "indicators": str(staging.indicators),
                "claims": str(staging.claims),
                "profile": str(staging.profile),
                "passages": str(staging.passages),
                "text_tables": str(staging.text_tables),
                "dq_results": str(staging.dq_results),
                "input_keys": keys,
                **{name: str(path) for name, path in dimensions.items()},
                "facts": str(staging.facts),
            }
            for statement in (s for s in LOAD_SQL.split(";\n") if s.strip()):
                used = {k: v for k, v in parameters.items() if f"${k}" in statement}
                connection.execute(statement, used)
            counts = connection.execute(
                """SELECT count(*) FILTER (WHERE status = 'loaded'),
                          (SELECT count(*) FROM fact_budget_line)
                          + (SELECT count(*) FROM fact_other_period),
                          count(*) FILTER (WHERE status = 'quarantined'),
                          count(*) FILTER (WHERE status = 'not_disclosure'),
                          (SELECT count(*) FROM document_table
                           WHERE status NOT IN ('missing', 'unread')),
                          (SELECT count(*) FROM dq_result),
                          (SELECT count(*) FROM dq_result WHERE NOT passed),
                          (SELECT count(*) FROM dq_result WHERE NOT passed AND severity = 'error')
                   FROM raw_file"""
            ).fetchone()
            files = dict(
                connection.execute("SELECT status, count(*) FROM raw_file GROUP BY 1").fetchall()
            )
            quarantined_at = dict(
                connection.execute(
                    "SELECT split_part(reason, ':', 1), count(*) FROM raw_file "
                    "WHERE status = 'quarantined' GROUP BY 1"
                ).fetchall()
            )
            connection.execute("CHECKPOINT")
        os.replace(building, warehouse)
    finally:
        building.unlink(missing_ok=True)
        Path(f"{building}.wal").unlink(missing_ok=True)
    return WarehouseSummary(warehouse, *counts, files=files, quarantined_at=quarantined_at)
