"""One bad document never stops a build: an exception raised for one document at any stage —
reading, recognising, the narrative, facts, checks, the load's derivations — quarantines that
document naming the stage, the exception and where it was raised, and every other document
loads exactly as it would have."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

import pipelines.extract as extract_module
import pipelines.quality as quality_module
from pipelines.build import build
from pipelines.synth import generate

from .conftest import SEEDS

TARGET = "2020_yusuan_xinjiang-kezhou_zhengfu-bangongshi.txt"  # the document that fails
TARGET_ID = extract_module.document_id_of(
    __import__("hashlib").sha256(SEEDS["000"].read_bytes()).hexdigest()
)


class Injected(RuntimeError):
    """The fault put into one stage for one document."""


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """The two seeds and six synthetic disclosures."""
    folder = tmp_path_factory.mktemp("raw")
    for path in SEEDS.values():
        shutil.copy(path, folder / path.name)
    generate(6, folder / "synth", error_rate=0.5, seed=11)
    return folder


@pytest.fixture(scope="module")
def clean(raw, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("clean") / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    return warehouse


def document_rows(warehouse: Path, without: str) -> dict[str, list[tuple]]:
    """Every table's rows of every document but one, in a fixed order."""
    rows = {}
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = "
                "'document_id' AND NOT internal AND table_name NOT LIKE 'v\\_%' ESCAPE '\\'"
            ).fetchall()
        ]
        for table in sorted(tables):
            found = connection.execute(
                f"SELECT * FROM {table} WHERE document_id IS DISTINCT FROM ?", [without]
            ).fetchall()
            rows[table] = sorted(found, key=repr)
    return rows


def failing_for_target(function, is_target):
    def injected(*args, **kwargs):
        if is_target(*args, **kwargs):
            raise Injected("injected for the test")
        return function(*args, **kwargs)

    return injected


def inject(stage: str, monkeypatch) -> None:
    """A fault at `stage` for the target document alone."""
    if stage == "read":
        original = extract_module.read_document
        monkeypatch.setattr(
            extract_module,
            "read_document",
            failing_for_target(original, lambda data, source: source == TARGET),
        )
    elif stage == "recognise":
        original = extract_module._choose_template
        monkeypatch.setattr(
            extract_module,
            "_choose_template",
            failing_for_target(original, lambda document: document.source == TARGET),
        )
    elif stage == "narrative":
        original = extract_module.extract_claims
        monkeypatch.setattr(
            extract_module,
            "extract_claims",
            failing_for_target(original, lambda document, department: document.source == TARGET),
        )
    elif stage == "facts":
        original = extract_module.table_facts
        monkeypatch.setattr(
            extract_module,
            "table_facts",
            failing_for_target(original, lambda table, document_id, *_: document_id == TARGET_ID),
        )
    elif stage == "check":
        original = quality_module.within_table_comparisons
        monkeypatch.setattr(
            quality_module,
            "within_table_comparisons",
            failing_for_target(original, lambda facts: TARGET_ID in facts["document_id"]),
        )
    elif stage == "load":
        # its profile names 编制数 twice, which the load's per-document figures cannot take:
        # "More than one row returned by a subquery used as an expression"
        original = extract_module.profile_frame

        def twice(document, document_id):
            frame = original(document, document_id)
            return pl.concat([frame, frame]) if document_id == TARGET_ID else frame

        monkeypatch.setattr(extract_module, "profile_frame", twice)


