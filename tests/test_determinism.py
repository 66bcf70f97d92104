"""A document's rows depend on its bytes alone: not on the order files are read in, the number
of processes reading them, or what the same process read before. The same folder built with
one process, with two, and in reversed order stages every table identically, row for row.

On the shipped documents in `make test`; on every file of ../shared/corpus in `make eval`
(marked `corpus`: a build of the corpus takes minutes)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import pipelines.build as build_module
from pipelines.build import build
from pipelines.staging import Staging

from .conftest import RAW_DIR

SHARED_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def staged(raw: Path, folder: Path, workers: int, reverse: bool, monkeypatch) -> dict:
    """Every staged table of a build, its rows sorted."""
    if reverse:
        in_order = build_module.raw_files
        monkeypatch.setattr(build_module, "raw_files", lambda path: in_order(path)[::-1])
    warehouse = folder / "gongkai.duckdb"
    build(raw, warehouse, workers=workers)
    monkeypatch.undo()
    tables = {}
    for path in sorted(Staging.of(warehouse).root.glob("*.parquet")):
        frame = pl.read_parquet(path)
        tables[path.name] = frame.sort(frame.columns, nulls_last=True)
    return tables


def assert_same(first: dict, second: dict, what: str) -> None:
    assert sorted(first) == sorted(second)
    for name, frame in first.items():
        other = second[name]
        assert frame.columns == other.columns, (what, name)
        differing = frame.join(other, on=frame.columns, how="anti", nulls_equal=True)
        assert frame.height == other.height and differing.is_empty(), (what, name, differing)


def builds_agree(raw: Path, tmp_path: Path, monkeypatch) -> None:
    one = staged(raw, tmp_path / "one", 1, False, monkeypatch)
    two = staged(raw, tmp_path / "two", 2, False, monkeypatch)
    backwards = staged(raw, tmp_path / "reversed", 1, True, monkeypatch)
    assert_same(one, two, "one process against two")
    assert_same(one, backwards, "in order against reversed")


def test_the_shipped_documents_stage_the_same_rows_whatever_the_order_and_processes(
    tmp_path, monkeypatch
) -> None:
    builds_agree(RAW_DIR, tmp_path, monkeypatch)


@pytest.mark.corpus
@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_the_shared_corpus_stages_the_same_rows_whatever_the_order_and_processes(
    tmp_path, monkeypatch
) -> None:
    builds_agree(SHARED_CORPUS, tmp_path, monkeypatch)
