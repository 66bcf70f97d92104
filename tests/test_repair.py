"""Reading repair: a described table continued in a table with no title after it is joined
where, and only where, the joined reading's sums verify."""

from __future__ import annotations

from pathlib import Path

from pipelines.extract import extract_file
from pipelines.synth import BASE, PAGE_NUMBER

BASIC_TABLE = "一般公共预算基本支出情况表"
HEATING_ROW = "\t302\n\t08\n\t取暖费\n\t42\n\t\n\t42\n\n"
TOTAL_ROW = "\t\n\t\n\t合计\n\t1695.33\n\t968.54\n\t726.79\n\n"


def _read(tmp_path: Path, text: str):
    path = tmp_path / "2020_yusuan_xinjiang-changji_zhengfu-bangongshi.txt"
    path.write_text(text, encoding="utf-8")
    return extract_file(path, tmp_path)


def _basic_rows(result) -> int:
    return result.facts.filter(result.facts["table_no"] == 6).height


def test_a_table_cut_by_a_page_number_is_joined_again(tmp_path) -> None:
    """昌吉 2020 表六 with 页码 "- 12 -" printed after 302 08 取暖费: the 11 rows after it and the
    合计 1695.33 become a table with no title; joined, 表六 has all its facts again."""
    seed = BASE.read_text(encoding="utf-8")
    clean = _read(tmp_path, seed)
    at = seed.index(HEATING_ROW, seed.index(BASIC_TABLE)) + len(HEATING_ROW)
    cut = _read(tmp_path, seed[:at] + PAGE_NUMBER + seed[at:])
    assert _basic_rows(cut) == _basic_rows(clean)
    assert cut.facts.filter(cut.facts["template"] == "unrecognised").height == 0
    [repair] = cut.warnings_frame.filter(cut.warnings_frame["kind"] == "continuation_joined").rows(
        named=True
    )
    assert repair["table_no"] == 6


def test_a_table_with_no_title_that_the_total_does_not_cover_stays_apart(tmp_path) -> None:
    """A row of the same width printed after 表六's 合计 is not part of 表六: joined, the 合计
    would no longer add up, so its numbers stay unrecognised facts."""
    seed = BASE.read_text(encoding="utf-8")
    at = seed.index(TOTAL_ROW, seed.index(BASIC_TABLE)) + len(TOTAL_ROW)
    stray = "\t302\n\t99\n\t其他商品和服务支出\n\t5\n\t\n\t5\n\n"
    apart = _read(tmp_path, seed[:at] + PAGE_NUMBER + stray + seed[at:])
    assert apart.warnings_frame.filter(
        apart.warnings_frame["kind"] == "continuation_joined"
    ).is_empty()
    assert apart.facts.filter(apart.facts["template"] == "unrecognised").height > 0
