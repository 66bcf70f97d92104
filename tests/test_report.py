"""`gongkai report`: a self-contained HTML page per document."""

from __future__ import annotations

import re

import pytest

from pipelines.cli import main
from pipelines.report import bar_chart

from .conftest import CHANGJI, KEZHOU


@pytest.fixture(scope="module")
def built(seed_warehouse):
    return seed_warehouse


def report(built, tmp_path, document: str) -> str:
    raw, warehouse = built
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                document,
                "--warehouse",
                str(warehouse),
                "--raw-dir",
                str(raw),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out.read_text(encoding="utf-8")


def test_the_report_shows_the_document_its_score_and_findings(built, tmp_path) -> None:
    page = report(built, tmp_path, KEZHOU.name)
    assert "克州政府办公室 · 2020年预算" in page
    assert "<span class='score'>97.0</span>" in page
    assert "支出总计应等于收入总计：应为 1483.22，实为 1476.62" in page
    # 7 real inconsistencies; the 50 moved from 2010301 to 2010399 between 表3 and 表7 told once
    assert page.count("<li class='finding error'>") == 6


def test_the_report_counts_its_findings_by_what_they_say(built, tmp_path) -> None:
    """Errors, warnings and the consequence told apart, in the words `gongkai check` uses."""
    page = report(built, tmp_path, KEZHOU.name)
    assert "6 项错误，9 项警告，1 项连带" in page
    assert "<li class='finding consequence'>[连带]" in page


def test_the_cells_a_finding_points_at_are_highlighted_in_place(built, tmp_path) -> None:
    page = report(built, tmp_path, KEZHOU.name)
    highlighted = re.findall(r'<td class="(?:text )?error"[^>]*title="([^"]+)">([^<]*)</td>', page)
    assert "1476.62" in [cell for _, cell in highlighted]
    assert any("应为 1483.22" in title for title, _ in highlighted)


def test_every_recognised_table_is_rendered_with_rebuilt_headers(built, tmp_path) -> None:
    page = report(built, tmp_path, CHANGJI.name)
    assert page.count("<h3>") == 9
    assert '<td class="text" colspan="3">功能分类科目编码</td>' in page


def test_charts_are_inline_svg(built, tmp_path) -> None:
    page = report(built, tmp_path, KEZHOU.name)
    assert page.count("<svg") == 2 and "公务用车运行费" in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # self-contained


def test_a_bar_chart_scales_bars_to_the_largest_value() -> None:
    svg = bar_chart("t", [("a", 10), ("b", 5)], width=420)
    assert 'width="220"' in svg and 'width="110"' in svg


def test_an_unknown_document_is_refused(built, tmp_path, capsys) -> None:
    raw, warehouse = built
    assert main(["report", "nothing-like-this", "--warehouse", str(warehouse)]) == 2
    assert "0 loaded documents match" in capsys.readouterr().err


def test_the_three_public_chart_reads_the_three_public_table_of_any_family() -> None:
    """上海市普陀区人民政府办公室 2025 prints its 三公 as 表9 (the 2020 template's 表8 is its
    basic-expenditure table): the chart shows 因公出国（境）费 839 and 公务接待费 28.5."""
    from pathlib import Path

    import polars as pl

    from pipelines.extract import extract_file
    from pipelines.report import render_report

    path = Path(__file__).resolve().parent.parent / "data/raw/corpus"
    path = path / "2025_yusuan_shanghai-putuo_qzf-bgs_dept.pdf"
    no_findings = pl.DataFrame(
        schema={
            "passed": pl.Boolean,
            "severity": pl.String,
            "table_no": pl.Int16,
            "source_line": pl.Int32,
            "message_zh": pl.String,
        }
    )
    page = render_report(path, extract_file(path, path.parent), no_findings)
    chart = page[page.index("“三公”经费（万元）") :].split("</svg>")[0]
    values = re.findall(r'font-size="12">([\d.]+)</text>', chart)
    assert values == ["839", "0", "0", "28.5"]


def test_the_report_carries_the_review_checklist_with_its_evidence(built, tmp_path) -> None:
    page = report(built, tmp_path, KEZHOU.name)
    assert "<h2>公开检查表</h2>" in page
    row = re.search(r"<tr class='no'><td>1</td>.*?</tr>", page)
    assert row is not None and "未见目录" in row.group(0)
    assert "应为 107，实为 157" in page.split("<h2>公开检查表</h2>")[1]
