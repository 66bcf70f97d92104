"""The marts hold for every family: codes named from the list of the document's own year, and a
completeness score out of 100 whatever the number of tables the family prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CORPUS, query, warehouse_of


@pytest.fixture(scope="module")
def jiangsu_2017(tmp_path_factory) -> Path:
    """江苏省人民检察院's 2017 budget, a family of twelve tables."""
    return warehouse_of([CORPUS / "2017_yusuan_jiangsu_jianchayuan.pdf"], tmp_path_factory)


def test_a_2017_document_is_named_by_the_pre_2018_economic_list(jiangsu_2017) -> None:
    """30311 is 住房公积金 before the 2018 reform and 代缴社会保险费 after; 30217 招待费, then
    公务接待费."""
    names = dict(
        query(
            jiangsu_2017,
            "SELECT economic_code, name FROM v_economic_structure "
            "WHERE economic_code IN ('30217', '30311')",
        )
    )
    assert names == {"30217": "招待费", "30311": "住房公积金"}


def test_twelve_tables_share_the_45_table_points(jiangsu_2017) -> None:
    [(tables, points, score)] = query(
        jiangsu_2017,
        "SELECT (SELECT count(*) FROM document_table WHERE status IN ('data', 'empty_explained')),"
        " tables_points, score FROM v_disclosure_completeness",
    )
    assert points == pytest.approx(45 * tables / 12, abs=0.05)
    assert points <= 45 and score <= 100
