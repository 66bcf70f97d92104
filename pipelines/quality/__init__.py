"""Data-quality comparisons: for every rule a correct disclosure obeys, what it expects and
what the document shows.

Everything here is plain polars over the staged facts, inventory and printed codes: sums are
reconciled and reference codes joined here, and the Great Expectations suites in
`expectations/` then judge the prepared frames (a difference within tolerance, a status in the
accepted set). Each rule family has one builder; each comparison row names its check, subject,
expected and observed values and the place in the source a reviewer would open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from pipelines.description.load import check_registry
from pipelines.facts import CURRENT, document_level
from pipelines.outline import PASSAGE_SCHEMA
from pipelines.quality.codes import code_comparisons
from pipelines.quality.cross import cross_table_comparisons
from pipelines.quality.documents import (
    completeness_comparisons,
    narrative_plausibility,
    outline_plausibility,
    plausibility_comparisons,
)
from pipelines.quality.frame import CHECK_SCHEMA
from pipelines.quality.narrative import narrative_comparisons
from pipelines.quality.sums import balance_comparisons, within_table_comparisons
from pipelines.staging import Staging

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

if TYPE_CHECKING:  # extraction runs the repairs, which read the checks' sums
    from pipelines.extract import DocumentResult


@dataclass(frozen=True)
class Family:
    """A rule family: its stable name, a sentence for people, and how its rows are judged."""

    name: str
    description_zh: str
    description_en: str
    judged_by: str  # "difference" (within tolerance) or "status" (in the accepted set)


FAMILIES: tuple[Family, ...] = tuple(
    Family(name, entry["zh"], entry["en"], entry["judged"])
    for name, entry in check_registry()[0].items()
)


@dataclass(frozen=True)
class QualityInput:
    """What the comparisons read: the staged frames of one run (or of one document)."""

    facts: pl.DataFrame
    tables: pl.DataFrame
    codes: pl.DataFrame
    warnings: pl.DataFrame
    documents: pl.DataFrame  # document_id, fiscal_year, template of loaded documents
    claims: pl.DataFrame
    profile: pl.DataFrame
    passages: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PASSAGE_SCHEMA))

    @classmethod
    def from_result(cls, result: DocumentResult) -> QualityInput:
        """The input for checking one extracted document, without staging or warehouse."""
        meta = result.metadata
        documents = pl.DataFrame(
            [
                {
                    "document_id": result.document_id,
                    "fiscal_year": meta.fiscal_year,
                    "template": result.template,
                    "unit": meta.unit,
                    "kind": meta.kind,
                    "scope": meta.scope,
                    "printed_department": meta.printed_department,
                }
            ],
            schema={
                "document_id": pl.String,
                "fiscal_year": pl.Int32,
                "template": pl.String,
                "unit": pl.String,
                "kind": pl.String,
                "scope": pl.String,
                "printed_department": pl.String,
            },
        )
        return cls(
            current_facts(result.facts),
            result.tables,
            result.codes,
            result.warnings_frame,
            documents,
            result.claims,
            result.profile,
            result.passages,
        )

    @classmethod
    def from_staging(cls, staging: Staging, document_ids: list[str] | None = None) -> QualityInput:
        """The staged run's input, or only some documents' (read without the others)."""
        return cls(
            **{
                name: (
                    scan
                    if document_ids is None
                    else scan.filter(pl.col("document_id").is_in(document_ids))
                ).collect()
                for name, scan in staged_scans(staging).items()
            }
        )


def current_facts(facts: FrameT) -> FrameT:
    """The facts of the document's own year, the ones its rules bind: another year's column
    printed beside them (2025年预算数 in a 2026 budget), and the change between the two, are
    the document's figures too, but no sum, balance or cross-table rule adds them in."""
    return facts.filter(pl.col("period") == CURRENT)


def staged_scans(staging: Staging) -> dict[str, pl.LazyFrame]:
    """Each frame the checks read, as a scan of its staged file (loaded documents only)."""
    return {
        "facts": current_facts(pl.scan_parquet(staging.facts)),
        "tables": pl.scan_parquet(staging.tables),
        "codes": pl.scan_parquet(staging.codes),
        "warnings": pl.scan_parquet(staging.warnings),
        "documents": pl.scan_parquet(staging.documents).filter(pl.col("status") == "loaded"),
        "claims": pl.scan_parquet(staging.claims),
        "profile": pl.scan_parquet(staging.profile),
        "passages": pl.scan_parquet(staging.passages),
    }


def input_keys(frames: dict[str, pl.LazyFrame], version: str) -> pl.DataFrame:
    """Per loaded document, a key of everything its checks read (each frame's rows, and
    `version`: the code and suites that check them): equal keys, equal results. Computed on
    scans, so a run's frames need not be held in memory."""
    parts = [
        frame.select("document_id", pl.struct(pl.exclude("document_id")).hash(seed=7).alias("row"))
        .group_by("document_id")
        .agg(
            pl.lit(name).alias("frame"),
            pl.len().alias("rows"),
            (pl.col("row") // 2**32).sum().alias("high"),
            (pl.col("row") % 2**32).sum().alias("low"),
        )
        for name, frame in frames.items()
    ]
    loaded = frames["documents"].select("document_id")
    return (
        pl.concat(parts)
        .join(loaded, on="document_id", how="semi")
        .sort("document_id", "frame")
        .group_by("document_id", maintain_order=True)
        .agg(
            pl.concat_str(
                pl.lit(version), pl.col("frame"), pl.col("rows"), pl.col("high"), pl.col("low")
            )
            .str.join("|")
            .hash(seed=7)
            .cast(pl.String)
            .alias("input_key")
        )
        .collect(engine="streaming")
    )


def comparisons(data: QualityInput) -> dict[str, pl.DataFrame]:
    """One comparison frame per rule family: the sums read every block of a table of units,
    the rules across tables and with the narrative the document's own figures."""
    own = document_level(data.facts)
    built = {
        "within_table_sums": within_table_comparisons(data.facts),
        "balance": balance_comparisons(data.facts, data.tables),
        "cross_table": cross_table_comparisons(own, data.tables, data.documents),
        "code_validity": code_comparisons(data.codes, data.documents),
        "completeness": completeness_comparisons(data.tables, data.warnings, data.facts),
        "plausibility": plausibility_comparisons(data.facts, data.warnings)
        + narrative_plausibility(data.claims, data.profile, own, data.documents)
        + outline_plausibility(data.passages, data.documents),
        "narrative": narrative_comparisons(
            data.claims, data.profile, own, data.codes, data.documents
        ),
    }
    return {name: pl.DataFrame(rows, schema=CHECK_SCHEMA) for name, rows in built.items()}


def judged(data: QualityInput, judge) -> pl.DataFrame:
    """Every rule compared and judged (by `judge`: Great Expectations or its SQL twin), each
    table's reading verdict added, every failure held to the reading of what it reads (the
    trust gate), each group of failures one gap explains told once, and each table named as
    the document numbers it."""
    from pipelines.quality.causes import with_root_causes
    from pipelines.quality.gate import ReadingEvidence, gated
    from pipelines.quality.names import with_printed_names
    from pipelines.quality.reading import reading_comparisons, table_verdicts

    results = judge(comparisons(data))
    verdicts = table_verdicts(results, data.facts, data.warnings)
    evidence = ReadingEvidence(
        results, verdicts, data.facts, data.codes, data.warnings, data.documents
    )
    checked = with_root_causes(gated(results, evidence), data.facts).drop("reads")
    checked = pl.concat([checked, judge({"reading": reading_comparisons(verdicts)})])
    return with_printed_names(checked, data.tables)
