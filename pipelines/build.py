"""The pipeline's stages as plain functions: inventory → extract → combine → load.

The Dagster assets and the `gongkai build` command both run exactly these, so a run from the
command line and a run in Dagster give the same warehouse.
"""

from __future__ import annotations

import errno
import hashlib
import os
import pickle
import re
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from multiprocessing import current_process
from pathlib import Path
from typing import TextIO

import duckdb
import polars as pl

from expectations.runner import RESULT_SCHEMA, SUITES_DIR
from pipelines.departments import department_id
from pipelines.extract import (
    CLAIM_SCHEMA,
    CODE_SCHEMA,
    FACT_SCHEMA,
    INDICATOR_SCHEMA,
    NARRATIVE_ONLY,
    PROJECT_SCHEMA,
    TABLE_SCHEMA,
    TEXT_PART,
    TEXT_TABLE_SCHEMA,
    WARNING_SCHEMA,
    DocumentResult,
    extract_file,
    narrative_only_reason,
)
from pipelines.faults import (
    StageFailed,
    describe,
    document_seconds,
    is_machine_failure,
    time_limit,
)
from pipelines.metadata import DocumentMetadata, plausible_department
from pipelines.outline import PASSAGE_SCHEMA
from pipelines.processes import process_pool
from pipelines.profile import PROFILE_SCHEMA
from pipelines.quality import QualityInput, input_keys, staged_scans
from pipelines.quality import judged as judge_all
from pipelines.quality.frame import COMPARISON_SCHEMA
from pipelines.settings import MAX_FILE_BYTES
from pipelines.staging import Staging
from pipelines.warehouse.load import WarehouseSummary, load_warehouse
from pipelines.warehouse.lock import build_lock

DEFAULT_WORKERS = os.cpu_count() or 1
DEFAULT_DOCUMENT_SECONDS = document_seconds()
INVENTORY_SCHEMA = {"source_file": pl.String, "sha256": pl.String, "size_bytes": pl.Int64}
DOCUMENT_SCHEMA = {
    "source_file": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "format": pl.String,
    "encoding": pl.String,
    "document_id": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "template": pl.String,
    "kind": pl.String,
    "scope": pl.String,
    "fiscal_year": pl.Int32,
    "department": pl.String,
    "printed_department": pl.String,
    "department_id": pl.String,
    "region": pl.String,
    "province": pl.String,
    "region_level": pl.String,
    "division_code": pl.String,
    "admin_level": pl.String,
    "unit": pl.String,
    "published_date": pl.Date,
    "part": pl.String,
    "department_from": pl.String,
    "fiscal_year_from": pl.String,
    "kind_from": pl.String,
    "scope_from": pl.String,
    "tables_found": pl.Int32,
    "fact_count": pl.Int32,
    "warning_count": pl.Int32,
}


# where each part of a document's identity was read (see DocumentMetadata)
IDENTITY_SOURCES = ("department_from", "fiscal_year_from", "kind_from", "scope_from")


class RawFolderMissing(FileNotFoundError):
    """The raw folder is not there (a typo, an unmounted disk): building from it would replace
    every analyst's warehouse with an empty one, so nothing is built."""


class RawFolderUnreadable(PermissionError):
    """A folder or file under the raw folder cannot be read: building without it would drop
    its documents from the warehouse without a word, so nothing is built."""


class NotAWarehouse(RuntimeError):
    """The warehouse path holds something that is not a gongkai warehouse (a folder, another
    DuckDB database, any other file): a build would replace it, so nothing is built."""


class WouldEmptyWarehouse(RuntimeError):
    """The raw folder holds almost nothing where the warehouse holds documents (a wrong or
    half-copied folder): the build would replace them with almost nothing, so it is refused
    unless asked for."""


def loaded_documents(warehouse: Path) -> int:
    """How many loaded documents the warehouse holds now (0 where there is no warehouse yet, or
    where a client holds it open for writing and it cannot be counted: a build replaces the
    file without disturbing that client, as before); `NotAWarehouse` where the path holds
    anything else, which a build must not replace."""
    if not warehouse.exists():
        return 0
    refused = f"nothing was built and {warehouse} is untouched (give another warehouse path)"
    if not warehouse.is_file():
        raise NotAWarehouse(f"{warehouse} is not a file but a folder: {refused}")
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            [(count,)] = connection.execute(
                "SELECT count(DISTINCT document_id) FROM raw_file WHERE status = 'loaded'"
            ).fetchall()
    except duckdb.CatalogException:
        raise NotAWarehouse(
            f"{warehouse} is a DuckDB database but not a gongkai warehouse: {refused}"
        ) from None
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        if "Could not set lock" in reason:
            return 0
        raise NotAWarehouse(
            f"{warehouse} cannot be opened as a gongkai warehouse ({reason}): {refused}"
        ) from None
    return count


