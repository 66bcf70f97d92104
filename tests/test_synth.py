"""The synthetic corpus as a correctness test: every fact found exactly, and the checks find
every injected error and nothing else (100% precision and recall); an injected rounding gap is
`rounding`, and injected reading damage (a continuation cut off, a row split over two lines)
is repaired, never the document's error."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import duckdb
import polars as pl
import pytest

from pipelines.build import build
from pipelines.extract import extract_file
from pipelines.synth import BASE, generate

from .conftest import FACT_IDENTITY

COUNT = 40
KEY = FACT_IDENTITY


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("synth")
    truth = generate(COUNT, raw, error_rate=0.5, seed=8)
    warehouse = tmp_path_factory.mktemp("warehouse") / "gongkai.duckdb"
    build(raw, warehouse)
    return raw, truth, warehouse


def facts(result, multiplier: int = 1) -> Counter:
    return Counter(
        (*row[:-1], row[-1] * multiplier) for row in result.facts.select(*KEY, "amount").iter_rows()
    )


def test_the_generator_is_deterministic(tmp_path) -> None:
    first = generate(5, tmp_path / "a", seed=3)
    second = generate(5, tmp_path / "b", seed=3)
    assert first == second
    assert [(tmp_path / "a" / d.file).read_bytes() for d in first] == [
        (tmp_path / "b" / d.file).read_bytes() for d in second
    ]


def test_every_fact_of_every_clean_document_is_found_exactly(corpus) -> None:
    raw, truth, _ = corpus
    base = extract_file(BASE, BASE.parent)
    clean = [item for item in truth if item.error is None]
    assert clean
    for item in clean:
        assert facts(extract_file(raw / item.file, raw)) == facts(base, item.multiplier)


def test_clean_documents_vary_in_unit_and_row_order(corpus) -> None:
    """The exact-facts test above covers tables in 元 and coded rows in reverse order."""
    raw, truth, _ = corpus
    clean = [item for item in truth if item.error is None]
    in_yuan = next(item for item in clean if item.unit == "元")
    assert any(item.rows_reversed for item in clean)
    units = set(extract_file(raw / in_yuan.file, raw).facts["published_unit"])
    assert units == {"元"}


def test_an_injected_sum_error_changes_exactly_one_fact(corpus) -> None:
    raw, truth, _ = corpus
    base = extract_file(BASE, BASE.parent)
    item = next(item for item in truth if item.error == "sum")
    difference = facts(extract_file(raw / item.file, raw)) - facts(base, item.multiplier)
    [(key, count)] = difference.items()
    assert key[0] == 3 and key[5] == "合计" and key[6] == "total" and count == 1
    assert key[-1] == Decimal("1695.33") * item.multiplier + 1


# the findings that say the document is wrong (not rounding, a consequence told at its root, or
# a doubt about gongkai's own reading)
BLAMING = "q.finding_class IN ('error', 'warning')"


def test_the_checks_find_every_injected_error_and_nothing_else(corpus) -> None:
    """Precision and recall on the injected errors: every one found in its rule family, and no
    document blamed for anything else — the reading damage and national layouts injected
    beside them included."""
    raw, truth, warehouse = corpus
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        base_findings = set(
            connection.execute(
                "SELECT check_id, subject FROM v_dq_results q "
                f"JOIN v_documents d USING (document_id) WHERE {BLAMING} AND d.path = ?",
                [next(t.file for t in truth if not t.error)],
            ).fetchall()
        )
        found = connection.execute(
            "SELECT d.path, q.rule_family, q.check_id, q.subject FROM v_dq_results q "
            f"JOIN v_documents d USING (document_id) WHERE {BLAMING}"
        ).fetchall()
    new = {}
    for path, family, check_id, subject in found:
        if (check_id, subject) not in base_findings:
            new.setdefault(path, set()).add(family)
    expected = {  # a rounding gap blames nothing: its own test says how it is told
        item.file: item.expected_family
        for item in truth
        if item.expected_family and item.error != "rounding"
    }
    assert set(expected.values()) >= {"within_table_sums", "code_validity", "narrative"}
    detected = {path for path, families in new.items() if expected.get(path) in families}
    precision = len(detected) / max(len(new), 1)
    recall = len(detected) / max(len(expected), 1)
    assert (precision, recall) == (1.0, 1.0), (new, expected)


def _findings(warehouse, file: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            "SELECT q.check_id, q.finding_class, q.status FROM v_dq_results q "
            "JOIN v_documents d USING (document_id) WHERE d.path = ? ORDER BY ALL",
            [file],
        ).fetchall()


def test_an_injected_rounding_gap_is_rounding_and_never_an_error(corpus) -> None:
    _, truth, warehouse = corpus
    rounded = [item for item in truth if item.error == "rounding"]
    clean = next(item for item in truth if item.error is None)
    assert rounded
    for item in rounded:
        extra = set(_findings(warehouse, item.file)) - set(_findings(warehouse, clean.file))
        failing = {row for row in extra if row[1] not in (None, "not_evaluated")}
        assert failing and {row[1] for row in failing} == {"rounding"}


@pytest.mark.parametrize(
    ("damage", "repair", "table_no"),
    [("continuation", "continuation_joined", 6), ("split_row", "split_rows_joined", 3)],
)
def test_injected_reading_damage_is_repaired_not_an_error(corpus, damage, repair, table_no):
    """A page number inside 表六 leaves its last rows as a table with no title; 表三's 行政运行
    printed on two lines splits its code from its amounts. Repaired, every fact is the clean
    document's, and the table's reading verdict says it was repaired."""
    raw, truth, warehouse = corpus
    base = extract_file(BASE, BASE.parent)
    damaged = [item for item in truth if item.error == damage]
    assert damaged
    for item in damaged:
        result = extract_file(raw / item.file, raw)
        assert facts(result) == facts(base, item.multiplier)
        warnings = result.warnings_frame
        assert warnings.filter(warnings["kind"] == repair)["table_no"].to_list() == [table_no]
        assert ("reading.table_verdict", None, "repaired") in _findings(warehouse, item.file)


def _blamed(warehouse, file: str, clean: str) -> set[tuple]:
    """What a document is blamed for beyond what the clean document is."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = [
            set(
                connection.execute(
                    "SELECT q.check_id, q.subject FROM v_dq_results q JOIN v_documents d "
                    f"USING (document_id) WHERE {BLAMING} AND d.path = ?",
                    [path],
                ).fetchall()
            )
            for path in (file, clean)
        ]
    return found[0] - found[1]


