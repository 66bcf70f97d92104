"""`gongkai eval`: how far gongkai can be trusted on a folder of real disclosures.

It builds a warehouse of its own from the folder (the user's warehouse is not touched), reads
every file a second time with an independent engine (`printed`), and measures the reading
against it and against the hand-read truth in `tests/corpus/truth/` (`metrics`).
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.build import build
from pipelines.evaluation import metrics
from pipelines.evaluation.printed import printed_pages
from pipelines.metadata import SCOPES
from pipelines.vocabulary import core_classes

TRUTH_DIR = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "truth"
CORPUS_NOTES = frozenset({"INDEX.md", "FINDINGS.md", "README.md", "SOURCES.md"})
CORE_CLASSES = core_classes()
READ_STATUSES = ("loaded", "quarantined")  # files whose printed numbers should be facts


@dataclass(frozen=True)
class Evaluation:
    files: pl.DataFrame  # every file of the folder: status and reason
    coverage: pl.DataFrame  # per table page
    documents: pl.DataFrame  # per loaded document: consistency, recognition, metadata
    metadata_truth: pl.DataFrame
    key_figures: pl.DataFrame
    known_findings: pl.DataFrame
    error_verdicts: pl.DataFrame  # every error finding and the hand-checked verdict on it

    def coverage_share(self) -> float | None:
        printed = int(self.coverage["printed"].sum() or 0)
        return int(self.coverage["read"].sum() or 0) / printed if printed else None

    def arithmetic_share(self, within_rounding: bool = False) -> float | None:
        """Arithmetic checks holding to the cent, or also those off by no more than the
        printed figures' rounding allows."""
        checks = int(self.documents["arithmetic_checks"].sum() or 0)
        holding = int(self.documents["arithmetic_passed"].sum() or 0)
        if within_rounding:
            holding += int(self.documents["arithmetic_rounding"].sum() or 0)
        return holding / checks if checks else None

    def errors_per_document(self) -> list[int]:
        return self.documents["errors"].to_list()

    def error_precision(self) -> str:
        """error findings N, hand-checked K, real R (precision R/K)."""
        verdicts = self.error_verdicts["verdict"]
        checked = int((verdicts != "unchecked").sum())
        real = int((verdicts == "real").sum())
        precision = _percent(real / checked if checked else None)
        return (
            f"error findings {verdicts.len()}, hand-checked {checked}, real {real} "
            f"(precision {precision})"
        )

    def key_figure_share(self) -> float | None:
        total = self.key_figures.height
        return int(self.key_figures["found"].sum()) / total if total else None

    def summary_line(self) -> str:
        statuses = dict(self.files.group_by("status").len().iter_rows())
        errors = self.errors_per_document()
        return (
            f"eval: {self.files.height} files, {statuses.get('loaded', 0)} loaded, "
            f"{statuses.get('not_disclosure', 0)} not disclosures, "
            f"{statuses.get('quarantined', 0)} quarantined; "
            f"coverage {_percent(self.coverage_share())}, "
            f"sum checks passing {_percent(self.arithmetic_share())} "
            f"({_percent(self.arithmetic_share(within_rounding=True))} within rounding), "
            "median errors per "
            f"document {statistics.median(errors) if errors else '—'}, "
            f"{self.error_precision()}, key figures {_percent(self.key_figure_share())}"
        )


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def corpus_view(corpus: Path, into: Path) -> list[str]:
    """Link every file of the corpus into a folder of the same layout, except the corpus' own
    notes (INDEX.md, FINDINGS.md: the truth, not documents); returns the notes left out."""
    left_out = []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(corpus)
        if relative.name in CORPUS_NOTES:
            left_out.append(relative.as_posix())
            continue
        link = into / relative
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(path.resolve())
    return left_out