def refuse_emptying(
    inventory: pl.DataFrame, raw_dir: Path, warehouse: Path, allow_shrink: bool = False
) -> None:
    """Raise `NotAWarehouse` when the warehouse path holds anything but a gongkai warehouse,
    and, unless `allow_shrink`, `WouldEmptyWarehouse` when the raw folder holds fewer files
    than a tenth of the documents the warehouse holds (none at all included)."""
    held = loaded_documents(warehouse)
    if not allow_shrink and held and inventory.height * 10 < held:
        raise WouldEmptyWarehouse(
            f"{raw_dir} holds {inventory.height} files and {warehouse} {held} loaded "
            "documents: the build would replace them with almost nothing, so nothing was built "
            "and the warehouse is untouched (to build it anyway: gongkai build --allow-shrink, "
            "or allow_shrink: true in the Dagster run's paths config)"
        )


def terminal_progress(stream: TextIO) -> Callable[[int, int, str], None] | None:
    """A one-line progress bar on `stream` as files are read, when it is a terminal: a first
    build of many PDFs takes minutes (None where nobody watches)."""
    if not stream.isatty():
        return None

    def progress(number: int, total: int, source_file: str) -> None:
        filled = int(30 * number / max(total, 1))
        bar = "#" * filled + "." * (30 - filled)
        stream.write(f"\r[{bar}] {number}/{total} {source_file[:40]:<40}")
        if number == total:
            stream.write("\n")
        stream.flush()

    return progress


def raw_files(raw_dir: Path) -> list[Path]:
    """Every file under the raw folder, in a stable order (hidden ones included: every file
    is accounted for). Symbolic links are followed, a folder reached twice (a link back up
    the tree, two links to one place) read once, under its first path; a link to nothing is
    a file that cannot be read."""
    if not raw_dir.is_dir():
        raise RawFolderMissing(
            f"no raw folder at {raw_dir}: nothing was built and the warehouse is untouched"
        )
    files = []
    seen: set[tuple[int, int]] = set()

    def unreadable(error: OSError) -> None:
        raise _unreadable(error.filename, error) from None

    for folder, folders, names in os.walk(raw_dir, onerror=unreadable, followlinks=True):
        status = os.stat(folder)
        if (status.st_dev, status.st_ino) in seen:
            folders.clear()
            continue
        seen.add((status.st_dev, status.st_ino))
        folders.sort()
        for name in names:
            path = Path(folder) / name
            if not path.exists():
                error = FileNotFoundError(errno.ENOENT, "a link to nothing", str(path))
                raise _unreadable(f"{path} (a link to {os.readlink(path)})", error)
            if path.is_file():
                files.append(path)
    return sorted(files)


def _unreadable(path: Path | str, error: OSError) -> RawFolderUnreadable:
    return RawFolderUnreadable(
        f"cannot read {path} ({error.strerror}): nothing was built and the warehouse is untouched"
    )


def is_hidden(source_file: str) -> bool:
    return any(part.startswith(".") for part in source_file.split("/"))


def inventory_raw_files(raw_dir: Path) -> pl.DataFrame:
    """One row per raw file: its path relative to the raw folder, content hash and size."""
    rows = []
    for path in raw_files(raw_dir):
        try:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError as error:
            raise _unreadable(path, error) from None
        rows.append(
            {
                "source_file": path.relative_to(raw_dir).as_posix(),
                "sha256": digest,
                "size_bytes": path.stat().st_size,
            }
        )
    return pl.DataFrame(rows, schema=INVENTORY_SCHEMA)


def _document_row(result: DocumentResult, counts: dict[str, tuple[int, int]]) -> dict:
    metadata = result.metadata
    tables_found, fact_count = counts.get(result.document_id, (0, 0))
    return {
        "source_file": result.source_file,
        "sha256": result.sha256,
        "size_bytes": result.size_bytes,
        "format": result.format,
        "encoding": result.encoding,
        "document_id": result.document_id,
        "status": result.status,
        "reason": result.reason,
        "template": result.template,
        "kind": metadata.kind if metadata else None,
        "scope": metadata.scope if metadata else None,
        "fiscal_year": metadata.fiscal_year if metadata else None,
        "department": metadata.department if metadata else None,
        "printed_department": metadata.printed_department if metadata else None,
        "department_id": (
            department_id(metadata.department, metadata.division_code)
            if metadata and metadata.department
            else None
        ),
        "region": metadata.region if metadata else None,
        "province": metadata.province if metadata else None,
        "region_level": metadata.region_level if metadata else None,
        "division_code": metadata.division_code if metadata else None,
        "admin_level": metadata.admin_level if metadata else None,
        "unit": metadata.unit if metadata else None,
        "published_date": metadata.published_date if metadata else None,
        "part": (NARRATIVE_ONLY if result.template is None else "complete")
        if result.status == "loaded"
        else None,
        **{name: getattr(metadata, name) if metadata else None for name in IDENTITY_SOURCES},
        "tables_found": tables_found,
        "fact_count": fact_count,
        "warning_count": len(result.warnings),
    }


