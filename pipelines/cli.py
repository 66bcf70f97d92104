"""`gongkai`: the pipeline for people and scripts that do not open Dagster.

Exit statuses: 0 done; 1 `check` found a rule of severity error failing; 2 the command could not
be carried out on what it was given (no such file, a folder where a file is wanted, a file that
is not a readable disclosure or warehouse, SQL refused or invalid, a build that would empty the
warehouse); 3 another build holds the warehouse (`build --no-wait`). Every such error is one line
on standard error, the command's name first.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import polars as pl

from pipelines.build import (
    DEFAULT_DOCUMENT_SECONDS,
    DEFAULT_WORKERS,
    NotAWarehouse,
    RawFolderMissing,
    RawFolderUnreadable,
    WouldEmptyWarehouse,
    build,
    terminal_progress,
)
from pipelines.export import inert_frame
from pipelines.extract import extract_file
from pipelines.faults import StageFailed, is_machine_failure
from pipelines.quality import QualityInput, judged
from pipelines.quality.report import format_report
from pipelines.settings import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE
from pipelines.warehouse.lock import WarehouseBusy, WarehouseUnwritable

UNUSABLE_INPUT = 2
BUSY = 3
# `gongkai query` may read the warehouse and nothing else: no file, extension or setting
QUERY_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


class CommandError(Exception):
    """What a command cannot do with what it was given: one line for the user, and the exit
    status that tells a script why."""

    def __init__(self, message: str, status: int = UNUSABLE_INPUT) -> None:
        super().__init__(message)
        self.status = status


def _document_file(name: str) -> Path:
    """The one file a command reads, or a `CommandError` saying why it cannot be read."""
    path = Path(name)
    if path.is_dir():
        raise CommandError(f"{name} is a folder; give one file (gongkai build reads a folder)")
    if not path.exists():
        raise CommandError(f"{name}: no such file")
    if not os.access(path, os.R_OK):
        raise CommandError(f"{name}: not readable (permission denied)")
    return path.resolve()


def _open_warehouse(name: str, config: dict | None = None):
    """The warehouse opened read-only, or a `CommandError`: missing, not DuckDB, not gongkai's."""
    import duckdb

    warehouse = Path(name)
    if not warehouse.is_file():
        raise CommandError(f"no warehouse at {warehouse}: run `make run` or `gongkai build` first")
    try:
        connection = duckdb.connect(str(warehouse), read_only=True, config=config or {})
    except duckdb.Error as error:
        raise CommandError(f"{warehouse} cannot be opened as a warehouse: {error}") from None
    [(views,)] = connection.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'v_documents'"
    ).fetchall()
    if views == 0:
        connection.close()
        raise CommandError(f"{warehouse} is a DuckDB file but not a gongkai warehouse")
    return connection