@pytest.mark.parametrize(
    "damage",
    [
        "codes_in_columns",
        "two_classifications",
        "running_header",
        "text_cell",
        "prior_year_columns",
        "row_numbers",
    ],
)
def test_a_national_layout_or_reading_trap_never_blames_the_document(corpus, damage) -> None:
    """The layouts and traps that misled gongkai on documents it had never seen — 类/款/项 in
    columns of their own, two economic classifications side by side, a running header of a
    city named 无…, text in an amount column, last year's columns beside this year's, a 行次
    column — are no error or warning of the document; at most gongkai's reading doubt."""
    _, truth, warehouse = corpus
    clean = next(item for item in truth if item.error is None)
    damaged = [item for item in truth if item.error == damage]
    assert damaged
    for item in damaged:
        assert _blamed(warehouse, item.file, clean.file) == set()


def _base_facts(multiplier: int) -> Counter:
    return facts(extract_file(BASE, BASE.parent), multiplier)


@pytest.mark.parametrize("damage", ["two_classifications", "row_numbers"])
def test_a_layout_read_right_gives_the_clean_documents_facts(corpus, damage) -> None:
    """A 行次 column is no amounts, and a government economic code beside the department one
    leaves each row its department code: every fact is the clean document's."""
    raw, truth, _ = corpus
    for item in (item for item in truth if item.error == damage):
        assert facts(extract_file(raw / item.file, raw)) == _base_facts(item.multiplier)


def test_segments_printed_in_columns_of_their_own_are_joined_to_the_rows_above(corpus) -> None:
    """表三 printing 201 | | |, | 03 | |, | | 01 |: the 项 rows read as 2010301 and 2010350,
    with their class and 款 above them, and their figures the clean document's."""
    raw, truth, _ = corpus
    item = next(item for item in truth if item.error == "codes_in_columns")
    table = extract_file(raw / item.file, raw).facts.filter(pl.col("table_no") == 3)
    codes = table.filter(pl.col("measure") == "total")["function_code"].to_list()
    assert codes == ["201", "20103", "2010301", "2010350", None]
    clean = {key for key in _base_facts(item.multiplier) if key[0] == 3}
    assert clean <= set(facts(extract_file(raw / item.file, raw)))


def test_a_second_classification_is_read_as_its_own_codes(corpus) -> None:
    raw, truth, _ = corpus
    item = next(item for item in truth if item.error == "two_classifications")
    codes = extract_file(raw / item.file, raw).codes.filter(pl.col("table_no") == 6)
    government = codes.filter(pl.col("code_kind") == "gov_economic")["code"].unique().sort()
    assert government.to_list() == ["50101", "50201", "50901"]
    assert set(codes.filter(pl.col("code_kind") == "economic")["code"]) >= {"30101", "30201"}