def _unread(
    source_file: str, sha256: str, size_bytes: int, status: str, reason: str, file_format: str
) -> DocumentResult:
    return DocumentResult(
        source_file=source_file,
        sha256=sha256,
        size_bytes=size_bytes,
        format=file_format,
        status=status,
        reason=reason,
    )


def _extract(
    raw_dir: Path, source_file: str, sha256: str, size_bytes: int, seconds: float | None
) -> DocumentResult:
    """One file's result; a failure at one of its stages (its time limit passed included)
    quarantines it, naming the stage, while a failure of the machine stops the build."""
    try:
        return extract_file(raw_dir / source_file, raw_dir, seconds)
    except StageFailed as failure:
        reason = failure.reason
    except Exception as error:
        if is_machine_failure(error):
            raise
        reason = describe("read", error)
    return _unread(source_file, sha256, size_bytes, "quarantined", reason, "unknown")


def _read_in_processes(
    raw_dir: Path, files: list[tuple[int, str, str, int]], workers: int, seconds: float | None
) -> Iterator[tuple[int, DocumentResult]]:
    """Each file's result as it arrives, read across `workers` processes. A file whose
    reading process dies (a crash in compiled code, the kernel's memory killer) takes the pool
    with it: the files the pool had not finished are read again in one process, in order, so
    the first that does not come back is the one that killed it — quarantined, the rest read
    on."""
    broken = []
    with process_pool(workers) as pool:
        futures = {pool.submit(_extract, raw_dir, *file[1:], seconds): file for file in files}
        for future in as_completed(futures):
            try:
                yield futures[future][0], future.result()
            except BrokenProcessPool:
                broken.append(futures[future])
    broken.sort()
    while broken:
        with process_pool(1) as alone:
            futures = [
                (file, alone.submit(_extract, raw_dir, *file[1:], seconds)) for file in broken
            ]
            left = []
            for file, future in futures:
                try:
                    yield file[0], future.result()
                except BrokenProcessPool:
                    left.append(file)
        if left:
            index, source_file, sha256, size_bytes = left[0]
            yield (
                index,
                _unread(
                    source_file,
                    sha256,
                    size_bytes,
                    "quarantined",
                    "read: the process reading it died (a crash or the memory limit) before it was "
                    "read",
                    "unknown",
                ),
            )
        broken = left[1:]