def _frames(warehouse: Path) -> dict[str, pl.DataFrame]:
    queries = {
        "files": "SELECT path AS source_file, format, status, reason, document_id, department, "
        "region, division_code, fiscal_year, kind, scope, template FROM v_documents",
        "facts": """SELECT r.source_file, f.source_page, f.raw_text, f.amount, f.section,
                       f.row_role, f.function_code, f.economic_code, f.measure, f.basis,
                       t.topic
                FROM fact_budget_line f
                JOIN raw_file r ON r.document_id = f.document_id AND r.status = 'loaded'
                LEFT JOIN dim_table t ON t.template = f.template AND t.table_no = f.table_no""",
        "other_period": """SELECT r.source_file, f.source_page, f.raw_text
                FROM fact_other_period f
                JOIN raw_file r ON r.document_id = f.document_id AND r.status = 'loaded'""",
        "form_amounts": """SELECT r.source_file, p.source_page, CAST(amount AS VARCHAR) AS raw_text
                FROM performance_project p
                JOIN raw_file r ON r.document_id = p.document_id AND r.status = 'loaded',
                UNNEST([p.total_funds, p.fiscal_funds, p.other_funds, p.basic_funds,
                        p.project_funds]) AS funds(amount)
                WHERE amount IS NOT NULL""",
        "results": """SELECT r.source_file, q.*, t.topic
                FROM dq_result q
                JOIN raw_file r ON r.document_id = q.document_id AND r.status = 'loaded'
                JOIN dim_document d ON d.document_id = q.document_id
                LEFT JOIN dim_table t ON t.template = d.template AND t.table_no = q.table_no""",
        "tables": "SELECT document_id, template, table_no, table_name, status FROM document_table",
        "topics": "SELECT template, table_no, topic FROM dim_table",
        "claims": "SELECT document_id, count(*)::INTEGER AS claims FROM narrative_claim "
        "GROUP BY document_id",
        "text_tables": """SELECT document_id,
                count(DISTINCT text_table_no) FILTER (WHERE table_no IS NULL)::INTEGER
                    AS text_tables,
                count(DISTINCT text_table_no) FILTER (WHERE list_kind = 'unit_roster')::INTEGER
                    AS unit_rosters
                FROM text_table_cell GROUP BY document_id""",
    }
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return {name: connection.sql(sql).pl() for name, sql in queries.items()}


def _truth(truth_dir: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(truth_dir / f"{name}.csv", infer_schema_length=0).fill_null("")


def measure(
    corpus: Path, warehouse: Path, left_out: list[str], truth_dir: Path = TRUTH_DIR
) -> Evaluation:
    """Every measure on a warehouse built from `corpus`."""
    frames = _frames(warehouse)
    files = pl.concat(
        [
            frames["files"].select("source_file", "status", "reason"),
            pl.DataFrame(
                {
                    "source_file": left_out,
                    "status": ["corpus_note"] * len(left_out),
                    "reason": ["the corpus' own notes (its truth), not a document"] * len(left_out),
                },
                schema={"source_file": pl.String, "status": pl.String, "reason": pl.String},
            ),
        ]
    ).sort("source_file")
    coverage = [pl.DataFrame(schema=metrics.COVERAGE_SCHEMA)]
    facts = frames["facts"]
    # another year's figures are read into fact_other_period, a performance form's funds into
    # performance_project, rather than as facts of the document's year
    read = pl.concat(
        [
            facts.select("source_file", "source_page", "raw_text"),
            frames["other_period"],
            frames["form_amounts"],
        ]
    )
    for source_file, status in frames["files"].select("source_file", "status").iter_rows():
        if status not in READ_STATUSES:
            continue
        pages = printed_pages((corpus / source_file).read_bytes())
        if pages is not None:
            own = read.filter(pl.col("source_file") == source_file)
            coverage.append(metrics.page_coverage(source_file, pages, own))
    loaded = frames["files"].filter(pl.col("status") == "loaded")
    documents = (
        loaded.join(metrics.consistency(frames["results"]), on="document_id", how="left")
        .join(metrics.recognition(frames["tables"], frames["topics"]), on="document_id", how="left")
        .join(frames["claims"], on="document_id", how="left")
        .join(frames["text_tables"], on="document_id", how="left")
        .with_columns(
            pl.col(
                "arithmetic_checks",
                "arithmetic_passed",
                "arithmetic_rounding",
                "errors",
                "warnings",
                "claims",
                "text_tables",
                "unit_rosters",
            ).fill_null(0)
        )
        .sort("source_file")
    )
    metadata_truth = (
        _truth(truth_dir, "metadata")
        .rename({"file": "source_file"})
        .with_columns(pl.col("scope").replace(SCOPES))
    )
    return Evaluation(
        files=files,
        coverage=pl.concat(coverage),
        documents=documents,
        metadata_truth=metrics.metadata_agreement(
            loaded.with_columns(pl.col("fiscal_year").cast(pl.String)),
            metadata_truth.filter(pl.col("source_file").is_in(loaded["source_file"].implode())),
        ),
        key_figures=metrics.key_figures(_truth(truth_dir, "key_figures"), facts),
        known_findings=metrics.known_findings(_truth(truth_dir, "findings"), frames["results"]),
        error_verdicts=metrics.error_verdicts(_truth(truth_dir, "findings"), frames["results"]),
    )


def evaluate(
    corpus: Path, warehouse: Path, workers: int, truth_dir: Path = TRUTH_DIR
) -> Evaluation:
    """Build `warehouse` from the disclosures under `corpus` (recursively), then measure it."""
    with tempfile.TemporaryDirectory(prefix="gongkai-eval-") as view:
        left_out = corpus_view(corpus, Path(view))
        build(Path(view), warehouse, workers=workers)
    return measure(corpus, warehouse, left_out, truth_dir)
