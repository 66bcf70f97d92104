"""Reference classification codes (支出功能分类, 部门预算支出经济分类) and how far they reach.

The shipped lists are partial (see reference/classification/SOURCES.md). So a code is judged
against both the list and its coverage: absent from a list that is complete for its level and
parent, it is "not in the national list" (possibly a local code); absent from an incomplete
list, it is only "unverified". A row the list itself marks `uncertain` verifies nothing.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz

REFERENCE_DIR = Path(__file__).parent / "reference" / "classification"
LISTS = {
    ("function", 2020): "function_classification_2020_partial.csv",
    ("function", 2026): "function_classification_2026_attested.csv",
    ("economic", 2020): "economic_classification_dept_2020.csv",
    ("economic", 2017): "economic_classification_dept_pre2018.csv",
    # 政府预算支出经济分类, printed beside the department one (mostly recall: see SOURCES.md)
    ("gov_economic", 2020): "economic_classification_gov_2020.csv",
}
PASSING_STATUSES = ("match", "known_variant")
# the codes and names 2026 documents print (attestation, not a complete list): they speak for
# documents from 2024, when the list last changed (20139 社会工作事务), and never reject a code
ATTESTED = {"function": 2026}
ATTESTED_FROM = 2024


def reference_year(classification: str, fiscal_year: int | None) -> int:
    """The list a document's year is judged by: the 2018 economic reform splits the lists."""
    if classification == "economic" and fiscal_year is not None and fiscal_year < 2018:
        return 2017
    return 2020


@cache
def reference_codes() -> pl.DataFrame:
    """Every shipped reference row: classification, year, code, name, level, parent, status."""
    frames = []
    for (classification, year), name in LISTS.items():
        frame = pl.read_csv(
            REFERENCE_DIR / name, schema_overrides={"code": pl.String, "parent_code": pl.String}
        )
        frames.append(
            frame.with_columns(
                pl.lit(classification).alias("classification"), pl.lit(year).alias("list_year")
            )
        )
    return pl.concat(frames)


@cache
def coverage() -> pl.DataFrame:
    return pl.read_csv(
        REFERENCE_DIR / "coverage.csv",
        schema_overrides={"parent_code": pl.String, "complete": pl.Boolean},
    )


@cache
def name_variants() -> dict[tuple[str, str], set[str]]:
    frame = pl.read_csv(REFERENCE_DIR / "name_variants.csv", schema_overrides={"code": pl.String})
    variants: dict[tuple[str, str], set[str]] = {}
    for classification, code, variant, _, _ in frame.iter_rows():
        variants.setdefault((classification, code), set()).add(normalise_name(variant))
    return variants


@cache
def former_names() -> dict[tuple[str, str, str], int]:
    """(classification, code, name) of a name the national list gave a code until a year it
    was renamed (210 医疗卫生与计划生育支出 until 2018, 卫生健康支出 since), to that last year:
    printed in a later document, it is the old name, not a wording."""
    frame = pl.read_csv(
        REFERENCE_DIR / "name_variants.csv",
        schema_overrides={"code": pl.String, "last_year": pl.Int32},
    )
    return {
        (classification, code, normalise_name(variant)): last_year
        for classification, code, variant, _, last_year in frame.iter_rows()
        if last_year is not None
    }


@cache
def function_class_codes() -> dict[str, str]:
    """功能分类 类 names (current and earlier wordings) to their 3-digit codes, for tables that
    print a class by name only (`一、一般公共服务支出`)."""
    codes = reference_codes().filter(
        (pl.col("classification") == "function") & (pl.col("level") == 1)
    )
    names = {normalise_name(name): code for code, name in codes.select("code", "name").iter_rows()}
    for (classification, code), variants in name_variants().items():
        if classification == "function" and len(code) == 3:
            names.update(dict.fromkeys(variants, code))
    return names


@cache
def _function_children() -> dict[tuple[str, str], str | None]:
    """(parent code, name) to the one 款 or 项 code of that name under the parent, from every
    list; None where two codes under one parent share the name."""
    rows = reference_codes().filter(
        (pl.col("classification") == "function") & (pl.col("level") > 1)
    )
    found: dict[tuple[str, str], str | None] = {}
    for code, name in rows.select("code", "name").unique().iter_rows():
        key = (code[:-2], normalise_name(name))
        found[key] = code if found.get(key, code) == code else None
    return found


