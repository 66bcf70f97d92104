"""Every query of the cookbook (docs/queries.md) gives the answer printed beside it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.cookbook import recipes, render_answer

ROOT = Path(__file__).resolve().parent.parent
COOKBOOK = ROOT / "docs" / "queries.md"
RECIPES = recipes(COOKBOOK)


@pytest.fixture(scope="module")
def warehouse(seed_warehouse):
    return seed_warehouse[1]


def test_the_cookbook_answers_at_least_twelve_questions() -> None:
    assert len(RECIPES) >= 12


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.question[:40] for r in RECIPES])
def test_each_query_gives_the_printed_answer(warehouse, recipe) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert render_answer(connection, recipe.sql) == recipe.answer
