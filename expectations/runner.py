"""Run the Great Expectations suites over the prepared comparison frames.

The suites (`suites/*.json`, one per rule family) are made from the rule families of the check
registry (`pipelines/description/checks.toml`: `make suites` writes them, and a test holds them
to it) and stored in GE's own form for a reviewer to read. GE is imported only here and only
when checks run: it costs seconds per process. Each family's frame is validated on a pandas
batch; the rows GE lists as unexpected fail, rows whose status the suite calls undecided (an
unverified code) get no verdict, all others pass.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path

import polars as pl

SUITES_DIR = Path(__file__).parent / "suites"
RESULT_SCHEMA = {"passed": pl.Boolean}


def suite_definition(family: str) -> dict:
    """The suite of a rule family, as stored."""
    return json.loads((SUITES_DIR / f"{family}.json").read_text(encoding="utf-8"))


def registry_suite(family: str) -> dict:
    """The suite a rule family of the check registry makes: a difference within its tolerance,
    or a status among those that pass."""
    from pipelines.description.load import check_registry

    entry = check_registry()[0][family]
    if entry["judged"] == "difference":
        tolerance = entry["tolerance"]
        expectation = {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "difference", "min_value": -tolerance, "max_value": tolerance},
            "meta": {"tolerance_wan_yuan": tolerance},
        }
    else:
        expectation = {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": "status", "value_set": entry["passes"]},
        }
    return {
        "name": family,
        "meta": {
            "rule_family": family,
            "judged_column": entry["judged"],
            "about": entry["about"],
            "undecided_statuses": entry.get("undecided", []),
        },
        "expectations": [expectation],
    }


def write_suites() -> list[Path]:
    """Write every rule family's suite as the registry makes it (`make suites`)."""
    from pipelines.description.load import check_registry

    written = []
    for family in check_registry()[0]:
        path = SUITES_DIR / f"{family}.json"
        text = json.dumps(registry_suite(family), ensure_ascii=False, indent=2) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_suites():
        print(path)


@cache
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context, context.data_sources.add_pandas("gongkai")


def _failed_rows(family: str, frame: pl.DataFrame) -> set[int]:
    import great_expectations as gx
    import pandas as pd

    definition = suite_definition(family)
    suite = gx.ExpectationSuite(
        name=definition["name"], meta=definition["meta"], expectations=definition["expectations"]
    )
    context, source = _context()
    column = definition["meta"]["judged_column"]
    values = frame[column].cast(pl.Float64) if column == "difference" else frame[column]
    data = pd.DataFrame({column: values.to_list()})
    name = f"{family}_{len(source.assets)}"
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    result = batch.get_batch(batch_parameters={"dataframe": data}).validate(
        suite, result_format={"result_format": "COMPLETE"}
    )
    failed: set[int] = set()
    for expectation in result.results:
        failed.update(expectation.result.get("unexpected_index_list") or [])
    return failed


def judge(comparisons: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """All comparison rows of all families with their verdict in `passed` (None: undecided)."""
    judged = []
    for family, frame in comparisons.items():
        if frame.height == 0:
            continue
        failed = _failed_rows(family, frame)
        undecided = set(suite_definition(family)["meta"]["undecided_statuses"])
        verdicts = [
            None if status in undecided else index not in failed
            for index, status in enumerate(frame["status"].to_list())
        ]
        judged.append(frame.with_columns(pl.Series("passed", verdicts, dtype=pl.Boolean)))
    if not judged:
        return pl.DataFrame(schema={**next(iter(comparisons.values())).schema, **RESULT_SCHEMA})
    return pl.concat(judged)


def _sql_predicate(expectation: dict) -> str:
    """A suite's expectation as a DuckDB predicate; like GE, a NULL value is not unexpected."""
    kwargs = expectation["kwargs"]
    column = f'"{kwargs["column"]}"'
    if expectation["type"] == "expect_column_values_to_be_between":
        test = f"CAST({column} AS DOUBLE) BETWEEN {kwargs['min_value']} AND {kwargs['max_value']}"
    elif expectation["type"] == "expect_column_values_to_be_in_set":
        values = ", ".join("'" + value.replace("'", "''") + "'" for value in kwargs["value_set"])
        test = f"{column} IN ({values})"
    else:
        raise ValueError(f"no SQL form for {expectation['type']}")
    return f"({column} IS NULL OR {test})"


def judge_sql(comparisons: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The same suites applied as plain DuckDB SQL, without Great Expectations: what `gongkai
    check` applies, for a clerk's answer in seconds rather than after GE's import (the tests
    hold both to identical verdicts), and the yardstick `make bench` measures GE against."""
    import duckdb

    judged = []
    with duckdb.connect() as connection:
        for family, frame in comparisons.items():
            if frame.height == 0:
                continue
            definition = suite_definition(family)
            passes = " AND ".join(_sql_predicate(e) for e in definition["expectations"])
            undecided = definition["meta"]["undecided_statuses"]
            unsure = ", ".join("'" + status + "'" for status in undecided) or "NULL"
            connection.register("comparison", frame.with_row_index("row").to_arrow())
            verdicts = connection.sql(
                f"SELECT CASE WHEN status IN ({unsure}) THEN NULL ELSE {passes} END AS passed "
                "FROM comparison ORDER BY row"  # a parallel scan need not keep the order
            ).pl()
            connection.unregister("comparison")
            judged.append(frame.with_columns(verdicts["passed"]))
    if not judged:
        return pl.DataFrame(schema={**next(iter(comparisons.values())).schema, **RESULT_SCHEMA})
    return pl.concat(judged)
