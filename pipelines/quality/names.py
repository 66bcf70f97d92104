"""Findings name a table by the number the document prints for it.

Rules write a table as gongkai numbers it: a family's table by its place in the family's
template (表3), a class's national table by the class's own number (表110). Where the document
prints another number for the table (湖州 2026 prints its 国有资本经营预算支出表 as 表09), the
finding says that one; a national table the document prints no number for is named by its
class (《国有资本经营预算支出表》). A printed number equal to gongkai's (表三 for 表3) changes
nothing. Tables no description reads are 未识别表N in every message and keep it.
"""

from __future__ import annotations

import re

import polars as pl

from pipelines.description import NATIONAL

DIGITS = "零一二三四五六七八九"
PRINTED = re.compile(r"表\s*([0-9]+|[零一二三四五六七八九十]+)")
ZH_TABLE = re.compile(r"(?<!未识别)表(\d+)")
EN_TABLE = re.compile(r"(?<!unrecognised )table (\d+)")


def numeral(text: str) -> int | None:
    """The value of a table number as printed: 09, 11, 三, 十一, 二十三."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(units) if units else 0)
    if len(text) == 1 and text in DIGITS:
        return DIGITS.index(text)
    return None


def table_names(tables: pl.DataFrame) -> dict[tuple[str, int], str]:
    """Per document and table number gongkai gives, the name the document's own numbering
    gives, where it differs."""
    names = {}
    for document_id, template, table_no, printed, name in tables.select(
        "document_id", "template", "table_no", "printed_number", "table_name"
    ).iter_rows():
        found = PRINTED.match(printed or "")
        value = numeral(found.group(1)) if found else None
        if value is not None and value != table_no:
            names[(document_id, table_no)] = f"表{found.group(1)}"
        elif value is None and template == NATIONAL:
            names[(document_id, table_no)] = f"《{name}》"
    return names


def with_printed_names(results: pl.DataFrame, tables: pl.DataFrame) -> pl.DataFrame:
    """The results with every table in their messages named as the document numbers it."""
    names = table_names(tables)
    if not names:
        return results
    rows = results.to_dicts()
    for row in rows:
        document = row["document_id"]

        def zh(found: re.Match, document: str = document) -> str:
            return names.get((document, int(found.group(1))), found.group(0))

        def en(found: re.Match, document: str = document) -> str:
            name = names.get((document, int(found.group(1))))
            return f"table {name}" if name else found.group(0)

        row["message_zh"] = ZH_TABLE.sub(zh, row["message_zh"] or "")
        row["message_en"] = EN_TABLE.sub(en, row["message_en"] or "")
        if row["subject"] and ZH_TABLE.fullmatch(row["subject"]):
            row["subject"] = ZH_TABLE.sub(zh, row["subject"])
    return pl.DataFrame(rows, schema=results.schema)