@cache
def parser_version() -> str:
    """A hash of the code and reference data extraction depends on: when any of it changes,
    every file is read again."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".sql", ".toml"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class ExtractionCache:
    """Extraction results by content hash, for one parser version: an unchanged file is not
    read again. The files are the pipeline's own pickles in its staging folder."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "cache" / parser_version()

    def get(self, sha256: str, source_file: str) -> DocumentResult | None:
        path = self.folder / f"{sha256}.pickle"
        if not path.exists():
            return None
        try:
            result = pickle.loads(path.read_bytes())
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        result.source_file = source_file
        for kind in PART_FRAMES:
            frame = getattr(result, kind).with_columns(pl.lit(source_file).alias("source_file"))
            setattr(result, kind, frame)
        return result

    def prune(self) -> None:
        """Remove the entries of other parser versions: they are never read again."""
        for folder in self.folder.parent.glob("*"):
            if folder.is_dir() and folder != self.folder:
                shutil.rmtree(folder, ignore_errors=True)

    def put(self, result: DocumentResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{result.sha256}.part"
        try:
            partial.write_bytes(pickle.dumps(result))
            partial.replace(self.folder / f"{result.sha256}.pickle")
        finally:
            partial.unlink(missing_ok=True)


FRAME_SCHEMAS = {
    "facts": FACT_SCHEMA,
    "tables": TABLE_SCHEMA,
    "codes": CODE_SCHEMA,
    "projects": PROJECT_SCHEMA,
    "indicators": INDICATOR_SCHEMA,
    "claims": CLAIM_SCHEMA,
    "profile": PROFILE_SCHEMA,
    "passages": PASSAGE_SCHEMA,
    "text_tables": TEXT_TABLE_SCHEMA,
}
# what a text part lends the tables document it joins: its narrative, profile and outline
PART_FRAMES = ("claims", "profile", "passages")
NUMBERED = {"claims": "claim_no", "passages": "passage_no"}  # numbered in reading order
EMPTY_FRAMES = {kind: pl.DataFrame(schema=schema) for kind, schema in FRAME_SCHEMAS.items()}
COMPACT_EVERY = 200  # documents whose frames are concatenated at a time


def staged_frame_paths(staging: Staging) -> dict[str, Path]:
    """Where each kind of frame of the loaded documents is staged."""
    return {
        "facts": staging.document_facts,
        "tables": staging.tables,
        "codes": staging.codes,
        "projects": staging.projects,
        "indicators": staging.indicators,
        "claims": staging.claims,
        "profile": staging.profile,
        "passages": staging.passages,
        "text_tables": staging.text_tables,
    }


class StagedFrames:
    """Every document's frames of a run, one file set per kind in a folder of staging. A
    document's own small frames cost several times the memory of their rows, and a run's rows
    may not fit in memory at all, so each result's frames move here as the result arrives and
    are written out in batches."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.files: dict[str, list[Path]] = {kind: [] for kind in FRAME_SCHEMAS}
        self.pending: dict[str, list[pl.DataFrame]] = {kind: [] for kind in FRAME_SCHEMAS}
        self.counts: dict[str, tuple[int, int]] = {}  # document id: (tables found, facts)

    def take(self, result: DocumentResult) -> None:
        self.counts[result.document_id] = (
            sum(status not in ("missing", "unread") for status in result.tables["status"]),
            result.facts.height,
        )
        for kind in FRAME_SCHEMAS:
            self.pending[kind].append(getattr(result, kind))
            setattr(result, kind, EMPTY_FRAMES[kind])
        if len(self.pending["facts"]) >= COMPACT_EVERY:
            self._write()

    def _write(self) -> None:
        for kind, frames in self.pending.items():
            if frames:
                path = self.folder / f"{kind}-{len(self.files[kind]):05d}.parquet"
                pl.concat(frames).write_parquet(path)
                self.files[kind].append(path)
                self.pending[kind] = []

    def scan(self, kind: str) -> pl.LazyFrame:
        self._write()
        return pl.concat(
            [EMPTY_FRAMES[kind].lazy(), *(pl.scan_parquet(path) for path in self.files[kind])]
        )

    def add_staged(self, kind: str, staged: Path, owners: pl.DataFrame) -> None:
        """The last run's staged rows of some documents (`owners`: document_id, source_file),
        as one more batch; a text part's frames only those read from the document's own file
        (a joined text part lends its own, again, this run)."""
        on = ["document_id", "source_file"] if kind in PART_FRAMES else ["document_id"]
        path = self.folder / f"{kind}-staged.parquet"
        pl.scan_parquet(staged).join(owners.lazy().select(on), on=on, how="semi").sink_parquet(path)
        self.files[kind].append(path)

    def join_parts(self, joins: list[tuple[str, str]]) -> None:
        """Text parts' claims, profile and outline moved to the documents they join, (part,
        tables) in order: a part's claims and passages are numbered after those the tables
        document already has."""
        if not joins:
            return
        for kind in PART_FRAMES:
            number = NUMBERED.get(kind)
            counts = dict(self.scan(kind).group_by("document_id").len().collect().iter_rows())
            rows = []
            for part, tables in joins:
                offset = counts.get(tables, 0)
                counts[tables] = offset + counts.get(part, 0)
                rows.append((part, tables, offset))
            moves = pl.DataFrame(
                rows,
                schema={"document_id": pl.String, "joined_to": pl.String, "offset": pl.Int32},
                orient="row",
            )
            keyed = [pl.coalesce("joined_to", "document_id").alias("document_id")]
            if number:
                keyed.append((pl.col(number) + pl.col("offset").fill_null(0)).cast(pl.Int32))
            path = self.folder / f"{kind}-joined.parquet"
            self.scan(kind).join(moves.lazy(), on="document_id", how="left").with_columns(
                keyed
            ).drop("joined_to", "offset").sink_parquet(path)
            self.files[kind] = [path]

    def write(self, kind: str, path: Path, document_ids: list[str]) -> None:
        """The frames of some documents (the loaded ones) staged in one file."""
        self.scan(kind).filter(pl.col("document_id").is_in(document_ids)).sink_parquet(path)


def extract_files(
    raw_dir: Path,
    pending: list[tuple[int, str, str, int]],
    workers: int,
    cache: ExtractionCache,
    progress,
    frames: StagedFrames | None = None,
    seconds: float | None = DEFAULT_DOCUMENT_SECONDS,
) -> dict[int, DocumentResult]:
    """Each pending file's result: from the cache, or read in parallel across `workers`
    processes, each file within `seconds`, and put in the cache (a shard step on a cluster
    worker calls this too). With `frames`, each result's frames move there as it arrives."""
    found: dict[int, DocumentResult] = {}
    missing = []

    def arrived(index: int, result: DocumentResult, new: bool) -> None:
        if new and result.status in ("loaded", TEXT_PART):
            cache.put(result)
        if frames is not None:
            frames.take(result)
        found[index] = result

    with ThreadPoolExecutor(max_workers=max(workers, 1)) as threads:  # decoding frees the GIL
        cached = threads.map(lambda file: cache.get(file[2], file[1]), pending)
        for (index, source_file, sha256, size_bytes), result in zip(pending, cached, strict=True):
            if result is not None:
                arrived(index, result, new=False)
            else:
                missing.append((index, source_file, sha256, size_bytes))
    done = len(found)
    if workers > 1 and len(missing) > 1:
        results = _read_in_processes(raw_dir, missing, workers, seconds)
    else:
        results = ((file[0], _extract(raw_dir, *file[1:], seconds)) for file in missing)
    for index, result in results:
        arrived(index, result, new=True)
        done += 1
        if progress:
            progress(done, len(pending), result.source_file)
    return found