def _build(args: argparse.Namespace) -> int:
    def waiting(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        summary = build(
            Path(args.raw_dir),
            Path(args.warehouse),
            progress=terminal_progress(sys.stderr),
            workers=args.workers,
            allow_shrink=args.allow_shrink,
            wait=not args.no_wait,
            waiting=waiting,
            seconds=args.document_seconds or None,
        )
    except (
        NotAWarehouse,
        RawFolderMissing,
        RawFolderUnreadable,
        WarehouseUnwritable,
        WouldEmptyWarehouse,
    ) as error:
        raise CommandError(str(error)) from None
    except WarehouseBusy as error:
        raise CommandError(str(error), BUSY) from None
    except Exception as error:
        if not is_machine_failure(error):
            raise
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CommandError(
            f"{reason}: nothing was built and {args.warehouse} is untouched"
        ) from None
    print(summary)
    return 0


def _where(row: dict) -> str:
    """A source position as people read it: page and/or line, where the format has them."""
    parts = [
        f"page {row['source_page']}" if row.get("source_page") else "",
        f"line {row['source_line']}" if row.get("source_line") else "",
    ]
    return ", ".join(part for part in parts if part)


def _parse(args: argparse.Namespace) -> int:
    path = _document_file(args.file)
    result = extract_file(path, path.parent)
    print(f"{result.source_file}  sha256 {result.sha256[:16]}  format {result.format}")
    if result.status != "loaded":
        raise CommandError(f"{result.source_file}: {result.status}: {result.reason}")
    meta = result.metadata
    print(
        f"{meta.department} · {meta.region or '?'} · {meta.fiscal_year} · {meta.kind} · "
        f"unit {meta.unit} · dated {meta.published_date} · template {result.template}"
    )
    for row in result.tables.iter_rows(named=True):
        where = _where(row)
        detail = row["explanation"] or ""
        print(
            f"  表{row['table_no']} {row['table_name']:<24} {row['status']:<18} "
            f"{row['fact_count']:>4} facts  {where}  {detail}"
        )
    print(f"{result.facts.height} facts")
    for item in result.warnings:
        print(
            f"  warning ({item['kind']}{', ' + _where(item) if _where(item) else ''}): "
            f"{item['message']}"
        )
    if args.facts:
        with_columns = [
            "table_no",
            "section",
            "row_label",
            "function_code",
            "economic_code",
            "project_name",
            "measure",
            "period",
            "amount",
            "published_unit",
            "source_page",
            "source_line",
        ]
        for row in result.facts.select(with_columns).iter_rows():
            print("  " + " | ".join("" if value is None else str(value) for value in row))
    return 0


def _check(args: argparse.Namespace) -> int:
    from expectations.runner import judge_sql

    path = _document_file(args.file)
    result = extract_file(path, path.parent)
    if result.status != "loaded":
        raise CommandError(f"{result.source_file}: {result.status}: {result.reason}")
    meta = result.metadata
    data = QualityInput.from_result(result)
    results = judged(data, judge_sql)
    heading = f"{meta.department} {meta.fiscal_year} ({result.source_file})"
    checklist_file = Path(args.checklist) if args.checklist not in (None, "-") else None
    if checklist_file is not None and checklist_file.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(f"{checklist_file}: a checklist is written as .csv or .xlsx")
    print(format_report(results, heading, args.lang))
    if args.checklist is not None:
        from pipelines.checklist import format_checklist, review_checklist, write_checklist

        checklist = review_checklist(result.tables, result.claims, result.passages, results)
        if checklist_file is None:
            print("\n" + format_checklist(checklist))
        else:
            write_checklist(checklist, checklist_file)
            print(f"\nchecklist written to {checklist_file}")
    errors = results.filter((pl.col("passed") == False) & (pl.col("severity") == "error"))  # noqa: E712
    return 1 if errors.height else 0


def _query(args: argparse.Namespace) -> int:
    import duckdb

    with _open_warehouse(args.warehouse, QUERY_CONFIG) as connection:
        try:
            if not args.sql.strip():
                raise CommandError('no SQL given: gongkai query "SELECT …"')
            relation = connection.sql(args.sql)
            if relation is None:
                return 0
            frame = pl.DataFrame(
                relation.fetchall(),
                schema=unique_names(relation.columns),
                orient="row",
                infer_schema_length=None,
            )
        except duckdb.Error as error:
            message = " ".join(str(error).split())
            raise CommandError(f"query refused: {message}") from None
    if args.format == "csv":
        sys.stdout.write(_writable(frame, nested_as_json=True).write_csv())
    elif args.format == "json":
        sys.stdout.write(_writable(frame, nested_as_json=False).write_json() + "\n")
    else:
        with pl.Config(
            tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200
        ):
            print(frame)
    return 0


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique as a frame needs them: a name already taken gets the first
    free suffix (`document_id`, `document_id_1`: `SELECT *` over a join names it twice)."""
    taken: set[str] = set()
    unique = []
    for name in names:
        candidate, number = name, 0
        while candidate in taken:
            number += 1
            candidate = f"{name}_{number}"
        taken.add(candidate)
        unique.append(candidate)
    return unique


def _writable(frame: pl.DataFrame, nested_as_json: bool) -> pl.DataFrame:
    """The answer with every column text CSV or JSON can hold: bytes as hex, values polars
    keeps as Python objects as their text, and for CSV, which has no nested values, a list or
    record (`v_departments.printed_names`) as its JSON text and a text cell a spreadsheet would
    evaluate (=, +, -, @ first) inert, behind an apostrophe."""

    def as_text(column: pl.Series, text) -> pl.Series:
        values = column.to_list()
        return pl.Series(column.name, [None if v is None else text(v) for v in values], pl.String)

    columns = []
    for column in frame.iter_columns():
        if column.dtype == pl.Binary:
            column = as_text(column, bytes.hex)
        elif column.dtype == pl.Object:
            column = as_text(column, str)
        elif nested_as_json and column.dtype.is_nested():
            column = as_text(column, lambda v: json.dumps(v, ensure_ascii=False, default=str))
        columns.append(column)
    return inert_frame(pl.DataFrame(columns)) if nested_as_json else pl.DataFrame(columns)


def _export(args: argparse.Namespace) -> int:
    from pipelines.export import export_csv, export_parquet, fiscal_data_package

    warehouse, out = Path(args.warehouse), Path(args.out)
    _open_warehouse(args.warehouse).close()
    if args.format == "parquet":
        written = export_parquet(warehouse, out)
    elif args.format == "csv":
        written = export_csv(warehouse, out, bom=not args.no_bom)
    else:
        written = [fiscal_data_package(warehouse, out)]
    print(f"{len(written)} {args.format} outputs written to {out}")
    return 0


def _document_rows(connection, table: str, document_id: str) -> pl.DataFrame:
    """A warehouse table's rows of one document."""
    rows = connection.execute(
        f"SELECT * FROM {table} WHERE document_id = ?", [document_id]
    ).fetchall()
    return pl.DataFrame(
        rows,
        schema=[d[0] for d in connection.description],
        orient="row",
        infer_schema_length=None,
    )


def _report(args: argparse.Namespace) -> int:
    from pipelines.checklist import review_checklist
    from pipelines.report import render_report

    raw = Path(args.raw_dir)
    with _open_warehouse(args.warehouse) as connection:
        found = connection.execute(
            "SELECT document_id, path FROM v_documents WHERE status = 'loaded' AND "
            "(document_id = ? OR path = ? OR path LIKE '%' || ?)",
            [args.document, args.document, Path(args.document).name],
        ).fetchall()
        if len(found) != 1:
            raise CommandError(
                f"{args.document}: {len(found)} loaded documents match; give a document id "
                "or a path under the raw folder"
            )
        document_id, source_file = found[0]
        # a text part's narrative and outline joined to the document are in the warehouse
        findings, claims, passages = (
            _document_rows(connection, table, document_id)
            for table in ("dq_result", "narrative_claim", "document_passage")
        )
        [(score,)] = connection.execute(
            "SELECT score FROM v_disclosure_completeness WHERE document_id = ?", [document_id]
        ).fetchall()
    path = raw / source_file
    result = extract_file(path, raw)
    checklist = review_checklist(result.tables, claims, passages, findings)
    page = render_report(path, result, findings, score, checklist)
    out = Path(args.out or f"data/reports/{document_id}.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"report written to {out}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from pipelines.evaluation import evaluate
    from pipelines.evaluation.report import render

    corpus = Path(args.dir)
    if not corpus.is_dir():
        raise CommandError(f"{corpus}: no such folder of disclosures")
    evaluation = evaluate(corpus, Path(args.warehouse), args.workers)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    command = f"gongkai eval {args.dir}"
    out.write_text(render(evaluation, command), encoding="utf-8")
    print(f"written to {out}")
    print(evaluation.summary_line())
    return 0


def _synth(args: argparse.Namespace) -> int:
    from pipelines.synth import generate

    truth = generate(args.count, Path(args.out), args.error_rate, args.seed)
    errors = sum(1 for item in truth if item.error)
    print(
        f"{len(truth)} documents ({errors} with an injected error) written to {args.out}; "
        f"the truth is in {Path(args.out) / '.truth.json'}"
    )
    return 0


def _positive(text: str) -> int:
    """A count of one or more (argparse's error names the argument otherwise)."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count of 1 or more")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gongkai",
        description="Chinese budget disclosures (部门预算/决算公开) into a DuckDB warehouse.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser(
        "build", help="build the warehouse from a folder of raw files"
    )
    build_parser.add_argument(
        "--raw-dir",
        default=str(DEFAULT_RAW_DIR),
        help=f"folder of disclosure files (default: {DEFAULT_RAW_DIR})",
    )
    build_parser.add_argument(
        "--warehouse",
        default=str(DEFAULT_WAREHOUSE),
        help=f"DuckDB file to write (default: {DEFAULT_WAREHOUSE})",
    )
    build_parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"processes reading files in parallel (default {DEFAULT_WORKERS})",
    )
    build_parser.add_argument(
        "--allow-shrink",
        action="store_true",
        help="build even when the raw folder holds fewer files than a tenth of the warehouse's "
        "documents (refused otherwise: a wrong or empty folder would all but empty it)",
    )
    build_parser.add_argument(
        "--document-seconds",
        type=float,
        default=DEFAULT_DOCUMENT_SECONDS,
        metavar="SECONDS",
        help="time one document may take to be read, and again to be checked, before it is "
        "quarantined as too slow (default: GONGKAI_DOCUMENT_SECONDS or "
        f"{DEFAULT_DOCUMENT_SECONDS:g}; 0 for no limit)",
    )
    build_parser.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build is writing the warehouse, exit with status 3 instead of "
        "waiting for it",
    )
    build_parser.set_defaults(run=_build)
    parse_parser = commands.add_parser("parse", help="show what is recognised in one document")
    parse_parser.add_argument("file")
    parse_parser.add_argument("--facts", action="store_true", help="also list every fact")
    parse_parser.set_defaults(run=_parse)
    check_parser = commands.add_parser(
        "check",
        help="check one document against every data-quality rule, without touching the "
        "warehouse; exit status 1 when a rule of severity error fails (2: unreadable file)",
    )
    check_parser.add_argument("file")
    check_parser.add_argument(
        "--lang", choices=["zh", "en"], default="zh", help="language of the report (default: zh)"
    )
    check_parser.add_argument(
        "--checklist",
        nargs="?",
        const="-",
        metavar="FILE",
        help="also fill the disclosure review checklist (检查表): printed after the report, "
        "or written to FILE (.csv with a BOM, or .xlsx)",
    )
    check_parser.set_defaults(run=_check)
    query_parser = commands.add_parser(
        "query", help="run SQL on the warehouse, opened read-only (writes are refused)"
    )
    query_parser.add_argument("sql")
    query_parser.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE))
    shown = query_parser.add_mutually_exclusive_group()
    shown.add_argument("--csv", dest="format", action="store_const", const="csv")
    shown.add_argument("--json", dest="format", action="store_const", const="json")
    query_parser.add_argument(
        "--max-rows", type=int, default=50, help="rows shown in the table view (default 50)"
    )
    query_parser.set_defaults(run=_query, format="table")
    export_parser = commands.add_parser(
        "export",
        help="export the warehouse as Parquet (hive-partitioned), CSV, or a Fiscal "
        "Data Package (validated)",
    )
    export_parser.add_argument("format", choices=["parquet", "csv", "fdp"])
    export_parser.add_argument("--out", default="data/export", help="output folder")
    export_parser.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE))
    export_parser.add_argument(
        "--no-bom",
        action="store_true",
        help="CSV without the byte order mark written by default for Excel",
    )
    export_parser.set_defaults(run=_export)
    report_parser = commands.add_parser(
        "report",
        help="write one document's HTML report: its tables with findings highlighted, "
        "completeness score and charts",
    )
    report_parser.add_argument("document", help="a document id or a path under the raw folder")
    report_parser.add_argument("--out", help="HTML file (default data/reports/<id>.html)")
    report_parser.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE))
    report_parser.add_argument("--raw-dir", default=str(DEFAULT_RAW_DIR))
    report_parser.set_defaults(run=_report)
    eval_parser = commands.add_parser(
        "eval",
        help="measure gongkai on a folder of real disclosures (a warehouse of its own): files "
        "accounted for, printed numbers read, checks passing, classes, metadata, hand-read truth",
    )
    eval_parser.add_argument("dir", nargs="?", default="../shared/corpus")
    eval_parser.add_argument("--out", default="benchmarks/results/eval.md")
    eval_parser.add_argument("--warehouse", default="data/eval/gongkai.duckdb")
    eval_parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    eval_parser.set_defaults(run=_eval)
    synth_parser = commands.add_parser(
        "synth", help="write N synthetic disclosures with known injected errors (and the truth)"
    )
    synth_parser.add_argument("count", type=_positive, help="how many disclosures (1 or more)")
    synth_parser.add_argument("--out", default="data/synth")
    synth_parser.add_argument("--error-rate", type=float, default=0.3)
    synth_parser.add_argument("--seed", type=int, default=7)
    synth_parser.set_defaults(run=_synth)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except CommandError as error:
        print(f"gongkai {args.command}: {error}", file=sys.stderr)
        return error.status
    except StageFailed as failure:  # parse, check, report: the one document failed
        document = getattr(args, "file", None) or getattr(args, "document", "")
        print(f"gongkai {args.command}: {document}: {failure}", file=sys.stderr)
        return UNUSABLE_INPUT
    except OSError as error:  # "README.md: File exists", not "[Errno 17] File exists: …"
        where = f"{error.filename}: " if error.filename else ""
        print(f"gongkai {args.command}: {where}{error.strerror or error}", file=sys.stderr)
        return UNUSABLE_INPUT


if __name__ == "__main__":
    sys.exit(main())
