"""`gongkai report`: one document as a self-contained HTML page a reviewer can read.

The page shows what the document is, its completeness, its findings (errors first), charts of
its expenditure structure and 三公 parts, and every recognised table re-rendered from the
source with the cells a finding points at highlighted in place (hover for the finding).
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

import polars as pl

from pipelines.description import TABLES, TEMPLATES
from pipelines.extract import DocumentResult
from pipelines.quality.report import FINDING_CLASSES, LABELS, SEVERITY_ORDER, finding_class
from pipelines.readers import read_document
from pipelines.recognise import RecognisedTable, header_spans, recognise_tables
from pipelines.vocabulary import measure_parts, measures

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:.85em}
td,th{border:1px solid #bbb;padding:2px 6px;text-align:right}
td.text{text-align:left}.error{background:#f8c9c4}.warning{background:#fbe7b4}
.finding.error{color:#a11}.finding.warning{color:#8a5a00}.checklist tr.no td{background:#fbe7b4}
.meta td{text-align:left;border:none}.score{font-size:2em;font-weight:bold}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def bar_chart(title: str, items: list[tuple[str, Decimal]], width: int = 420) -> str:
    """A horizontal bar chart as inline SVG."""
    items = [(label, Decimal(value or 0)) for label, value in items]
    top = max((value for _, value in items), default=Decimal(0)) or Decimal(1)
    rows = []
    for index, (label, value) in enumerate(items):
        length = int(Decimal(width - 200) * value / top)
        y = 24 + index * 26
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{_e(label)}</text>'
            f'<rect x="150" y="{y}" width="{length}" height="18" fill="#4a7ab8"/>'
            f'<text x="{155 + length}" y="{y + 14}" font-size="12">'
            f"{_e(format(value.normalize(), 'f'))}</text>"
        )
    height = 30 + 26 * len(items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(title)}"><text x="0" y="14" font-size="13" '
        f'font-weight="bold">{_e(title)}</text>{"".join(rows)}</svg>'
    )


def _header_layout(table: RecognisedTable) -> dict[int, list[int]]:
    """Column spans of the header rows, rebuilt where the format lost its merges."""
    start = table.header_rows - len(
        [r for r in table.table.rows[: table.header_rows] if not _caption(r, table)]
    )
    rows = table.table.rows[start : table.header_rows]
    width = max((len(r.cells) for r in table.table.rows[table.header_rows :]), default=0)
    if not rows or not width:
        return {}
    spans = header_spans([r.texts for r in rows], width, [[c.span for c in r.cells] for r in rows])
    return {start + index: row_spans for index, row_spans in enumerate(spans)}


def _caption(row, table: RecognisedTable) -> bool:
    return all(t in " ".join(table.captions) for t in row.texts if t)


def _table_html(table: RecognisedTable, flagged: dict[int, tuple[str, str]]) -> str:
    rows = []
    layout = _header_layout(table)
    for number, row in enumerate(table.table.rows):
        if row.is_blank:
            continue
        cells = []
        spans = layout.get(number)
        for index, cell in enumerate(row.cells):
            line = cell.position.line
            severity, message = flagged.get(line, (None, None)) if line else (None, None)
            classes = [] if cell.clean.replace(".", "").isdigit() else ["text"]
            if severity:
                classes.append(severity)
            title = f' title="{_e(message)}"' if message else ""
            width = spans[index] if spans and len(row.cells) < sum(spans) else cell.span
            span = f' colspan="{width}"' if width > 1 else ""
            cells.append(f'<td class="{" ".join(classes)}"{span}{title}>{_e(cell.clean)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    name = table.spec.name if table.spec else table.title
    return f"<h3>{_e(table.printed_number)} {_e(name)}</h3><table>{''.join(rows)}</table>"


def checklist_html(checklist: pl.DataFrame) -> str:
    """The review checklist as a table: each item's verdicts, and for a 否 where and what."""
    rows = "".join(
        f"<tr class='{'no' if '否' in (r['present'], r['consistent']) else ''}'>"
        f"<td>{r['item_no']}</td><td class='text'>{_e(r['part'])}</td>"
        f"<td class='text'>{_e(r['item'])}</td><td>{_e(r['present'])}</td>"
        f"<td>{_e(r['consistent'])}</td><td>{_e(r['page'] or r['line'] or '')}</td>"
        f"<td class='text'>{_e(r['quote'] or '')}</td>"
        f"<td class='text'>{_e(r['evidence'] or '')}</td></tr>"
        for r in checklist.iter_rows(named=True)
    )
    return (
        "<h2>公开检查表</h2><table class='checklist'><tr><th>序号</th><th>部分</th>"
        "<th>检查项目</th><th>是否公开</th><th>是否一致</th><th>页/行</th><th>原文</th>"
        f"<th>问题说明</th></tr>{rows}</table>"
    )


def _printed_figure(table: pl.DataFrame, measure: str) -> Decimal:
    """A table's figure of one measure: its total row; the one row a table printed as one row
    is (Jiangsu's 支出预算总表); else the sum of the measures it is made of (基本支出 as 人员经费
    + 公用经费)."""
    printed = table.filter(pl.col("measure") == measure)
    totals = printed.filter(pl.col("row_role") == "total")
    if totals.height:
        return totals["amount"].sum()
    if printed.height == 1 and table.filter(pl.col("row_role") == "total").is_empty():
        return printed["amount"].sum()
    parts = measure_parts(measure)
    return sum((_printed_figure(table, part) for part in parts), Decimal(0))