def join_text_parts(results: list[DocumentResult], frames: StagedFrames) -> None:
    """A disclosure published as a text file and a tables file is one document: each text part
    lends its narrative and profile to the loaded file of the same department, year and kind
    (the same scope preferred) and is marked `joined`; a part with no such file is quarantined.
    A tables file that does not say its scope takes the one its text part prints (江苏省政协
    办公厅 2019: 部门预算 on the text part's cover, none on the tables').

    Where the tables file names no department (no cover, no caption naming it), the part joins
    it by evidence (`_joined_by_evidence`): the same total, year and kind, and a shared name;
    the tables file then takes the text part's department."""
    joins: list[tuple[str, str]] = []
    loaded: dict[tuple, list[DocumentResult]] = {}
    for result in results:
        meta = result.metadata
        if result.status == "loaded" and meta:
            loaded.setdefault((meta.department, meta.fiscal_year, meta.kind), []).append(result)
    for part in (result for result in results if result.status == TEXT_PART):
        meta = part.metadata
        candidates = loaded.get((meta.department, meta.fiscal_year, meta.kind), [])
        evidence = None
        if not candidates and (found := _joined_by_evidence(part, results, frames)):
            tables, evidence = found
            candidates = [tables]
            tables.metadata = replace(
                tables.metadata,
                **{
                    name: getattr(meta, name)
                    for name in ("department", "printed_department", "region", "province")
                    + ("region_level", "division_code", "admin_level")
                },
                department_from="text_part",
            )
        if not candidates:
            passages = frames.scan("passages").filter(pl.col("document_id") == part.document_id)
            part.status = "loaded"
            part.reason = narrative_only_reason(
                passages.collect(), f"{meta.department} {meta.fiscal_year} {meta.kind}"
            )
            continue
        tables = max(candidates, key=lambda r: (r.metadata.scope == meta.scope, r.source_file))
        joins.append((part.document_id, tables.document_id))
        if tables.metadata.scope is None and meta.scope:
            tables.metadata = replace(tables.metadata, scope=meta.scope, scope_from="text_part")
        part.status = "joined"
        part.reason = (
            f"the text part of {tables.source_file}: its narrative is read with that file's "
            "tables as one document" + (f" ({evidence})" if evidence else "")
        )
    frames.join_parts(joins)


# words a file's name ends in that tell its part of a disclosure, not which disclosure it is
PART_WORDS = re.compile(
    r"[\s_\-—.]*(?:text|tables?|正文|文字|说明|公开表|表格|附表|报表|部分)?$", re.IGNORECASE
)


def _name_stem(source_file: str) -> str:
    """A file's name without its extension and the word naming its part (_text, _tables,
    公开表): what two parts of one disclosure share."""
    return PART_WORDS.sub("", Path(source_file).stem)


def _joined_by_evidence(
    part: DocumentResult, results: list[DocumentResult], frames: StagedFrames
) -> tuple[DocumentResult, str] | None:
    """The loaded tables file a text part belongs to where that file names no department: the
    one of the same year and kind (where it says them) whose name shares the part's stem and
    whose tables print, as a total, the largest figure the narrative states (its 收支总预算),
    with the evidence in words; None where not exactly one file is such."""
    meta = part.metadata
    stem = _name_stem(part.source_file)
    nameless = [
        result
        for result in results
        if result.status == "loaded"
        and result.metadata
        and not plausible_department(result.metadata.printed_department)
        and result.metadata.fiscal_year in (None, meta.fiscal_year)
        and result.metadata.kind in (None, meta.kind)
        and stem
        and _name_stem(result.source_file) == stem
    ]
    if not nameless:
        return None
    stated = (
        frames.scan("claims")
        .filter(pl.col("document_id") == part.document_id)
        .select(pl.col("amount_wan").max())
        .collect()
        .item()
    )
    if stated is None:
        return None
    totals = (
        frames.scan("facts")
        .filter(
            pl.col("document_id").is_in([r.document_id for r in nameless])
            & pl.col("is_total")
            & ((pl.col("amount") - stated).abs() < Decimal("0.005"))
        )
        .select("document_id")
        .unique()
        .collect()["document_id"]
        .to_list()
    )
    if len(totals) != 1:
        return None
    tables = next(r for r in nameless if r.document_id == totals[0])
    return tables, (
        f"joined by evidence: it names no department, and prints {stated.normalize():f} 万元 as "
        f"a total as this part's narrative does, of {meta.fiscal_year} {meta.kind}, under the "
        f"same name {stem}"
    )