def function_child_code(parent: str, name: str) -> str | None:
    """The 款 or 项 code a name means under a printed parent code, for tables that print
    every level by name only (湖州 2026: 一般公共服务支出 / 财政事务 / 行政运行)."""
    return _function_children().get((parent, normalise_name(name)))


def normalise_name(name: str) -> str:
    """Names compare without white space and with one kind of parentheses."""
    name = re.sub(r"[\s\u3000]+", "", name)
    return name.replace("(", "（").replace(")", "）")


def level_of(classification: str, code: str) -> int | None:
    lengths = {3: 1, 5: 2, 7: 3} if classification == "function" else {3: 1, 5: 2}
    return lengths.get(len(code)) if code.isdigit() else None


@cache
def _coverage_rows() -> dict[tuple[str, int, int], list[tuple[str | None, bool | None]]]:
    """Coverage by classification, year and level: (parent code, complete) in the file's order."""
    rows: dict[tuple[str, int, int], list[tuple[str | None, bool | None]]] = {}
    for row in coverage().iter_rows(named=True):
        key = (row["classification"], row["year"], row["level"])
        rows.setdefault(key, []).append((row["parent_code"], row["complete"]))
    return rows


@cache
def list_is_complete(classification: str, year: int, level: int, parent: str | None) -> bool:
    rows = _coverage_rows().get((classification, year, level), [])
    exact = [complete for code, complete in rows if code == parent]
    chosen = exact or [complete for code, complete in rows if code == "*"]
    return bool(chosen and chosen[0])


def judge_code(
    classification: str, code: str, printed_name: str | None, fiscal_year: int | None
) -> dict:
    """How a printed code and name stand against the reference list of its year (see
    `_judge`); codes repeat across documents, so the answer is computed once per code and name."""
    return dict(_judge(classification, code, printed_name, fiscal_year))


@cache
def known_codes(classification: str, year: int) -> frozenset[str]:
    """Every code of a reference list."""
    rows = reference_codes().filter(
        (pl.col("classification") == classification) & (pl.col("list_year") == year)
    )
    return frozenset(rows["code"].to_list())


@cache
def _judge(
    classification: str, code: str, printed_name: str | None, fiscal_year: int | None
) -> dict:
    """How a printed code and name stand against the reference list of its year.

    Returns `status` (match, known_variant, former_name, name_differs, not_in_national_list,
    unverified, local_subcode, malformed), the official name where known, the similarity of the
    printed name, the reference row's own evidence status, and for a former name its last
    year. From 2024 the codes 2026 documents print count as well: a code or name found there
    is valid, and the 2020 list's completeness no longer holds. Another year's wording of the
    name is a variant (`_is_variant`); a name renamed before the document's year is not.
    """
    year = reference_year(classification, fiscal_year)
    level = level_of(classification, code)
    if classification == "economic" and len(code) == LOCAL_SUBCODE and code.isdigit():
        return _local_subcode(code, fiscal_year)
    result = {
        "status": "malformed",
        "official_name": None,
        "similarity": None,
        "reference_status": None,
        "reference_year": year,
        "renamed_after": None,
    }
    if level is None:
        return result
    parent = code[:-2] if level > 1 else None
    attested = ATTESTED.get(classification)
    later = attested is not None and fiscal_year is not None and fiscal_year >= ATTESTED_FROM
    lists = [year, attested] if later else [year]
    found = [
        row
        for list_year in lists
        for row in _rows(classification, list_year, code)
        if row["status"] != "uncertain"
    ]
    if not found:
        complete = not later and list_is_complete(classification, year, level, parent)
        if complete and level > 1 and not _rows(classification, year, code[:3]):
            complete = False
        result["status"] = "not_in_national_list" if complete else "unverified"
        return result
    printed = normalise_name(printed_name) if printed_name is not None else None
    same = next((row for row in found if printed in (None, normalise_name(row["name"]))), None)
    official = same or found[0]
    result["official_name"] = official["name"]
    result["reference_status"] = official["status"]
    result["reference_year"] = official["list_year"]
    renamed = former_names().get((classification, code, printed or ""))
    if same is not None:
        result["status"] = "match"
    elif renamed is not None and fiscal_year is not None and fiscal_year > renamed:
        result["status"] = "former_name"
        result["renamed_after"] = renamed
    elif _is_variant(classification, code, printed, official):
        result["status"] = "known_variant"
    else:
        result["status"] = "name_differs"
        result["similarity"] = round(fuzz.ratio(printed, normalise_name(official["name"])), 1)
    return result


