"""Narrative claims: every figure of 第三部分 of both seeds, against a hand-read list.

`golden/seed_claims.csv` was written by reading the two seeds sentence by sentence,
independently of the parser: one row per subject with its amount, share and changes."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.narrative import canonical_subject

GOLDEN = Path(__file__).parent / "golden" / "seed_claims.csv"
FIELDS = (
    "subject",
    "amount",
    "unit",
    "share_percent",
    "change_amount",
    "change_direction",
    "change_percent",
    "change_percent_direction",
)


def _value(text: str | None):
    if text in (None, ""):
        return None
    try:
        return Decimal(text).normalize()
    except ArithmeticError:
        return text


def golden(seed: str) -> list[tuple]:
    with GOLDEN.open(encoding="utf-8") as handle:
        return [
            (int(r["line"]), *(_value(r[f]) for f in FIELDS))
            for r in csv.DictReader(handle)
            if r["seed"] == seed
        ]


def parsed(result) -> list[tuple]:
    rows = result.claims.select("source_line", *FIELDS).rows()
    return [
        (line, *(_value(str(v)) if v is not None else None for v in values))
        for line, *values in rows
    ]


@pytest.mark.parametrize("seed", ["000", "004"])
def test_every_figure_of_the_narrative_is_one_claim_with_its_subject(extracted, seed) -> None:
    assert parsed(extracted[seed]) == golden(seed)


def test_a_change_reveals_last_years_figure(extracted) -> None:
    claims = extracted["000"].claims
    [basic] = claims.filter(claims["subject"] == "基本支出").to_dicts()
    assert (basic["change_wan"], basic["prior_year_wan"]) == (Decimal("65.28"), Decimal("1237.34"))


def test_a_direction_left_as_the_template_wrote_it_is_unspecified(extracted) -> None:
    claims = extracted["000"].claims
    [budget] = claims.filter(
        (claims["subject"] == "一般公共预算") & claims["share_percent"].is_not_null()
    ).to_dicts()
    assert (
        budget["change_amount"],
        budget["change_direction"],
        budget["change_wan"],
        budget["prior_year_wan"],
    ) == (Decimal("102.16"), "unspecified", None, None)


def test_amounts_written_in_yuan_are_converted_and_kept_as_printed(extracted) -> None:
    claims = extracted["004"].claims
    [running] = claims.filter(claims["subject"].str.ends_with("事业运行")).to_dicts()
    assert (running["amount"], running["unit"], running["amount_wan"]) == (
        Decimal("52.81"),
        "元",
        Decimal("0.005281"),
    )


@pytest.mark.parametrize(
    ("subject", "measure", "function_code", "economic_code"),
    [
        ("一般公共预算", "general_public_budget", None, None),
        ("基本支出", "basic_expenditure", None, None),
        ("一般公共服务支出", None, "201", None),
        ("基本工资", None, None, "30101"),
        ("公务接待费", "reception", None, "30217"),
        ("收支总预算", None, None, None),
    ],
)
def test_subjects_map_to_canonical_measures_and_codes(
    subject, measure, function_code, economic_code
) -> None:
    canonical = canonical_subject(subject)
    assert (canonical.measure, canonical.function_code, canonical.economic_code) == (
        measure,
        function_code,
        economic_code,
    )
