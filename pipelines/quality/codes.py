"""Code validity: every printed code against the reference list of its year, its nesting, and
its uniqueness within a table."""

from __future__ import annotations

import polars as pl

from pipelines.catalog import table_topics
from pipelines.classification import judge_code, known_codes, level_of, list_is_complete

FAMILY = "code_validity"
KIND_ZH = {"function": "功能分类", "economic": "经济分类"}
STATUS = {
    # status: (severity, Chinese, English)
    "match": (
        "info",
        "编码与名称均与当年分类一致",
        "code and name match that year's classification",
    ),
    "known_variant": ("info", "名称为已知的地方写法", "the name is a known local wording"),
    "former_name": (
        "warning",
        "名称为改名前的旧科目名称",
        "the name is the class's name before it was renamed",
    ),
    "name_differs": (
        "warning",
        "名称与当年分类不一致",
        "the name differs from that year's classification",
    ),
    "not_in_national_list": (
        "warning",
        "编码不在全国分类中（可能为地方科目）",
        "not in the national list (possibly a local code)",
    ),
    "unverified": (
        "info",
        "参考科目表不完整，无法核实",
        "unverified: the reference list is incomplete",
    ),
    "malformed": (
        "error",
        "编码位数不符（类3位、款5位、项7位）",
        "malformed code (类 3 digits, 款 5, 项 7)",
    ),
}


def _row(
    code: dict,
    check_id: str,
    status: str,
    severity: str,
    expected: str | None,
    observed: str | None,
    zh: str,
    en: str,
) -> dict:
    name = code["printed_name"] or ""
    kind = KIND_ZH.get(code["code_kind"], code["code_kind"])
    return {
        "document_id": code["document_id"],
        "check_id": check_id,
        "rule_family": FAMILY,
        "severity": severity,
        "table_no": code["table_no"],
        "subject": code["code"],
        "expected": expected,
        "observed": observed,
        "difference": None,
        "status": status,
        "message_zh": f"表{code['table_no']}{kind}科目 {code['code']} {name}：{zh}",
        "message_en": (
            f"table {code['table_no']} {code['code_kind']} code {code['code']} {name}: {en}"
        ),
        "source_line": code["source_line"],
        "source_page": code["source_page"],
        "source_row": code["source_row"],
        "source_column": None,
    }


def code_comparisons(codes: pl.DataFrame, documents: pl.DataFrame) -> list[dict]:
    """Existence and name, nesting, and uniqueness of every printed code."""
    years = dict(documents.select("document_id", "fiscal_year").iter_rows())
    found = []
    records = codes.to_dicts()
    for code in records:
        judged = judge_code(
            code["code_kind"], code["code"], code["printed_name"], years.get(code["document_id"])
        )
        status = judged["status"]
        severity, zh, en = STATUS[status]
        official = judged["official_name"]
        if status == "name_differs":
            zh += f"，规范名称为「{official}」（相似度 {judged['similarity']}%）"
            en += f"; the official name is {official} (similarity {judged['similarity']}%)"
        elif status == "former_name":
            zh += f"（用至{judged['renamed_after']}年），当年规范名称为「{official}」"
            en += f" (until {judged['renamed_after']}); that year's name is {official}"
        if judged["reference_status"] == "recall":
            zh += "（参考条目未经公开来源证实）"
            en += " (the reference row rests on recall, not a public source)"
        found.append(
            _row(
                code,
                "code.in_classification",
                status,
                severity,
                official,
                code["printed_name"],
                zh,
                en,
            )
        )
        level = level_of(code["code_kind"], code["code"])
        if level and level > 1:
            found.append(_nesting(code, judged["reference_year"]))
    groups: dict[tuple, list[dict]] = {}
    topics = table_topics()
    for code in records:
        # a project table lists a code once per project
        if topics.get((code["template"], code["table_no"])) != "project":
            groups.setdefault((code["document_id"], code["table_no"], code["code"]), []).append(
                code
            )
    for printed in groups.values():
        count, lines = len(printed), [str(c["source_line"]) for c in printed]
        found.append(
            _row(
                printed[0],
                "code.unique_in_table",
                "unique" if count == 1 else "repeated",
                "warning",
                "1",
                str(count),
                "在表内只出现一次"
                if count == 1
                else f"在表内出现 {count} 次（第 {'、'.join(lines)} 行）",
                "appears once in the table"
                if count == 1
                else f"appears {count} times in the table (lines {', '.join(lines)})",
            )
        )
    return found


def _nesting(code: dict, year: int) -> dict:
    """A 款 or 项 code must sit under a 类 that exists in the (complete) 类 list."""
    head = code["code"][:3]
    if head in known_codes(code["code_kind"], year):
        return _row(
            code,
            "code.nesting",
            "nested",
            "error",
            head,
            head,
            f"所属类 {head} 存在",
            f"its 类 {head} exists",
        )
    complete = list_is_complete(code["code_kind"], year, 1, None)
    status = "orphan" if complete else "unverified"
    return _row(
        code,
        "code.nesting",
        status,
        "error" if complete else "info",
        None,
        head,
        f"所属类 {head} 不在当年分类中",
        f"its 类 {head} is not in that year's list",
    )
