"""A file without any described table is told apart: not a disclosure, or a disclosure that
could not be read (passages from the real corpus: cities/ holds a scraper's mistakes)."""

from __future__ import annotations

from pipelines.disclosure import not_a_disclosure
from pipelines.document import Document, Paragraph, Position


def document(*lines: str) -> Document:
    return Document(
        "x",
        "pdf",
        tuple(Paragraph(line, Position(page=1, line=n)) for n, line in enumerate(lines, 1)),
    )


def test_a_notice_under_a_budgets_name_is_not_a_disclosure() -> None:
    reason = not_a_disclosure(
        document(
            "巡 察 通 告",
            "按照宁波市委统一部署，市委第三巡察组于 2025 年 9 月 12 日至 11 月中旬，对市卫生健康委"
            "党委开展巡察。现将有关事项通告如下：",
        )
    )
    assert reason is not None and "it opens: «巡 察 通 告" in reason


def test_a_statistics_bulletin_printing_budget_figures_is_not_a_disclosure() -> None:
    bulletin = document(
        "2026年1—2月泉州市国民经济主要指标",
        "四、地方一般公共预算收入 亿元 128.48 -9.3",
        "一般公共预算支出 亿元 139.50 6.8",
        "五、期末金融机构本外币存款余额 亿元 13247.34 5.7",
    )
    assert "no title line names" in not_a_disclosure(bulletin)


def test_a_viewer_page_naming_a_disclosure_without_figures_names_its_attachments() -> None:
    page = document(
        "2026年郑州市市场监督管理局所属单位预算公开",
        "附件",
        "2026年郑州市市场监督管理局机关单位预算公开.pdf",
        "2026年郑州市消费者协会单位预算公开.pdf",
    )
    reason = not_a_disclosure(page)
    assert "prints 0 figures" in reason
    assert "2 attachment(s)" in reason and "2026年郑州市消费者协会单位预算公开.pdf" in reason


def test_a_one_table_page_in_yuan_is_a_disclosure_that_was_not_read() -> None:
    page = document(
        "岳阳县2017年度部门“三公”经费预算情况表",
        "单位：元",
        "支出合计 | 250000",
        "公务接待费 | 150000",
        "公务用车费 | 100000",
    )
    assert not_a_disclosure(page) is None


def test_a_budget_narrative_with_figures_is_a_disclosure() -> None:
    narrative = document(
        "江苏省人民检察院2017年部门预算",
        "2017年收入预算17,996.68万元，其中财政拨款17,981.68万元，其他资金15.00万元。",
        "基本支出12,323.48万元，项目支出5,533.00万元，单位预留机动经费140.20万元。",
    )
    assert not_a_disclosure(narrative) is None


def test_a_performance_evaluation_report_printing_a_budget_table_is_not_a_disclosure() -> None:
    """A 绩效评价报告 quotes the department's 部门支出总体情况表: its table was read as a budget's
    and the report loaded as a budget."""
    from pipelines.extract import extract_document

    from .conftest import KEZHOU

    lines = KEZHOU.read_text(encoding="utf-8").splitlines(keepends=True)
    title = "克州政府办公室2019年度部门整体支出绩效评价报告\n\n一、基本情况\n"
    report = title + "".join(lines[522:736])
    result = extract_document(report.encode("utf-8"), "report.txt")
    assert result.status == "not_disclosure"
    assert "«克州政府办公室2019年度部门整体支出绩效评价报告»" in result.reason
    assert extract_document("".join(lines[522:736]).encode("utf-8"), "t.txt").status == "loaded"
