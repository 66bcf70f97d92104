"""Narrative checks: what the prose says against the tables and against itself.

- `narrative.amount_matches_table`: a figure the narrative states for a table item (收支总预算,
  a funding source, 基本支出, 人员经费, an economic class in the 基本支出 list, a 三公 item, a
  functional code of the general public budget) equals the table's;
- `narrative.share_recomputes`: a share (占X%) equals its amount over the figure it is a share
  of, within the rounding its printed precision allows (±0.01 point beyond that);
- `narrative.change_agrees_with_percent`: a change and its percentage agree;
- `narrative.staffing_adds_up` / `narrative.assets_add_up`: 实有人数 = 在职 + 退休 + 离休,
  编制数 = its parts; 车辆 = 一般公务用车 + 执法执勤用车 + 其他车辆, in number and value.
The figures a rule reads are described in `NARRATIVE_TARGETS`, by section and subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

import polars as pl
from rapidfuzz import fuzz

from pipelines.description import (
    FUNDING_SOURCES,
    MEASURES,
    TEMPLATES,
    TOTAL,
    Figure,
    describes,
    figure_measures,
    normalise_label,
    topic_table,
)
from pipelines.quality.cross import DocumentFigures
from pipelines.quality.frame import amount_text, arithmetic_row, cells_read

FAMILY = "narrative"
THREE_PUBLIC = ("abroad", "vehicle_purchase", "vehicle_running", "reception")


@dataclass(frozen=True)
class Target:
    """Which table figure a claim states: claims in a matching section whose subject matches
    (or whose canonical measure is one of `measures`) are compared with `figure`, per key
    (`by`: the claim's function code, 类, or economic code) where given."""

    section: str
    subject: str | None
    figure: Figure
    measures: tuple[str, ...] = ()
    by: str | None = None


NARRATIVE_TARGETS: tuple[Target, ...] = (
    Target(r"", r"收支总预算|收入预算", Figure("overview", TOTAL, section="income")),
    Target(r"", r"支出预算", Figure("overview", TOTAL, section="expense")),
    Target(r"", r"财政拨款收支总预算", Figure("fiscal_overview", TOTAL, section="income")),
    Target(
        r"收入",
        None,
        Figure("overview", FUNDING_SOURCES, "items", section="income"),
        measures=FUNDING_SOURCES,
    ),
    Target(
        r"支出预算情况",
        None,
        Figure("expenditure", ("basic_expenditure",)),
        measures=("basic_expenditure",),
    ),
    Target(
        r"支出预算情况",
        None,
        Figure("expenditure", ("project_expenditure",)),
        measures=("project_expenditure",),
    ),
    Target(
        r"",
        r"一般公共预算(拨款)?基本支出",
        Figure("general_budget_expenditure", ("basic_expenditure",)),
    ),
    Target(
        r"基本支出情况",
        None,
        Figure("general_budget_basic", ("personnel",)),
        measures=("personnel",),
    ),
    Target(
        r"基本支出情况",
        None,
        Figure("general_budget_basic", ("public_use",)),
        measures=("public_use",),
    ),
    Target(
        r"基本支出情况",
        None,
        Figure("general_budget_basic", TOTAL, "items", parts=("personnel", "public_use")),
        by="economic_code",
    ),
    Target(r"三公", r"“三公”经费财政拨款", Figure("three_public", TOTAL, "items")),
    Target(r"三公", None, Figure("three_public", THREE_PUBLIC, "items"), measures=THREE_PUBLIC),
    Target(
        r"当年拨款", None, Figure("general_budget_expenditure", TOTAL, "items"), by="function_code"
    ),
)


SHARE_BASES: tuple[tuple[str, Figure], ...] = (
    (r'"?三公"?经费(预算)?(支出)?(合计|总额)?', Figure("three_public", TOTAL)),
    (r"(本年)?支出(预算)?(合计|总计)", Figure("overview", TOTAL, section="expense")),
    (r"(本年)?收入(预算)?(合计|总计)", Figure("overview", TOTAL, section="income")),
)


def _resolve_code(claim: dict, names: dict[str, str], kind: str) -> str | None:
    """The code a claim's subject names in this document: a code printed in its sentence
    (functional), the document's own row name (exactly, as a suffix, or nearly), or the
    reference name. A subject that reads empty names none."""
    subject = claim["subject"]
    if not subject:
        return None
    if kind == "function_code":
        if found := re.search(
            r"(\d{7})",
            claim["sentence"].split(subject)[-1][:30] if subject in claim["sentence"] else "",
        ):
            return found.group(1)
        for name, code in names.items():
            if subject.endswith(name) and len(code) == 7:
                return code
        return (
            claim["function_code"]
            if claim["function_code"] and len(claim["function_code"]) == 7
            else None
        )
    if subject in names:
        return names[subject]
    close = max(names, key=lambda n: fuzz.ratio(n, subject), default=None)
    if close and (subject.startswith(close) or fuzz.ratio(close, subject) >= 85):
        return names[close]
    return claim["economic_code"]


@cache
def _pattern(text: str) -> re.Pattern:
    return re.compile(text)


def _matches(target: Target, claim: dict) -> bool:
    if claim["amount_wan"] is None or not _pattern(target.section).search(claim["section"] or ""):
        return False
    if target.subject:
        return bool(_pattern(target.subject).fullmatch(claim["subject"]))
    if target.measures:
        return claim["measure"] in target.measures
    return target.by is not None


def _amount_rows(
    document_id: str,
    template: str,
    claims: list[dict],
    figures: DocumentFigures,
    codes: dict[str, dict[str, str]],
) -> list[dict]:
    found = []
    for claim in claims:
        target = next((t for t in NARRATIVE_TARGETS if _matches(t, claim)), None)
        if target is None:
            continue
        figure = target.figure
        spec = topic_table(template, figure.topic)
        if spec is None or not describes(template, figure):
            continue
        table_no = spec.number
        key_filter = None
        if target.by:
            kind = "function_code" if target.by == "function_code" else "economic_code"
            key_filter = _resolve_code(claim, codes[kind], kind)
            if key_filter is None:
                continue
        if target.measures and not target.subject:
            figure = replace(figure, measures=(claim["measure"],))
        by = "function_code" if target.by == "function_code" else None
        sums = figures.read(template, figure, by)
        # a figure no fact of the table carries (a row not read, or printed blank) is not
        # evaluated against a figure the narrative gives: nothing read is not a 0 that
        # contradicts it (a narrative 0 agrees with it)
        unread = claim["amount_wan"] != 0
        coded = target.by is not None
        if target.by == "function_code":
            if key_filter not in sums and unread:
                continue
            expected = sums.get(key_filter, (Decimal(0), None))[0]
            terms = figures.terms(template, figure, by).get(key_filter, [])
        elif target.by == "economic_code":
            terms = [
                f
                for f in figures.facts
                if f["table_no"] == table_no
                and f["economic_code"] == key_filter
                and f["measure"] in figure_measures(figure, template)
                and f["row_role"] == "item"
            ]
            if not terms and unread:
                continue
            expected = sum((f["amount"] for f in terms), Decimal(0))
        else:
            if not sums and unread:
                continue
            expected = sum((amount for amount, _ in sums.values()), Decimal(0))
            terms = [f for found in figures.terms(template, figure, by).values() for f in found]
        subject = claim["subject"] + (f"（{key_filter}）" if key_filter else "")
        found.append(
            arithmetic_row(
                document_id=document_id,
                check_id="narrative.amount_matches_table",
                family=FAMILY,
                severity="error",
                table_no=table_no,
                subject=subject,
                expected=expected,
                observed=claim["amount_wan"],
                what_zh=f"（情况说明所述应与表{table_no}一致）",
                what_en=f"(the narrative's figure agrees with table {table_no})",
                source_line=claim["source_line"],
                source_page=claim["source_page"],
                rounding=_printed_rounding(claim),
                reads=[*cells_read(terms, -1, coded), prose_read(claim)],
            )
        )
    return found


def prose_read(claim: dict) -> dict:
    """A figure of the narrative as a check reads it: the sentence it was read from."""
    return {
        "template": FAMILY,
        "table_no": None,
        "page": claim["source_page"],
        "row": claim["source_line"],
        "column": None,
        "side": 1,
        "coded": False,
    }


def _printed_rounding(claim: dict) -> Decimal:
    """What rounding the prose's figure allows: half a unit of its last printed digit, in 万元
    (上海 2026: 收入预算7,072万元 for the table's 70,716,064 元)."""
    exponent = claim["amount"].normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    half = Decimal(5) / (Decimal(10) ** (places + 1))
    return half / 10000 if claim["unit"] == "元" else half


def _allowance(printed: Decimal) -> Decimal:
    """The rounding a printed figure's precision allows, plus 0.01 point."""
    exponent = printed.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return Decimal(5) / (Decimal(10) ** (places + 1)) + Decimal("0.01")


def _beyond(printed: Decimal, computed: Decimal) -> Decimal:
    """How far a printed percentage is from the computed one, beyond its rounding."""
    gap = printed - computed
    excess = max(abs(gap) - _allowance(printed), Decimal(0))
    return excess if gap >= 0 else -excess


def _named_base(
    claim: dict, template: str | None, figures: DocumentFigures
) -> tuple[str, Decimal, int, list[dict]] | None:
    """The table figure a share names as its base (占“三公”经费的X%), with its table number
    and the facts it adds up."""
    if not claim["share_base"] or template is None:
        return None
    label = normalise_label(claim["share_base"])
    for pattern, figure in SHARE_BASES:
        spec = topic_table(template, figure.topic)
        if re.fullmatch(pattern, label) and spec and describes(template, figure):
            sums = figures.read(template, figure, None)
            if sums:
                terms = [
                    f for found in figures.terms(template, figure, None).values() for f in found
                ]
                return (
                    claim["share_base"],
                    sum((a for a, _ in sums.values()), Decimal(0)),
                    spec.number,
                    terms,
                )
    return None


def _base_they_use(claims: list[dict], terms: list[dict], facts: list[dict]) -> dict | None:
    """Another total of the named base's table of which every one of the shares is the
    printed percentage, where none is of the base it names (江苏省人大常委会办公厅 2017: 出国
    222.5 “占‘三公’经费的 8.75%”, 车 7.22%, 接待 16.81%, each a share of the 2,542.60 合计
    that includes 会议费 and 培训费, none of the 三公 833.60). `terms` are the facts the named
    base adds up, `facts` the document's."""
    tables = {(f["template"], f["table_no"]) for f in terms}
    bases = {f["basis"] for f in terms}
    named = {f["measure"] for f in terms}
    for candidate in facts:
        if (
            (candidate["template"], candidate["table_no"]) in tables
            and candidate["is_total"]
            and candidate["basis"] in bases
            and candidate["measure"] not in named
            and candidate["amount"] > 0
            and all(
                abs(claim["share_percent"] - claim["amount_wan"] / candidate["amount"] * 100)
                <= _allowance(claim["share_percent"])
                for claim in claims
            )
        ):
            return candidate
    return None


def _share_rows(
    document_id: str, template: str | None, claims: list[dict], figures: DocumentFigures
) -> list[dict]:
    """A share is recomputed against the base it names where that is a table figure, else
    against the amount the sentence before it states. Shares that miss a named base — a table
    figure, read from a verified table — but are all shares of another total of that table
    are one error: the document calls that total by the wrong name. Any other miss is a
    warning: the base a sentence means may not be the one read."""
    found = []
    wholes = _listed_wholes(claims)
    missing_named: dict[str, list[tuple[dict, dict]]] = {}
    named_terms: dict[str, list[dict]] = {}
    for index, claim in enumerate(claims):
        if claim["share_percent"] is None or claim["amount_wan"] is None:
            continue
        named = _named_base(claim, template, figures)
        if named:
            base_subject, base_amount = f"{named[0]}（表{named[2]}）", named[1]
        elif index in wholes:
            base_subject, base_amount = "所列各项合计", wholes[index]
        else:
            base = next(
                (
                    c
                    for c in reversed(claims[:index])
                    if c["section"] == claim["section"]
                    and c["amount_wan"]
                    and c["share_percent"] is None
                ),
                None,
            )
            if base is None:
                continue
            base_subject, base_amount = base["subject"], base["amount_wan"]
        if not base_amount:
            continue
        computed = (claim["amount_wan"] / base_amount * 100).quantize(Decimal("0.0001"))
        row = _percent_row(
            document_id,
            "narrative.share_recomputes",
            claim,
            computed,
            claim["share_percent"],
            f"所占比例（占{base_subject}{amount_text(base_amount)}万元）",
            f"share of {base_subject} {amount_text(base_amount)}",
            _beyond(claim["share_percent"], computed),
            reads=cells_read(named[3], -1) if named else (),
        )
        if named and row["difference"]:
            missing_named.setdefault(base_subject, []).append((claim, row))
            named_terms[base_subject] = named[3]
        found.append(row)
    for base_subject, missed in missing_named.items():
        claimed = [claim for claim, _ in missed]
        used = _base_they_use(claimed, named_terms[base_subject], figures.facts)
        if used:
            _tell_wrong_base(base_subject, used, [row for _, row in missed])
    return found


def _tell_wrong_base(base_subject: str, used: dict, rows: list[dict]) -> None:
    """The first share carries the error, anchored on the table whose total it names (so a
    doubtful reading of that table makes it gongkai's doubt); the others are its
    consequences."""
    root, *others = rows
    total_zh = MEASURES.get(used["measure"], (used["measure"],))[0]
    root["severity"], root["table_no"] = "error", used["table_no"]
    root["reads"] = [*root["reads"], *cells_read([used], -1)]
    root["message_zh"] += (
        f"；所列{len(rows)}个比例均为占表{used['table_no']}「{total_zh}」"
        f"{amount_text(used['amount'])}万元的比例，并非所称{base_subject}的比例"
    )
    root["message_en"] += (
        f"; all {len(rows)} shares are of table {used['table_no']}'s {used['measure']} "
        f"{amount_text(used['amount'])}, not of the base they name"
    )
    for row in others:
        row["severity"] = "info"
        row["status"] = "consequence"
        row["message_zh"] += f"（与「{root['subject']}」同为所称基数有误）"
        row["message_en"] += f" (the same wrong base as '{root['subject']}')"


def _listed_wholes(claims: list[dict]) -> dict[int, Decimal]:
    """Shares listed together whose percentages add up to 100 (人员支出 4944.99 万元，占72.3%；
    日常公用支出 626.67 万元，占 9.2%；项目支出 1266.75 万元，占 18.5%): each is a share of
    the items' own total, whatever the sentences before them state."""
    lists: dict[tuple, list[int]] = {}
    for index, claim in enumerate(claims):
        if claim["share_percent"] is not None and claim["amount_wan"]:
            lists.setdefault((claim["source_page"], claim["source_line"], claim["sentence"]), [])
            lists[(claim["source_page"], claim["source_line"], claim["sentence"])].append(index)
    wholes = {}
    for members in lists.values():
        shares = sum((claims[i]["share_percent"] for i in members), Decimal(0))
        if len(members) >= 2 and abs(shares - 100) <= Decimal("0.1") * len(members):
            total = sum((claims[i]["amount_wan"] for i in members), Decimal(0))
            wholes.update(dict.fromkeys(members, total))
    return wholes


def _percent_row(
    document_id: str,
    check_id: str,
    claim: dict,
    computed: Decimal,
    printed: Decimal,
    what_zh: str,
    what_en: str,
    difference: Decimal,
    reads: list[dict] = (),
) -> dict:
    """A percentage the narrative prints against the one its own figures give; `difference`
    is what lies beyond the rounding its printed precision allows; `reads` the table cells its
    base adds up, where the base is a table figure."""
    row = arithmetic_row(
        document_id=document_id,
        check_id=check_id,
        family=FAMILY,
        severity="warning",
        table_no=None,
        subject=claim["subject"],
        expected=computed,
        observed=printed,
        what_zh=what_zh,
        what_en=what_en,
        source_line=claim["source_line"],
        source_page=claim["source_page"],
        reads=reads,
    )
    row["difference"] = difference
    return row


def _change_rows(document_id: str, claims: list[dict]) -> list[dict]:
    found = []
    for claim in claims:
        change, prior = claim["change_wan"], claim["prior_year_wan"]
        if change is None or prior in (None, 0) or claim["change_percent"] is None:
            continue
        computed = (abs(change) / prior * 100).quantize(Decimal("0.0001"))
        agree = (change >= 0) == (claim["change_percent_direction"] == "increase") or change == 0
        found.append(
            _percent_row(
                document_id,
                "narrative.change_agrees_with_percent",
                claim,
                computed,
                claim["change_percent"],
                f"增减幅度（{amount_text(change)}万元 / 上年 {amount_text(prior)}万元）",
                f"change in percent ({amount_text(change)} on last year's {amount_text(prior)})",
                _beyond(claim["change_percent"], computed)
                if agree
                else claim["change_percent"] + computed,
            )
        )
    return found


SUMS = (
    (
        "narrative.staffing_adds_up",
        "actual_headcount",
        ("serving", "retired", "retired_pre1949"),
        "实有人数应等于在职、退休、离休之和",
        "actual headcount equals serving + retired",
    ),
    (
        "narrative.staffing_adds_up",
        "authorized_posts",
        (
            "authorized_posts_administrative",
            "authorized_posts_support",
            "authorized_posts_institution",
        ),
        "编制数应等于各类编制之和",
        "authorized posts equal the sum of their kinds",
    ),
    (
        "narrative.assets_add_up",
        "vehicles",
        (
            "general_vehicles",
            "ministerial_vehicles",
            "leader_vehicles",
            "confidential_vehicles",
            "emergency_vehicles",
            "enforcement_vehicles",
            "special_vehicles",
            "retiree_vehicles",
            "administrative_enforcement_vehicles",
            "institution_vehicles",
            "other_vehicles",
        ),
        "车辆数应等于各类车辆之和",
        "vehicles equal the sum of their kinds",
    ),
    (
        "narrative.assets_add_up",
        "vehicles_value",
        ("general_vehicles_value", "enforcement_vehicles_value", "other_vehicles_value"),
        "车辆价值应等于各类车辆价值之和",
        "vehicle value equals the sum of its kinds",
    ),
)


def _sum_rows(document_id: str, profile: list[dict]) -> list[dict]:
    values = {p["item"]: p for p in profile if p["value"] is not None}
    found = []
    for check_id, total, parts, zh, en in SUMS:
        present = [values[p] for p in parts if p in values]
        if total not in values or not present:
            continue
        anchor = values[total]
        found.append(
            arithmetic_row(
                document_id=document_id,
                check_id=check_id,
                family=FAMILY,
                severity="error",
                table_no=None,
                subject=total,
                expected=sum((p["value"] for p in present), Decimal(0)),
                observed=anchor["value"],
                what_zh=zh,
                what_en=en,
                source_line=anchor["source_line"],
                source_page=anchor["source_page"],
            )
        )
    return found


def _not_evaluated(document_id: str) -> dict:
    """A document whose narrative gives no figure to check: its narrative rules are not
    evaluated — never "passed" for want of anything to compare."""
    return {
        "document_id": document_id,
        "check_id": "narrative.claims_read",
        "rule_family": FAMILY,
        "severity": "info",
        "table_no": None,
        "subject": "情况说明",
        "expected": "claims",
        "observed": "0",
        "difference": None,
        "status": "not_evaluated",
        "message_zh": "情况说明中未读到可核对的数字：叙述规则未评估",
        "message_en": "no figure was read from the narrative: its rules are not evaluated",
        "source_line": None,
        "source_page": None,
        "source_row": None,
        "source_column": None,
    }


def narrative_comparisons(
    claims: pl.DataFrame,
    profile: pl.DataFrame,
    facts: pl.DataFrame,
    codes: pl.DataFrame,
    documents: pl.DataFrame,
) -> list[dict]:
    """Every narrative rule, per document; a document with no claim is `not_evaluated`."""
    claimed = set(claims["document_id"].unique())
    found = [
        _not_evaluated(document_id)
        for document_id in documents["document_id"]
        if document_id not in claimed
    ]
    facts_by_document = {key[0]: frame for key, frame in facts.group_by(["document_id"])}
    codes_by_document = {key[0]: frame for key, frame in codes.group_by(["document_id"])}
    no_codes = codes.clear()
    for (document_id,), document_claims in claims.group_by(["document_id"], maintain_order=True):
        records = document_claims.sort("claim_no").to_dicts()
        document_facts = (
            facts_by_document[document_id].to_dicts() if document_id in facts_by_document else []
        )
        printed = codes_by_document.get(document_id, no_codes)
        names = {
            kind: {
                name: code
                for code, name in printed.filter(
                    (pl.col("code_kind") == kind.split("_")[0])
                    & pl.col("printed_name").is_not_null()
                )
                .select("code", "printed_name")
                .unique()
                .rows()
            }
            for kind in ("function_code", "economic_code")
        }
        template = next((f["template"] for f in document_facts if f["template"] in TEMPLATES), None)
        figures = DocumentFigures(document_facts)
        if template:
            found += _amount_rows(document_id, template, records, figures, names)
        found += _share_rows(document_id, template, records, figures)
        found += _change_rows(document_id, records)
    for (document_id,), document_profile in profile.group_by(["document_id"], maintain_order=True):
        found += _sum_rows(document_id, document_profile.to_dicts())
    return found
