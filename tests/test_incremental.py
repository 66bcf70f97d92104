"""Incremental and parallel extraction: unchanged files are not read again, a new parser
version reads everything again, and parallel extraction gives the same warehouse."""

from __future__ import annotations

import shutil

import duckdb
import pytest

import pipelines.build as build_module
from pipelines.build import build

from .conftest import CHANGJI, KEZHOU, RAW_DIR

TABLES = ("fact_budget_line", "dq_result", "document_table", "raw_file", "narrative_claim")


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(KEZHOU, folder / KEZHOU.name)
    shutil.copy(CHANGJI, folder / CHANGJI.name)
    return folder


def reads(monkeypatch) -> list[str]:
    """Record the files extraction actually reads."""
    read = []
    original = build_module._extract

    def recording(raw_dir, source_file, sha256, size_bytes, seconds):
        read.append(source_file)
        return original(raw_dir, source_file, sha256, size_bytes, seconds)

    monkeypatch.setattr(build_module, "_extract", recording)
    return read


def test_a_second_run_reads_only_new_files(raw, tmp_path, monkeypatch) -> None:
    warehouse = tmp_path / "w" / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    read = reads(monkeypatch)
    (raw / "copy-under-a-new-name.txt").write_bytes(
        CHANGJI.read_bytes().replace("2020年1月22日".encode(), "2020年2月1日".encode())
    )
    summary = build(raw, warehouse, workers=1)
    assert read == ["copy-under-a-new-name.txt"]
    assert summary.warehouse.documents == 2  # the new version supersedes the old


def test_a_new_parser_version_reads_everything_again(raw, tmp_path, monkeypatch) -> None:
    warehouse = tmp_path / "w" / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    read = reads(monkeypatch)
    monkeypatch.setattr(build_module, "parser_version", lambda: "a-changed-parser")
    build(raw, warehouse, workers=1)
    assert sorted(read) == sorted([KEZHOU.name, CHANGJI.name])


def test_parallel_extraction_gives_the_same_warehouse(raw, tmp_path) -> None:
    exports = []
    for workers in (1, 2):
        warehouse = tmp_path / f"w{workers}" / "gongkai.duckdb"
        build(raw, warehouse, workers=workers)
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            exports.append(
                [connection.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES]
            )
    assert exports[0] == exports[1]


def checked(monkeypatch) -> list[list[str]]:
    """Record the documents each check stage compares."""
    calls = []
    original = build_module.judge_all

    def recording(data, judge):
        calls.append(sorted(data.documents["document_id"].to_list()))
        return original(data, judge)

    monkeypatch.setattr(build_module, "judge_all", recording)
    return calls


def verdicts(warehouse) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("SELECT * FROM dq_result ORDER BY ALL").fetchall()


def test_a_second_run_checks_only_documents_whose_inputs_changed(raw, tmp_path, monkeypatch):
    warehouse = tmp_path / "w" / "gongkai.duckdb"
    first = build(raw, warehouse, workers=1)
    before = verdicts(warehouse)
    calls = checked(monkeypatch)
    build(raw, warehouse, workers=1)
    assert calls == [] and verdicts(warehouse) == before
    shutil.copy(KEZHOU, raw / "kezhou-again.txt")  # a copy: no new document
    (raw / "new.txt").write_text(
        CHANGJI.read_text(encoding="utf-8").replace("昌吉回族自治州", "伊犁哈萨克自治州"),
        encoding="utf-8",
    )
    again = build(raw, warehouse, workers=1)
    assert len(calls) == 1 and len(calls[0]) == 1
    assert again.warehouse.checks > first.warehouse.checks


def test_a_new_checks_version_checks_everything_again(raw, tmp_path, monkeypatch) -> None:
    warehouse = tmp_path / "w" / "gongkai.duckdb"
    build(raw, warehouse, workers=1)
    calls = checked(monkeypatch)
    monkeypatch.setattr(build_module, "checks_version", lambda: "changed-suites")
    build(raw, warehouse, workers=1)
    assert [len(documents) for documents in calls] == [2]


WAREHOUSE_TABLES = (
    *TABLES,
    "dim_document",
    "dim_department",
    "dim_region",
    "dim_fiscal_year",
    "dim_function_class",
    "dim_economic_class",
    "printed_code",
    "document_warning",
    "profile_fact",
    "document_passage",
    "performance_indicator",
    "build_document",
)


def contents(warehouse) -> list[list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return [
            connection.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in WAREHOUSE_TABLES
        ]


def test_a_warehouse_kept_across_runs_equals_one_built_afresh(raw, tmp_path) -> None:
    """The second load keeps the unchanged document's rows, drops the removed one's and adds
    the new one's: the same warehouse as a full build of the folder as it now is."""
    kept = tmp_path / "kept" / "gongkai.duckdb"
    build(raw, kept, workers=1)
    (raw / KEZHOU.name).unlink()
    (raw / "ili.txt").write_text(
        CHANGJI.read_text(encoding="utf-8").replace("昌吉回族自治州", "伊犁哈萨克自治州"),
        encoding="utf-8",
    )
    build(raw, kept, workers=1)
    afresh = tmp_path / "afresh" / "gongkai.duckdb"
    build(raw, afresh, workers=1)
    assert contents(kept) == contents(afresh)
    assert len(contents(kept)[0]) > 0


def test_a_rerun_rebuilds_documents_from_staging_with_their_joined_text_parts(
    tmp_path, monkeypatch
):
    """人大 2019 is a tables PDF and a text PDF: the second run takes the tables file's rows
    from the last run's staging (not from the pickled results) and joins the text part again,
    as a fresh build does."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in (
        "2019_yusuan_jiangsu_renda-changweihui-bgt_tables.pdf",
        "2019_yusuan_jiangsu_renda-changweihui-bgt_text.pdf",
    ):
        shutil.copy(RAW_DIR / "corpus" / name, raw / name)
    shutil.copy(CHANGJI, raw / CHANGJI.name)
    kept = tmp_path / "kept" / "gongkai.duckdb"
    build(raw, kept, workers=1)
    unpickled = []
    original = build_module.ExtractionCache.get

    def recording(cache, sha256, source_file):
        unpickled.append(source_file)
        return original(cache, sha256, source_file)

    monkeypatch.setattr(build_module.ExtractionCache, "get", recording)
    build(raw, kept, workers=1)
    assert unpickled == ["2019_yusuan_jiangsu_renda-changweihui-bgt_text.pdf"]
    afresh = tmp_path / "afresh" / "gongkai.duckdb"
    build(raw, afresh, workers=1)
    assert contents(kept) == contents(afresh)


def test_the_vocabulary_is_part_of_the_parser_version(monkeypatch, tmp_path) -> None:
    """A changed title or header word must read every file again, as a changed line of code
    does."""
    package = tmp_path / "pipelines"
    shutil.copytree(RAW_DIR.parent.parent / "pipelines", package)
    monkeypatch.setattr(build_module, "__file__", str(package / "build.py"))
    build_module.parser_version.cache_clear()
    before = build_module.parser_version()
    vocabulary = package / "description" / "vocabulary.toml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# changed\n", "utf-8")
    build_module.parser_version.cache_clear()
    assert build_module.parser_version() != before
    build_module.parser_version.cache_clear()
