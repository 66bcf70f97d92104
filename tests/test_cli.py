"""The `gongkai` commands as a person or a script runs them, mistakes included: every error is
one line on standard error and a documented exit status."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.build import terminal_progress
from pipelines.cli import main

from .conftest import CHANGJI, KEZHOU


def test_build_runs_the_pipeline_on_any_folder_into_any_file(tmp_path, capsys) -> None:
    raw = tmp_path / "in"
    raw.mkdir()
    shutil.copy(CHANGJI, raw / "a.txt")
    target = tmp_path / "out" / "w.duckdb"
    assert main(["build", "--raw-dir", str(raw), "--warehouse", str(target)]) == 0
    assert capsys.readouterr().out.startswith(
        "1 raw files: 1 loaded, 0 quarantined, 0 not disclosures; 9 tables found, 100 facts loaded;"
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
    assert main(["parse", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai parse: bad.txt: quarantined: read: binary content that is no")
    assert err.count("\n") == 1


def test_check_of_a_missing_file_is_one_line_and_status_2(tmp_path, capsys) -> None:
    missing = tmp_path / "no-such-file.pdf"
    assert main(["check", str(missing)]) == 2
    assert capsys.readouterr().err == f"gongkai check: {missing}: no such file\n"


def test_check_of_a_folder_asks_for_one_file(tmp_path, capsys) -> None:
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"gongkai check: {tmp_path} is a folder; give one file (gongkai build reads a folder)\n"
    )


def test_parse_of_a_missing_file_is_one_line_and_status_2(tmp_path, capsys) -> None:
    assert main(["parse", str(tmp_path / "gone.docx")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_query_of_a_file_that_is_not_a_warehouse_says_so(tmp_path, capsys) -> None:
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("预算", encoding="utf-8")
    assert main(["query", "SELECT 1", "--warehouse", str(not_duckdb)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gongkai query: {not_duckdb} cannot be opened as a warehouse")
    assert err.count("\n") == 1


def test_query_of_a_duckdb_file_that_is_not_gongkais_says_so(tmp_path, capsys) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    assert main(["query", "SELECT 1", "--warehouse", str(other)]) == 2
    assert "is a DuckDB file but not a gongkai warehouse" in capsys.readouterr().err


def test_export_of_a_missing_warehouse_says_how_to_build_one(tmp_path, capsys) -> None:
    missing = tmp_path / "none.duckdb"
    assert main(["export", "csv", "--warehouse", str(missing), "--out", str(tmp_path)]) == 2
    assert "run `make run` or `gongkai build` first" in capsys.readouterr().err


def test_query_with_invalid_sql_is_refused_in_one_line(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    assert main(["query", "SELEC 1", "--warehouse", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gongkai query: query refused: Parser Error: syntax error")
    assert err.count("\n") == 1


def test_query_answers_from_the_warehouse_as_csv(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    sql = "SELECT department, total, reception FROM v_three_public"
    assert main(["query", sql, "--warehouse", str(target), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "department,total,reception",
        "昌吉回族自治州人民政府办公室,45.600000,3.600000",
    ]


def test_query_writes_lists_as_json_text_in_csv_and_bytes_as_hex(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    sql = "SELECT printed_names, '\\x00\\xff'::BLOB AS raw FROM v_departments"
    assert main(["query", sql, "--warehouse", str(target), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "printed_names,raw",
        '"[""昌吉回族自治州人民政府办公室""]",00ff',
    ]
    assert main(["query", sql, "--warehouse", str(target), "--json"]) == 0
    name = "昌吉回族自治州人民政府办公室"
    assert capsys.readouterr().out == f'[{{"printed_names":["{name}"],"raw":"00ff"}}]\n'


def test_query_cannot_write_files_attach_install_or_change_settings(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    written = tmp_path / "x.csv"
    for sql in (
        f"COPY (SELECT 1) TO '{written}'",
        f"EXPORT DATABASE '{tmp_path / 'copy'}'",
        f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
        "INSTALL spatial",
        "SET threads = 1",
        "SELECT * FROM read_csv('/etc/hostname')",
    ):
        assert main(["query", sql, "--warehouse", str(target)]) == 2, sql
        assert "query refused" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "in",
        "w.duckdb",
        "w.duckdb.lock",
        "w.duckdb.staging",
    ]


def test_query_opens_the_warehouse_read_only_and_refuses_writes(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    assert main(["query", "DELETE FROM fact_budget_line", "--warehouse", str(target)]) == 2
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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_on_a_terminal_and_nowhere_else() -> None:
    assert terminal_progress(io.StringIO()) is None
    screen = Terminal()
    draw = terminal_progress(screen)
    draw(1, 2, "a.txt")
    draw(2, 2, "b.txt")
    assert screen.getvalue().split("\r")[1:] == [
        f"[{'#' * 15}{'.' * 15}] 1/2 {'a.txt':<40}",
        f"[{'#' * 30}] 2/2 {'b.txt':<40}\n",
    ]


def test_export_into_a_file_that_is_no_folder_names_it_in_one_line(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    capsys.readouterr()
    assert main(["export", "csv", "--warehouse", str(target), "--out", str(taken)]) == 2
    assert capsys.readouterr().err == f"gongkai export: {taken}: File exists\n"
    assert taken.read_text() == "mine"


def test_query_without_sql_is_refused(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    assert main(["query", " ", "--warehouse", str(target)]) == 2
    assert capsys.readouterr().err == 'gongkai query: no SQL given: gongkai query "SELECT …"\n'


def test_synth_of_no_documents_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["synth", "0"])
    assert exited.value.code == 2
    assert "argument count: '0' is not a count of 1 or more" in capsys.readouterr().err


def test_check_never_imports_great_expectations_dask_or_dagster() -> None:
    """Their imports cost a clerk's `gongkai check` most of its 15–45 s before; the suites'
    SQL application gives the same verdicts (tests/test_quality.py)."""
    script = (
        "import sys\n"
        "from pipelines.cli import main\n"
        f"main(['check', {str(KEZHOU)!r}])\n"
        "heavy = ('great_expectations', 'dask', 'dagster')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stderr.splitlines()[-1] == "[]"
    assert "克州" in done.stdout


def test_the_build_summary_counts_a_text_part_joined_to_its_tables(tmp_path, capsys) -> None:
    """人大常委会办公厅's 2019 budget comes as a tables file and a text file: two raw files,
    one document."""
    raw = tmp_path / "in"
    raw.mkdir()
    for part in ("tables", "text"):
        name = f"2019_yusuan_jiangsu_renda-changweihui-bgt_{part}.pdf"
        shutil.copy(Path(__file__).parent.parent / "data/raw/corpus" / name, raw / name)
    target = tmp_path / "w.duckdb"
    assert main(["build", "--raw-dir", str(raw), "--warehouse", str(target)]) == 0
    assert capsys.readouterr().out.startswith(
        "2 raw files: 1 loaded, 1 text parts joined to their tables, 0 quarantined, "
        "0 not disclosures; "
    )


def test_query_renames_duplicate_column_names_rather_than_crashing(tmp_path, capsys) -> None:
    """`SELECT *` over a join names `document_id` twice: the second is `document_id_1`."""
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    assert main(["query", "SELECT 1 AS a, 2 AS a, 3 AS a", "--warehouse", str(target)]) == 0
    assert main(["query", "SELECT 1 AS a, 2 AS a", "--warehouse", str(target), "--csv"]) == 0
    out = capsys.readouterr().out
    assert "a_1" in out and "a_2" in out
    assert out.splitlines()[-2:] == ["a,a_1", "1,2"]
    sql = "SELECT * FROM v_documents d JOIN v_three_public t ON t.document_id = d.document_id"
    assert main(["query", sql, "--warehouse", str(target), "--json"]) == 0
    assert '"document_id_1":' in capsys.readouterr().out


def test_query_csv_makes_a_cell_read_as_a_formula_inert(tmp_path, capsys) -> None:
    target = built_warehouse(tmp_path)
    capsys.readouterr()
    sql = "SELECT '=1+1' AS a, '+86 10' AS b, '-3%' AS c, '@SUM(A1)' AS d, '1-2' AS e"
    assert main(["query", sql, "--warehouse", str(target), "--csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["a,b,c,d,e", "'=1+1,'+86 10,'-3%,'@SUM(A1),1-2"]


def test_check_of_a_document_failing_at_a_stage_names_the_stage_in_one_line(
    capsys, monkeypatch
) -> None:
    import pipelines.extract as extract_module

    def failing(*args):
        raise ValueError("empty separator")

    monkeypatch.setattr(extract_module, "profile_frame", failing)
    assert main(["check", str(KEZHOU)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gongkai check: {KEZHOU}: narrative: ValueError: empty separator (at ")
    assert err.count("\n") == 1
