"""Findings name a table by the number the document prints, not by gongkai's own."""

from __future__ import annotations

import polars as pl

from expectations.runner import judge_sql
from pipelines.extract import extract_file
from pipelines.quality import QualityInput, judged
from pipelines.quality.names import numeral
from tests.conftest import CORPUS, RAW_DIR


def test_printed_table_numbers_are_read_in_either_numerals() -> None:
    assert [numeral(text) for text in ("09", "11", "三", "十", "十一", "二十三")] == [
        9,
        11,
        3,
        10,
        11,
        23,
    ]


def test_a_national_table_is_named_by_the_number_the_document_prints() -> None:
    """湖州市财政局 2026 prints its 国有资本经营预算支出表 as 表09: its checks say 表09, never the
    class's own 表110."""
    result = extract_file(CORPUS / "2026_yusuan_zhejiang-huzhou_caizhengju.pdf", RAW_DIR)
    results = judged(QualityInput.from_result(result), judge_sql)
    state_capital = results.filter(pl.col("table_no") == 110)
    assert state_capital.height
    assert all(message.startswith("表09") for message in state_capital["message_zh"])
    assert not results["message_zh"].str.contains("表110").any()
