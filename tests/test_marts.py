"""The marts name a document's codes from the classification list of its own year."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipelines.build import build

ROOT = Path(__file__).resolve().parent.parent
JIANCHAYUAN_2017 = ROOT / "data/raw/corpus/2017_yusuan_jiangsu_jianchayuan.pdf"


def test_a_2017_document_is_named_by_the_pre_2018_economic_list(tmp_path) -> None:
    """30311 is 住房公积金 before the 2018 reform and 代缴社会保险费 after; 30217 招待费, then
    公务接待费."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(JIANCHAYUAN_2017, raw / JIANCHAYUAN_2017.name)
    warehouse = tmp_path / "gongkai.duckdb"
    build(raw, warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        names = dict(
            connection.execute(
                "SELECT economic_code, name FROM v_economic_structure "
                "WHERE economic_code IN ('30217', '30311')"
            ).fetchall()
        )
    assert names == {"30217": "招待费", "30311": "住房公积金"}