def _by_economic_class(table: pl.DataFrame) -> dict[str, Decimal]:
    """人员经费 and 公用经费 of a basic-expenditure table printed by economic class only: its
    lowest printed rows of the personnel classes, and the rest."""
    rows = table.filter(
        (pl.col("measure") == "total")
        & (pl.col("row_role") == "item")
        & pl.col("economic_code").is_not_null()
    )
    codes = set(rows["economic_code"])
    lowest = rows.filter(
        ~pl.col("economic_code").map_elements(
            lambda code: any(c != code and c.startswith(code) for c in codes),
            return_dtype=pl.Boolean,
        )
    )
    classes = list(measures()["personnel"].economic_classes)
    personnel = lowest.filter(pl.col("economic_code").str.slice(0, 3).is_in(classes))
    return {
        "personnel": personnel["amount"].sum(),
        "public_use": lowest["amount"].sum() - personnel["amount"].sum(),
    }


def chart_figures(result: DocumentResult) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The charts' figures: the expenditure structure (基本/项目, 人员/公用) and the 三公 parts,
    read from the tables by class in every family, and of the document's own kind (a 决算
    prints the plan beside the outcome)."""
    topics = {spec.number: spec.topic for spec in TEMPLATES.get(result.template or "", ())}
    basis = "actual" if result.metadata.kind == "final_accounts" else "budget"
    facts = result.facts.filter(pl.col("basis") == basis).with_columns(
        pl.col("table_no")
        .replace_strict(topics, default=None, return_dtype=pl.String)
        .alias("topic")
    )
    expenditure = facts.filter(pl.col("topic") == "expenditure")
    basic = facts.filter(pl.col("topic") == "general_budget_basic")
    totals = {
        "basic_expenditure": _printed_figure(expenditure, "basic_expenditure"),
        "project_expenditure": _printed_figure(expenditure, "project_expenditure"),
        "personnel": _printed_figure(basic, "personnel"),
        "public_use": _printed_figure(basic, "public_use"),
    }
    if not totals["personnel"] and not totals["public_use"]:
        totals.update(_by_economic_class(basic))
    three = {
        m: facts.filter((pl.col("topic") == "three_public") & (pl.col("measure") == m))[
            "amount"
        ].sum()
        for m in ("abroad", "vehicle_purchase", "vehicle_running", "reception")
    }
    return totals, three


def render_report(
    path: Path,
    result: DocumentResult,
    findings: pl.DataFrame,
    completeness: int | None = None,
    checklist: pl.DataFrame | None = None,
) -> str:
    """The report page of one extracted, checked document, with its review checklist."""
    document = read_document(path.read_bytes(), path.name)
    tables = [t for t in recognise_tables(document, TABLES) if t.spec]
    failed = findings.filter(pl.col("passed") == False).to_dicts()  # noqa: E712
    failed.sort(
        key=lambda r: (SEVERITY_ORDER[finding_class(r)], r["table_no"] or 0, r["source_line"] or 0)
    )
    flagged: dict[int, tuple[str, str]] = {}
    for finding in failed:
        if finding["source_line"] and finding["severity"] in ("error", "warning"):
            flagged.setdefault(finding["source_line"], (finding["severity"], finding["message_zh"]))
    meta = result.metadata
    totals, three = chart_figures(result)
    inventory = "".join(
        f"<tr><td>表{row['table_no']}</td><td class='text'>{_e(row['table_name'])}</td>"
        f"<td class='text'>{_e(row['status'])}</td><td>{row['fact_count']}</td></tr>"
        for row in result.tables.iter_rows(named=True)
    )
    finding_items = "".join(
        f"<li class='finding {finding_class(f)}'>[{_e(LABELS['zh'][finding_class(f)])}] "
        f"{_e(f['message_zh'])}"
        f"{' — 第' + str(f['source_line']) + '行' if f['source_line'] else ''}</li>"
        for f in failed
    )
    checks = findings.height
    told = [finding_class(f) for f in failed]
    counts = "，".join(
        f"{told.count(name)} 项{LABELS['zh'][name]}" for name in FINDING_CLASSES if name in told
    ) or ("全部通过" if findings.filter(pl.col("passed")).height else "无可核对的内容")
    score = (
        f"<p>披露完整度 <span class='score'>{completeness}</span> / 100</p>"
        if completeness is not None
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>{_e(meta.department)} {meta.fiscal_year}
</title><style>{STYLE}</style></head><body>
<h1>{_e(meta.department)} · {meta.fiscal_year}年{"预算" if meta.kind == "budget" else "决算"}</h1>
<table class="meta"><tr><td>地区</td><td>{_e(meta.region)}</td></tr>
<tr><td>单位</td><td>{_e(meta.unit)}</td></tr><tr><td>日期</td><td>{
        _e(meta.published_date)
    }</td></tr>
<tr><td>文件</td><td>{_e(result.source_file)} ({result.sha256[:16]})</td></tr></table>
{score}
<h2>数据质量：{checks} 项检查，{counts}</h2><ul>{finding_items}</ul>
{checklist_html(checklist) if checklist is not None else ""}
<h2>结构</h2>
{
        bar_chart(
            "支出结构（万元）",
            [
                ("基本支出", totals["basic_expenditure"]),
                ("项目支出", totals["project_expenditure"]),
                ("人员经费", totals["personnel"]),
                ("公用经费", totals["public_use"]),
            ],
        )
    }
{
        bar_chart(
            "“三公”经费（万元）",
            [
                ("因公出国（境）费", three["abroad"]),
                ("公务用车购置费", three["vehicle_purchase"]),
                ("公务用车运行费", three["vehicle_running"]),
                ("公务接待费", three["reception"]),
            ],
        )
    }
<h2>公开表</h2><table><tr><th>表</th><th>名称</th><th>状态</th><th>数字</th></tr>{inventory}</table>
{"".join(_table_html(t, flagged) for t in tables)}
</body></html>
"""