@pytest.mark.parametrize("stage", ["read", "recognise", "narrative", "facts", "check", "load"])
def test_a_fault_at_one_stage_quarantines_that_document_alone(
    stage, raw, clean, tmp_path, monkeypatch
) -> None:
    inject(stage, monkeypatch)
    warehouse = tmp_path / "gongkai.duckdb"
    summary = build(raw, warehouse, workers=1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        status, reason = connection.execute(
            "SELECT status, reason FROM v_documents WHERE path = ?", [TARGET]
        ).fetchone()
        others = connection.execute(
            "SELECT count(*) FROM v_documents WHERE path != ? AND status = 'loaded'", [TARGET]
        ).fetchone()[0]
    assert status == "quarantined"
    assert reason.startswith(f"{stage}: ")
    if stage == "load":
        assert "More than one row returned by a subquery" in reason
    else:
        assert "Injected: injected for the test (at " in reason
    assert others == 7
    assert f"1 quarantined ({stage} 1)" in str(summary)
    assert document_rows(warehouse, TARGET_ID) == document_rows(clean, TARGET_ID)


@pytest.mark.parametrize(
    ("stage", "module", "name"),
    [
        ("facts", extract_module, "_read_tables"),
        ("check", quality_module, "within_table_comparisons"),
    ],
)
def test_a_document_over_the_time_limit_is_quarantined_as_too_slow(
    stage, module, name, raw, clean, tmp_path, monkeypatch
) -> None:
    """A document that would take a minute at one stage is stopped at the limit (5 s here),
    quarantined naming the stage; the others load as ever."""
    import time

    original = getattr(module, name)

    def slow(*args, **kwargs):
        target = args[0].document_id if stage == "facts" else args[0]["document_id"]
        if TARGET_ID in (target if stage == "check" else [target]):
            time.sleep(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)
    warehouse = tmp_path / "gongkai.duckdb"
    started = time.monotonic()
    build(raw, warehouse, workers=1, seconds=5)
    assert time.monotonic() - started < 50
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        reason = connection.execute(
            "SELECT reason FROM v_documents WHERE path = ? AND status = 'quarantined'", [TARGET]
        ).fetchone()[0]
    assert (
        reason
        == f"{stage}: too slow: over the limit of 5 s per document (GONGKAI_DOCUMENT_SECONDS)"
    )
    assert document_rows(warehouse, TARGET_ID) == document_rows(clean, TARGET_ID)


SHARED_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
STAGES = ("read", "recognise", "narrative", "facts", "check", "load")


@pytest.mark.corpus
@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_the_shared_corpus_with_a_fault_at_every_stage_builds_and_quarantines_those_alone(
    tmp_path, monkeypatch
) -> None:
    """Every file of ../shared/corpus and six synthetic disclosures, one fault at each stage
    in one of them: the build completes, each faulty one is quarantined naming its stage, and
    every other document's rows are those of the build without faults."""
    raw = tmp_path / "raw"
    shutil.copytree(SHARED_CORPUS, raw)
    generate(len(STAGES), raw / "synthetic", error_rate=0.0, seed=5)
    clean = tmp_path / "clean" / "gongkai.duckdb"
    build(raw, clean, workers=1)
    files = sorted((raw / "synthetic").glob("*.txt"))
    faulty = {
        stage: (
            f"synthetic/{path.name}",
            extract_module.document_id_of(
                __import__("hashlib").sha256(path.read_bytes()).hexdigest()
            ),
        )
        for stage, path in zip(STAGES, files, strict=True)
    }
    names = {name for name, _ in faulty.values()}
    ids = {document_id: stage for stage, (_, document_id) in faulty.items()}

    def at(stage: str):
        return faulty[stage]

    original_read = extract_module.read_document
    monkeypatch.setattr(
        extract_module,
        "read_document",
        failing_for_target(original_read, lambda data, source: source == at("read")[0]),
    )
    original_choose = extract_module._choose_template
    monkeypatch.setattr(
        extract_module,
        "_choose_template",
        failing_for_target(original_choose, lambda document: document.source == at("recognise")[0]),
    )
    original_claims = extract_module.extract_claims
    monkeypatch.setattr(
        extract_module,
        "extract_claims",
        failing_for_target(
            original_claims, lambda document, _: document.source == at("narrative")[0]
        ),
    )
    original_facts = extract_module.table_facts
    monkeypatch.setattr(
        extract_module,
        "table_facts",
        failing_for_target(
            original_facts, lambda table, document_id, *_: document_id == at("facts")[1]
        ),
    )
    original_sums = quality_module.within_table_comparisons
    monkeypatch.setattr(
        quality_module,
        "within_table_comparisons",
        failing_for_target(original_sums, lambda facts: at("check")[1] in facts["document_id"]),
    )
    original_profile = extract_module.profile_frame

    def twice(document, document_id):
        frame = original_profile(document, document_id)
        return pl.concat([frame, frame]) if document_id == at("load")[1] else frame

    monkeypatch.setattr(extract_module, "profile_frame", twice)
    warehouse = tmp_path / "faults" / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = dict(
            connection.execute(
                "SELECT path, reason FROM v_documents WHERE status = 'quarantined'"
            ).fetchall()
        )
    for stage, (name, _) in faulty.items():
        assert found[name].startswith(f"{stage}: "), (stage, found[name])
    faultless = set(found) - names
    with duckdb.connect(str(clean), read_only=True) as connection:
        before = {
            path
            for (path,) in connection.execute(
                "SELECT path FROM v_documents WHERE status = 'quarantined'"
            ).fetchall()
        }
    assert faultless == before
    assert without(warehouse, ids) == without(clean, ids)


def without(warehouse: Path, document_ids: dict) -> dict[str, list[tuple]]:
    """Every table's rows but those of some documents."""
    rows = document_rows(warehouse, "")
    return {
        table: [row for row in found if not set(map(str, row)) & set(document_ids)]
        for table, found in rows.items()
    }