def mark_superseded(results: list[DocumentResult]) -> None:
    """Of several loaded versions of one disclosure, keep the newest — latest printed date,
    then latest path — and mark the others, each naming the version kept and the evidence.

    Versions of one disclosure have the same department, year, kind, scope and table set, each
    read from the documents' own words (`DocumentMetadata.identity_read`): a document whose
    department is missing or no plausible name (：部门, read from 第一部分：部门概况), or whose
    department, year or kind only its file's name gives, supersedes nothing and is superseded
    by nothing — it is loaded, since dropping a real disclosure as a copy loses it unsaid."""
    versions: dict[tuple, list[DocumentResult]] = {}
    for result in results:
        meta = result.metadata
        if result.status == "loaded" and meta and meta.identity_read:
            key = (meta.department, meta.fiscal_year, meta.kind, meta.scope, result.template)
            versions.setdefault(key, []).append(result)
    for (department, year, kind, scope, template), group in versions.items():
        group.sort(key=lambda r: (r.metadata.published_date or date.min, r.source_file))
        newest = group[-1]
        kept_date = newest.metadata.published_date
        evidence = (
            f"both print department {department} (as «{newest.metadata.printed_department}», "
            f"read from its {newest.metadata.department_from}), {year} {kind}, scope {scope}, "
            f"and the tables of {template}"
        )
        for older in group[:-1]:
            older.status = "superseded"
            dated = older.metadata.published_date
            if dated == kept_date:
                older.reason = (
                    f"superseded by {newest.source_file}, another version of the same disclosure "
                    f"{f'of the same date ({dated})' if dated else 'also undated'}: of versions "
                    f"equally dated the last by file name is kept; {evidence}"
                )
            else:
                older.reason = (
                    f"superseded by {newest.source_file}, a newer version of the same disclosure "
                    f"(dated {kept_date or 'undated'}; this one {dated or 'undated'}); {evidence}"
                )


def _reuse_staged(
    staging: Staging, pending: list[tuple[int, str, str, int]], frames: StagedFrames
) -> tuple[dict[int, DocumentResult], list[tuple[int, str, str, int]]]:
    """Files the last run loaded from the same path and bytes, with this parser version: their
    results rebuilt from that run's staging (manifest, frames, warnings) in one pass instead of
    unpickled one by one. Returns them by inventory row, and the files still to be read."""
    marker = staging.root / "parser_version"
    if not (
        marker.exists()
        and marker.read_text(encoding="utf-8") == parser_version()
        and staging.documents.exists()
    ):
        return {}, pending
    manifest = pl.read_parquet(staging.documents).filter(pl.col("status") == "loaded")
    if not set(DOCUMENT_SCHEMA) <= set(manifest.columns):
        return {}, pending
    rows = {(row["source_file"], row["sha256"]): row for row in manifest.to_dicts()}
    reused: dict[int, DocumentResult] = {}
    remaining = []
    for index, source_file, sha256, size_bytes in pending:
        row = rows.get((source_file, sha256))
        if row is None:
            remaining.append((index, source_file, sha256, size_bytes))
            continue
        reused[index] = DocumentResult(
            source_file=source_file,
            sha256=sha256,
            size_bytes=size_bytes,
            format=row["format"],
            encoding=row["encoding"],
            reason=row["reason"],
            template=row["template"],
            metadata=DocumentMetadata(
                department=row["department"],
                region=row["region"],
                province=row["province"],
                fiscal_year=row["fiscal_year"],
                kind=row["kind"],
                scope=row["scope"],
                unit=row["unit"],
                published_date=row["published_date"],
                region_level=row["region_level"],
                division_code=row["division_code"],
                admin_level=row["admin_level"],
                printed_department=row["printed_department"],
                **{name: row[name] for name in IDENTITY_SOURCES},
            ),
            **EMPTY_FRAMES,
        )
        frames.counts[reused[index].document_id] = (row["tables_found"], row["fact_count"])
    if not reused:
        return {}, pending
    owners = pl.DataFrame(
        [(r.document_id, r.source_file) for r in reused.values()],
        schema={"document_id": pl.String, "source_file": pl.String},
        orient="row",
    )
    for kind, staged in staged_frame_paths(staging).items():
        frames.add_staged(kind, staged, owners)
    by_document = {result.document_id: result for result in reused.values()}
    warnings = pl.read_parquet(staging.warnings).join(owners, on="document_id", how="semi")
    for item in warnings.to_dicts():
        by_document[item.pop("document_id")].warnings.append(item)
    return reused, remaining


