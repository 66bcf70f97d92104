"""`gongkai`: the pipeline for people and scripts that do not open Dagster."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from pipelines.build import DEFAULT_WORKERS, RawFolderMissing, build
from pipelines.extract import extract_file
from pipelines.quality import QualityInput, comparisons
from pipelines.quality.report import format_report
from pipelines.settings import DEFAULT_RAW_DIR, DEFAULT_WAREHOUSE


def _progress(number: int, total: int, source_file: str) -> None:
    """A one-line progress bar on standard error, when it is a terminal."""
    if not sys.stderr.isatty():
        return
    filled = int(30 * number / max(total, 1))
    bar = "#" * filled + "." * (30 - filled)
    sys.stderr.write(f"\r[{bar}] {number}/{total} {source_file[:40]:<40}")
    if number == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _build(args: argparse.Namespace) -> int:
    try:
        summary = build(
            Path(args.raw_dir), Path(args.warehouse), progress=_progress, workers=args.workers
        )
    except RawFolderMissing as error:
        print(error, file=sys.stderr)
        return 2
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
    path = Path(args.file)
    result = extract_file(path.resolve(), path.resolve().parent)
    print(f"{result.source_file}  sha256 {result.sha256[:16]}  format {result.format}")
    if result.status != "loaded":
        print(f"{result.status}: {result.reason}")
        return 1
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
            "amount",
            "source_page",
            "source_line",
        ]
        for row in result.facts.select(with_columns).iter_rows():
            print("  " + " | ".join("" if value is None else str(value) for value in row))
    return 0


def _check(args: argparse.Namespace) -> int:
    from expectations.runner import judge_sql

    path = Path(args.file).resolve()
    result = extract_file(path, path.parent)
    if result.status != "loaded":
        print(f"{result.source_file}: {result.status}: {result.reason}")
        return 2
    meta = result.metadata
    data = QualityInput.from_result(result)
    results = judge_sql(comparisons(data))
    heading = f"{meta.department} {meta.fiscal_year} ({result.source_file})"
    print(format_report(results, heading, args.lang))
    errors = results.filter((pl.col("passed") == False) & (pl.col("severity") == "error"))  # noqa: E712
    return 1 if errors.height else 0


def _warehouse_exists(warehouse: Path) -> bool:
    """Whether the warehouse a command reads exists; says what to do when it does not."""
    if warehouse.exists():
        return True
    print(f"no warehouse at {warehouse}: run `make run` or `gongkai build` first", file=sys.stderr)
    return False


def _query(args: argparse.Namespace) -> int:
    import duckdb

    warehouse = Path(args.warehouse)
    if not _warehouse_exists(warehouse):
        return 2
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        try:
            relation = connection.sql(args.sql)
        except duckdb.Error as error:
            print(f"query refused: {error}", file=sys.stderr)
            return 1
        if relation is None:
            return 0
        frame = pl.DataFrame(
            relation.fetchall(), schema=relation.columns, orient="row", infer_schema_length=None
        )
    if args.format == "csv":
        sys.stdout.write(frame.write_csv())
    elif args.format == "json":
        sys.stdout.write(frame.write_json() + "\n")
    else:
        with pl.Config(
            tbl_rows=args.max_rows, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200
        ):
            print(frame)
    return 0


def _export(args: argparse.Namespace) -> int:
    from pipelines.export import export_csv, export_parquet, fiscal_data_package

    warehouse, out = Path(args.warehouse), Path(args.out)
    if not _warehouse_exists(warehouse):
        return 2
    if args.format == "parquet":
        written = export_parquet(warehouse, out)
    elif args.format == "csv":
        written = export_csv(warehouse, out)
    else:
        written = [fiscal_data_package(warehouse, out)]
    print(f"{len(written)} {args.format} outputs written to {out}")
    return 0


def _report(args: argparse.Namespace) -> int:
    import duckdb

    from pipelines.report import render_report

    warehouse, raw = Path(args.warehouse), Path(args.raw_dir)
    if not _warehouse_exists(warehouse):
        return 2
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = connection.execute(
            "SELECT document_id, path FROM v_documents WHERE status = 'loaded' AND "
            "(document_id = ? OR path = ? OR path LIKE '%' || ?)",
            [args.document, args.document, Path(args.document).name],
        ).fetchall()
        if len(found) != 1:
            print(
                f"{args.document}: {len(found)} loaded documents match; give a document id "
                "or a path under the raw folder",
                file=sys.stderr,
            )
            return 2
        document_id, source_file = found[0]
        rows = connection.execute(
            "SELECT * FROM dq_result WHERE document_id = ?", [document_id]
        ).fetchall()
        findings = pl.DataFrame(
            rows,
            schema=[d[0] for d in connection.description],
            orient="row",
            infer_schema_length=None,
        )
        [(score,)] = connection.execute(
            "SELECT score FROM v_disclosure_completeness WHERE document_id = ?", [document_id]
        ).fetchall()
    path = raw / source_file
    page = render_report(path, extract_file(path, raw), findings, score)
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
        print(f"{corpus}: no such folder of disclosures", file=sys.stderr)
        return 2
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
    synth_parser.add_argument("count", type=int)
    synth_parser.add_argument("--out", default="data/synth")
    synth_parser.add_argument("--error-rate", type=float, default=0.3)
    synth_parser.add_argument("--seed", type=int, default=7)
    synth_parser.set_defaults(run=_synth)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
