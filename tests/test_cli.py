"""`gongkai build` and `gongkai parse`, as a person or a script runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.cli import main

from .conftest import CHANGJI, KEZHOU


def test_build_runs_the_pipeline_on_any_folder_into_any_file(tmp_path, capsys) -> None:
    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / "a.txt")
    target = tmp_path / "out" / "w.duckdb"
    assert main(["build", "--raw-dir", str(raw), "--warehouse", str(target)]) == 0
    assert (
        "1 documents read, 9 tables found, 100 facts loaded, 0 files quarantined"
        in capsys.readouterr().out
    )
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM fact_budget_line").fetchone() == (100,)


def built_warehouse(tmp_path) -> Path:
    """The 昌吉 seed built by `gongkai build` into a warehouse under `tmp_path`."""
    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / "a.txt")
    target = tmp_path / "w.duckdb"
    main(["build", "--raw-dir", str(raw), "--warehouse", str(target)])
    return target


def test_build_from_a_missing_raw_folder_leaves_the_warehouse_untouched(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    before = target.read_bytes()
    missing = tmp_path / "no-such-folder"
    assert main(["build", "--raw-dir", str(missing), "--warehouse", str(target)]) == 2
    assert f"no raw folder at {missing}" in capsys.readouterr().err
    assert target.read_bytes() == before


def test_parse_prints_the_table_inventory_of_one_document(capsys) -> None:
    assert main(["parse", str(KEZHOU)]) == 0
    out = capsys.readouterr().out
    assert "克州政府办公室 · 克孜勒苏柯尔克孜自治州 · 2020 · budget" in out
    assert "表8 一般公共预算“三公”经费支出情况表" in out and "91 facts" in out
    assert "empty_explained" in out


def test_parse_of_an_unreadable_file_says_why_and_fails(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    assert main(["parse", str(bad)]) == 1
    assert "quarantined: read: binary content that is no document format" in capsys.readouterr().out


def test_query_answers_from_the_warehouse_as_csv(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    sql = "SELECT department, total, reception FROM v_three_public"
    assert main(["query", sql, "--warehouse", str(target), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "department,total,reception",
        "昌吉回族自治州人民政府办公室,45.600000,3.600000",
    ]


def test_query_opens_the_warehouse_read_only_and_refuses_writes(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    assert main(["query", "DELETE FROM fact_budget_line", "--warehouse", str(target)]) == 1
    assert "read-only mode" in capsys.readouterr().err
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM fact_budget_line").fetchone() == (100,)


def test_build_reports_progress_file_by_file(tmp_path) -> None:
    """Files are heard of as workers finish them, so the order of names is not fixed."""
    from pipelines.build import build

    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / "a.txt")
    shutil.copy(KEZHOU, raw / "b.txt")
    heard = []
    build(
        raw, tmp_path / "w.duckdb", progress=lambda n, total, name: heard.append((n, total, name))
    )
    assert [(done, total) for done, total, _ in heard] == [(1, 2), (2, 2)]
    assert sorted(name for _, _, name in heard) == ["a.txt", "b.txt"]