def extract_documents(
    raw_dir: Path,
    inventory: pl.DataFrame,
    staging: Staging,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int = 1,
    seconds: float | None = DEFAULT_DOCUMENT_SECONDS,
) -> pl.DataFrame:
    """Extract every inventoried file into staging, each within `seconds`; returns one row
    per raw file.

    Every file ends in one state: loaded; quarantined (with the stage and reason); not_disclosure
    (a notice, form or web page under a budget's name, with the evidence); duplicate (the
    same bytes as an earlier file); superseded (an older version of a loaded disclosure);
    or ignored (a hidden file). Only loaded documents contribute facts. Files whose bytes were
    read before by this parser version come from the cache; the rest are read across `workers`
    processes.
    """
    results: list[DocumentResult | None] = []
    first_seen: dict[str, str] = {}
    pending = []
    for index, (source_file, sha256, size_bytes) in enumerate(inventory.iter_rows()):
        result = None
        if is_hidden(source_file):
            result = _unread(
                source_file,
                sha256,
                size_bytes,
                "ignored",
                "hidden file (its name starts with '.'): not a disclosure",
                "hidden",
            )
        elif sha256 in first_seen:
            result = _unread(
                source_file,
                sha256,
                size_bytes,
                "duplicate",
                f"same content as {first_seen[sha256]}",
                "duplicate",
            )
        elif size_bytes > max_bytes:
            result = _unread(
                source_file,
                sha256,
                size_bytes,
                "quarantined",
                f"read: the file is {size_bytes:,} bytes, over the limit of {max_bytes:,}",
                "unknown",
            )
        else:
            first_seen[sha256] = source_file
            pending.append((index, source_file, sha256, size_bytes))
        results.append(result)
    frames = StagedFrames(staging.root / "frames")
    cache = ExtractionCache(staging.root)
    reused, pending = _reuse_staged(staging, pending, frames)
    extracted = {
        **reused,
        **extract_files(raw_dir, pending, workers, cache, progress, frames, seconds),
    }
    cache.prune()
    results = [result or extracted[index] for index, result in enumerate(results)]
    join_text_parts(results, frames)
    mark_superseded(results)
    loaded = [result for result in results if result.status == "loaded"]
    manifest = pl.DataFrame(
        [_document_row(r, frames.counts) for r in results], schema=DOCUMENT_SCHEMA
    )
    manifest.write_parquet(staging.documents)
    loaded_ids = [result.document_id for result in loaded]
    for kind, path in staged_frame_paths(staging).items():
        frames.write(kind, path, loaded_ids)
    shutil.rmtree(frames.folder)
    pl.concat(
        [pl.DataFrame(schema=WARNING_SCHEMA), *(r.warnings_frame for r in loaded)]
    ).write_parquet(staging.warnings)
    (staging.root / "parser_version").write_text(parser_version(), encoding="utf-8")
    return manifest


def combine_facts(staging: Staging) -> pl.DataFrame:
    """All documents' facts as one Parquet file (and frame), in a deterministic order."""
    facts = pl.read_parquet(staging.document_facts).sort(
        "document_id", "table_no", "source_row", "source_column", maintain_order=True
    )
    facts.write_parquet(staging.facts)
    return facts


def checks_version() -> str:
    """What a check's verdict depends on besides the document: the pipeline's code and
    reference data, the suites, and the polars version that hashes the inputs."""
    digest = hashlib.sha256(f"{parser_version()}|{pl.__version__}".encode())
    for suite in sorted(SUITES_DIR.glob("*.json")):
        digest.update(suite.read_bytes())
    return digest.hexdigest()[:16]


JUDGED_SCHEMA = {**COMPARISON_SCHEMA, **RESULT_SCHEMA}
VERDICT_SCHEMA = {**JUDGED_SCHEMA, "input_key": pl.String}
CHECK_PART = 250  # documents a check process compares and judges at a time


def _check_part(
    staging_root: Path, document_ids: list[str], out: Path, seconds: float | None
) -> dict[str, str]:
    """Some documents compared and judged, their verdicts written to `out`: each part is read
    from staging on its own, so no process holds every document's rows at once. Where the part
    raises or passes `seconds`, its documents are judged again one by one: one that raises, or
    passes `seconds`, alone is returned with its reason (stage `check`), the others' verdicts
    are written as the part would have given them."""
    from expectations.runner import judge

    staging = Staging(staging_root)
    failures: dict[str, str] = {}
    try:
        with time_limit(seconds) as deadline, deadline.stage("check"):
            judged = judge_all(QualityInput.from_staging(staging, document_ids), judge)
    except StageFailed:
        alone = []
        for document_id in document_ids:
            try:
                with time_limit(seconds) as deadline, deadline.stage("check"):
                    data = QualityInput.from_staging(staging, [document_id])
                    alone.append(judge_all(data, judge))
            except StageFailed as failure:
                failures[document_id] = failure.reason
        judged = pl.concat(alone) if alone else pl.DataFrame(schema=JUDGED_SCHEMA)
    keys = pl.read_parquet(staging.input_keys)
    judged.join(keys, on="document_id", how="left").select(list(VERDICT_SCHEMA)).write_parquet(out)
    return failures


