"""Every query of the cookbook (docs/queries.md) gives the answer printed beside it."""

from __future__ import annotations

import shutil
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


def test_the_findings_recipe_gives_a_pdf_findings_page_and_line(tmp_path) -> None:
    """人大常委会办公厅 2017: p.28's 说明 gives 因公出国 as a share of a total other than the
    三公 it names; the recipe's row leads the reader to that page and line."""
    from pipelines.build import build

    raw = tmp_path / "raw"
    raw.mkdir()
    pdf = ROOT / "data/raw/corpus/2017_yusuan_jiangsu_renda-changweihui-bgt.pdf"
    shutil.copy(pdf, raw / pdf.name)
    build(raw, tmp_path / "gongkai.duckdb")
    [findings] = [r for r in RECIPES if r.question.startswith("10.")]
    with duckdb.connect(str(tmp_path / "gongkai.duckdb"), read_only=True) as connection:
        rows = connection.execute(findings.sql).fetchall()
    assert [(row[1], row[2], row[6], row[7]) for row in rows] == [
        ("narrative.share_recomputes", "因公出国（境）费支出", 28, 13)
    ]
