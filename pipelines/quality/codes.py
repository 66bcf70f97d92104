"""Code validity: every printed code against the reference list of its year, its nesting, and
its uniqueness within a table."""

from __future__ import annotations

import polars as pl

from pipelines.classification import judge_code, known_codes, level_of, list_is_complete
from pipelines.description import table_topics
from pipelines.facts import GOVERNMENT_ECONOMIC

FAMILY = "code_validity"
KIND_ZH = {"function": "功能分类", "economic": "经济分类", GOVERNMENT_ECONOMIC: "政府经济分类"}
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
    "local_subcode": (
        "info",
        "地方细化科目（全国分类止于款），所属款见规范名称",
        "a local sub-code of a national 款 (the national list stops at 款)",
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
        "reads": [
            {
                "template": code["template"],
                "table_no": code["table_no"],
                "page": code["source_page"],
                "row": code["source_row"],
                "column": None,
                "side": 0,
                "coded": True,
            }
        ],
    }


# the lengths a classification's codes have: 类 3 digits, 款 5, 项 7 (a department's own 7-digit
# economic sub-code of a 款 is no misreading either)
CODE_LENGTHS = {"function": (3, 5, 7), "economic": (3, 5, 7), GOVERNMENT_ECONOMIC: (3, 5)}
SEGMENT = 2  # a 款 or 项 part alone: how 类/款/项 printed in columns of their own read unjoined
STRAY = 0.1  # of a table's codes, at most this share may be odd and still be the document's


def _misread(codes: list[tuple[str, tuple[int, ...]]]) -> tuple[str, str] | None:
    """Why a table's printed codes (of one classification) are not a hierarchy as read, or None
    where they are — at most one odd code, which is the document's own (a 6-digit typo among
    well-formed codes)."""
    odd = [code for code, lengths in codes if not code.isdigit() or len(code) not in lengths]
    if not odd:
        return None
    if any(len(code) <= SEGMENT for code in odd):
        return (
            f"科目编码只读到一段（如「{min(odd, key=len)}」）：类、款、项可能分栏印制，"
            "上级编码未能接上",
            f"codes read as one segment only (such as {min(odd, key=len)!r}): 类, 款 and 项 "
            "printed in columns of their own, not joined to their parents",
        )
    if any(len(code) > 7 for code in odd):
        return (
            f"两个编码连成一个（如「{max(odd, key=len)}」）：可能并列印有两种分类",
            f"two codes run together (such as {max(odd, key=len)!r}): two classifications "
            "printed side by side",
        )
    if len(odd) > max(1, STRAY * len(codes)):
        return (
            f"{len(codes)} 个编码中 {len(odd)} 个位数不合规（类3位、款5位、项7位）：是误读的样子",
            f"{len(odd)} of {len(codes)} codes have no classification's length: a misreading",
        )
    return None


def code_reading_doubts(codes: pl.DataFrame) -> dict[tuple, tuple[str, str]]:
    """Per table (document, template, number) whose codes as read form no hierarchy, why:
    a code check, a sum by level or a comparison by class on it tells gongkai's doubt, not the
    document's error."""
    doubts = {}
    topics = table_topics()
    for (*key, _), table in codes.group_by(
        ["document_id", "template", "table_no", "budget_unit"]
    ):  # a table of units repeats its codes in each unit's block
        key = tuple(key)
        printed = [
            (code, CODE_LENGTHS.get(kind, (3, 5, 7)))
            for code, kind in table.select("code", "code_kind").iter_rows()
        ]
        own = table.filter(pl.col("code_kind") != GOVERNMENT_ECONOMIC)["code"].to_list()
        by_project = topics.get(key[1:]) == "project"  # a code once per project is no repeat
        if reason := _misread(printed) or (None if by_project else _repeated(own)):
            doubts.setdefault(key, reason)
    return doubts


def _repeated(codes: list[str]) -> tuple[str, str] | None:
    """Why codes printed again and again are a misreading: a table of several units each
    repeating the same codes (部门 汇总 then 本级 then each unit), or codes cut short so that
    rows share them; one code printed twice is the document's own (克州 2020 表六's 30201)."""
    repeats = len(codes) - len(set(codes))
    if repeats > max(1, STRAY * len(codes)):
        return (
            f"{len(codes)} 个编码中 {repeats} 个重复出现：疑为多个单位分块列示或编码未读全",
            f"{repeats} of {len(codes)} codes are printed again: blocks of several units, or "
            "codes read short",
        )
    return None


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
        elif status == "local_subcode":
            zh += f"：属款 {code['code'][:5]} {official or ''}".rstrip()
            en += f": under 款 {code['code'][:5]} {official or ''}".rstrip()
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
        # a project table lists a code once per project; a second classification printed
        # beside the first maps many of its codes to one of its own
        if (
            topics.get((code["template"], code["table_no"])) != "project"
            and code["code_kind"] != GOVERNMENT_ECONOMIC
        ):
            key = (code["document_id"], code["table_no"], code["budget_unit"], code["code"])
            groups.setdefault(key, []).append(code)
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