def _check_parts(
    staging: Staging, document_ids: list[str], workers: int, seconds: float | None
) -> tuple[list[Path], dict[str, str]]:
    """The documents' verdicts in part files, across `workers` processes where there are
    enough documents to pay for starting them, and the documents that failed their checks
    with the reason. A part whose process died is checked again in this one."""
    folder = staging.root / "checks"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ids = sorted(document_ids)
    parts = [ids[start : start + CHECK_PART] for start in range(0, len(ids), CHECK_PART)]
    outs = [folder / f"part-{number:05d}.parquet" for number in range(len(parts))]
    failures: dict[str, str] = {}
    todo = list(zip(parts, outs, strict=True))
    # a daemon process (a dask worker) may not start processes: it checks in its own
    if workers > 1 and len(parts) > 1 and not current_process().daemon:
        with process_pool(workers) as pool:
            futures = [
                (part, out, pool.submit(_check_part, staging.root, part, out, seconds))
                for part, out in todo
            ]
            todo = []
            for part, out, future in futures:
                try:
                    failures.update(future.result())
                except BrokenProcessPool:
                    todo.append((part, out))
    for part, out in todo:
        failures.update(_check_part(staging.root, part, out, seconds))
    return outs, failures


def check_quality(
    staging: Staging, workers: int = 1, seconds: float | None = DEFAULT_DOCUMENT_SECONDS
) -> pl.LazyFrame:
    """Run every rule family over the staged run and stage the verdicts (returned as a scan).

    Rules read one document at a time, so a document whose checked inputs are unchanged since
    the last run (same input key) keeps that run's verdicts; only the others are compared and
    judged, a part at a time, and Great Expectations is imported only when there are such
    documents. A document whose checks raise, or take over `seconds`, is quarantined naming
    the stage and the exception (`Staging.quarantine`); the others are checked as ever."""
    keys = input_keys(staged_scans(staging), checks_version())
    keys.write_parquet(staging.input_keys)
    sources: list[pl.LazyFrame] = [pl.LazyFrame(schema=VERDICT_SCHEMA)]
    reused = pl.DataFrame(schema={"document_id": pl.String})
    if staging.dq_results.exists():
        previous = pl.scan_parquet(staging.dq_results)
        if previous.collect_schema().names() == list(VERDICT_SCHEMA):
            kept = previous.join(keys.lazy(), on=["document_id", "input_key"], how="semi")
            staged = staging.root / "dq_results.kept.parquet"
            kept.sink_parquet(staged)
            sources.append(pl.scan_parquet(staged))
            reused = pl.scan_parquet(staged).select("document_id").unique().collect()
    todo = keys.join(reused, on="document_id", how="anti")["document_id"].to_list()
    if todo:
        outs, failures = _check_parts(staging, todo, workers, seconds)
        sources += [pl.scan_parquet(out) for out in outs]
        staging.quarantine(failures)
    building = staging.root / "dq_results.building.parquet"
    pl.concat(sources).sink_parquet(building)
    building.replace(staging.dq_results)
    (staging.root / "dq_results.kept.parquet").unlink(missing_ok=True)
    return pl.scan_parquet(staging.dq_results)


@dataclass(frozen=True)
class BuildSummary:
    raw_files: int
    warehouse: WarehouseSummary
    stage_seconds: dict[str, float]  # wall time of each stage, in order

    def __str__(self) -> str:
        return str(self.warehouse)


def build(
    raw_dir: Path,
    warehouse: Path,
    staging_root: Path | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[int, int, str], None] | None = None,
    workers: int = DEFAULT_WORKERS,
    allow_shrink: bool = False,
    wait: bool = True,
    waiting: Callable[[str], None] | None = None,
    seconds: float | None = DEFAULT_DOCUMENT_SECONDS,
) -> BuildSummary:
    """Run every stage on a raw folder into a warehouse file; `progress` hears of each file.

    The build holds the warehouse's lock throughout (`wait`, `waiting`: see `build_lock`) and
    refuses a raw folder that would all but empty the warehouse unless `allow_shrink`. A
    document may take `seconds` to read and as long to check."""
    staging = Staging(staging_root) if staging_root else Staging.of(warehouse)
    took: dict[str, float] = {}

    def timed(stage: str, function, *args):
        started = time.perf_counter()
        value = function(*args)
        took[stage] = time.perf_counter() - started
        return value

    with build_lock(warehouse, wait, waiting), staging.transient_removed_on_failure():
        inventory = timed("inventory", inventory_raw_files, raw_dir)
        refuse_emptying(inventory, raw_dir, warehouse, allow_shrink)
        staging.root.mkdir(parents=True, exist_ok=True)
        inventory.write_parquet(staging.inventory)
        timed(
            "extract",
            extract_documents,
            raw_dir,
            inventory,
            staging,
            max_bytes,
            progress,
            workers,
            seconds,
        )
        timed("combine", combine_facts, staging)
        timed("check", check_quality, staging, workers, seconds)
        loaded = timed("load", load_warehouse, staging, warehouse)
    return BuildSummary(inventory.height, loaded, took)