LOCAL_SUBCODE = 7  # the economic lists stop at 款 (5 digits); a department may refine one


def _local_subcode(code: str, fiscal_year: int | None) -> dict:
    """A 7-digit economic code (3010201 under 30102): a department's own refinement of a
    national 款, valid where that 款's 类 exists; its sums into the 款 are the level checks'."""
    parent = dict(_judge("economic", code[:5], None, fiscal_year))
    if code[:3] not in known_codes("economic", parent["reference_year"]):
        return {**parent, "status": "malformed", "official_name": None}
    return {**parent, "status": "local_subcode", "similarity": None, "renamed_after": None}


def _rows(classification: str, list_year: int, code: str) -> list[dict]:
    return _reference_rows().get((classification, list_year, code), [])


@cache
def _reference_rows() -> dict[tuple[str, int, str], list[dict]]:
    """The reference lists' rows by classification, list year and code: a code is looked up,
    not filtered for (a filter per code made checking a table of thousands of codes slow)."""
    rows: dict[tuple[str, int, str], list[dict]] = {}
    for row in reference_codes().to_dicts():
        rows.setdefault((row["classification"], row["list_year"], row["code"]), []).append(row)
    return rows


def _is_variant(classification: str, code: str, printed: str, official: dict) -> bool:
    """A wording of the code's name: listed as a local variant, the name another year's list
    gives the code (30217 公务接待费 for the old list's 招待费), or a later list's wording of
    the same item (30104 其他社会保障缴费 for the old list's 社会保障缴费)."""
    lists = reference_codes().filter(pl.col("classification") == classification)
    same_code = {normalise_name(name) for name in lists.filter(pl.col("code") == code)["name"]}
    later = {
        normalise_name(name)
        for name in lists.filter(
            (pl.col("list_year") > official["list_year"])
            & ~pl.col("list_year").is_in(list(ATTESTED.values()))
        )["name"]
    }
    name = normalise_name(official["name"])
    return (
        printed in name_variants().get((classification, code), set())
        or printed in same_code
        or (printed in later and (name in printed or printed in name))
    )


DIMENSION_SCHEMA = {
    "code": pl.String,
    "name": pl.String,
    "level": pl.Int16,
    "parent_code": pl.String,
    "year": pl.Int32,
    "status": pl.String,
    "evidence": pl.String,
    "list_complete": pl.Boolean,
    "source": pl.String,
}


def classification_dimension(
    classification: str, printed: pl.DataFrame, documents: pl.DataFrame
) -> pl.DataFrame:
    """The reference list of a classification, plus every printed code the list lacks.

    `list_complete` says whether the list is complete for the code's level and parent (so an
    absent code is really absent, not just unlisted); codes known only from documents carry
    `source = 'document'`, the name most often printed and status `not_in_national_list` or
    `unverified`.
    """
    reference = reference_codes().filter(pl.col("classification") == classification)
    rows = [
        {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "parent_code": row["parent_code"],
            "year": row["list_year"],
            "status": row["status"],
            "evidence": row["evidence"],
            "list_complete": list_is_complete(
                classification, row["list_year"], row["level"], row["parent_code"]
            ),
            "source": "reference",
        }
        for row in reference.iter_rows(named=True)
    ]
    known = {(row["code"], row["year"]) for row in rows}
    years = dict(documents.select("document_id", "fiscal_year").iter_rows())
    names: dict[tuple[str, int], list[str]] = {}
    for document_id, code, name in (
        printed.filter(pl.col("code_kind") == classification)
        .select("document_id", "code", "printed_name")
        .iter_rows()
    ):
        year = reference_year(classification, years.get(document_id))
        if (code, year) not in known and level_of(classification, code):
            names.setdefault((code, year), []).append(name or "")
    for (code, year), printed_names in sorted(names.items()):
        level = level_of(classification, code)
        parent = code[:-2] if level > 1 else None
        judged = judge_code(classification, code, None, year)
        rows.append(
            {
                "code": code,
                # the name printed most often; of names printed as often, the first in order
                # (a set's order would change from process to process)
                "name": max(sorted(set(printed_names)), key=printed_names.count) or None,
                "level": level,
                "parent_code": parent,
                "year": year,
                "status": judged["status"],
                "evidence": "printed in documents",
                "list_complete": list_is_complete(classification, year, level, parent),
                "source": "document",
            }
        )
    return pl.DataFrame(rows, schema=DIMENSION_SCHEMA)
