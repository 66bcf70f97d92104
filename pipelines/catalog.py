"""The one declarative description of the disclosure tables.

Every table a template publishes is described here once: the titles it goes by, how its rows
are keyed, which canonical measure each column (or, on two-sided tables, each row) carries, and
the sum rules a correct table obeys. Recognition, normalisation, checks and documentation all
read this description; nothing downstream knows a table by its position in a file.

Labels are regular expressions matched against header or row text with all white space removed
and quotes unified, so `收  入  总  计` and `收入总计` are the same label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# ---- measures -------------------------------------------------------------------------------

MEASURES: dict[str, tuple[str, str]] = {
    # measure id: (Chinese name, what it means)
    "total": ("合计", "total of a row, a column, or a whole side of the table"),
    "subtotal": ("小计", "subtotal row of a two-sided table (this year's income or expense)"),
    "basic_expenditure": ("基本支出", "basic expenditure: personnel and routine public use"),
    "project_expenditure": ("项目支出", "project expenditure (by economic class where given)"),
    "personnel": ("人员经费", "personnel cost within basic expenditure"),
    "public_use": ("公用经费", "public-use cost within basic expenditure"),
    "abroad": ("因公出国（境）费", "official travel abroad"),
    "vehicle_total": ("公务用车购置及运行费", "official vehicles: purchase and running"),
    "vehicle_purchase": ("公务用车购置费", "official vehicle purchase"),
    "vehicle_running": ("公务用车运行费", "official vehicle running cost"),
    "reception": ("公务接待费", "official reception"),
    "fiscal_appropriation": (
        "财政拨款（补助）",
        "fiscal appropriation: general public budget plus government fund",
    ),
    "general_public_budget": ("一般公共预算", "general public budget appropriation"),
    "government_fund": ("政府性基金预算", "government-fund budget appropriation"),
    "special_account_funds": (
        "财政专户管理资金",
        "funds managed in a fiscal special account (e.g. education fees)",
    ),
    "superior_subsidy": ("上级补助收入", "subsidy from the superior unit"),
    "institution_income": ("事业收入", "public-institution service income"),
    "operating_income": ("事业单位经营收入", "public-institution operating income"),
    "other_income": ("其他收入", "other income"),
    "superior_special_grant": ("上级专项收入", "special-purpose grant from the superior level"),
    "institution_fund_drawdown": (
        "用事业基金弥补收支差额",
        "institution fund drawn to cover the gap",
    ),
    "prior_year_balance": ("单位上年结余", "the unit's balance carried over from last year"),
    "unrecognised": ("未识别", "a number in a column or row this description does not know yet"),
}

# ---- description types ----------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """An amount column: its header label, the measure it carries, and where it sits."""

    measure: str
    label: str
    under: str | None = None
    economic_code: str | None = None
    is_total: bool = False

    def matches(self, leaf: str, path: tuple[str, ...]) -> bool:
        if not re.fullmatch(self.label, leaf):
            return False
        return self.under is None or any(re.fullmatch(self.under, p) for p in path[:-1])


@dataclass(frozen=True)
class RowSpec:
    """A row known by its label (two-sided tables): the measure of the side's main amount.

    `component_of` names the item row this one is a part of (一般公共预算 within 财政拨款),
    so a subtotal adds the item and not its components again.
    """

    measure: str
    label: str
    is_total: bool = False
    component_of: str | None = None

    @property
    def role(self) -> str:
        """item, component (part of an item above), subtotal or total."""
        if self.measure in {"subtotal", "total"}:
            return self.measure
        return "component" if self.component_of else "item"


@dataclass(frozen=True)
class SideSpec:
    """One side of a two-sided table (表一, 表四): income on the left, expense on the right."""

    section: str
    header: str
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]


@dataclass(frozen=True)
class SumRule:
    """`total` equals the sum of `parts`: across a row (`across`) or down a column (`down`)."""

    rule_id: str
    direction: str
    total: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    template: str
    number: int
    name: str
    titles: tuple[str, ...]
    layout: str  # "grid": one item a row, keyed by codes or names; "two_sided": 表一/表四
    code_kind: str | None = None  # "function" or "economic": what the 类/款/项 cells encode
    topic: str | None = None  # what the table is about across templates, e.g. "three_public"
    columns: tuple[ColumnSpec, ...] = ()
    sides: tuple[SideSpec, ...] = ()
    sum_rules: tuple[SumRule, ...] = field(default_factory=tuple)

    @property
    def table_id(self) -> str:
        return f"{self.template}.{self.number}"


# ---- shared pieces --------------------------------------------------------------------------

TOTAL_ROW = r"(合计|总计|总合计)"
SPLIT_COLUMNS = (
    ColumnSpec("total", r"(合计|小计|总计)", is_total=True),
    ColumnSpec("basic_expenditure", r"基本支出"),
    ColumnSpec("project_expenditure", r"项目支出"),
)
SPLIT_RULES = (
    SumRule(
        "across.total_is_basic_plus_project",
        "across",
        "total",
        ("basic_expenditure", "project_expenditure"),
    ),
    SumRule("down.total_row_is_sum_of_items", "down", "total"),
)
FUNDING_SOURCE_ROWS = (
    RowSpec("fiscal_appropriation", r"财政拨款(（补助）|\(补助\))?", is_total=True),
    RowSpec(
        "general_public_budget", r"一般公共预算(拨款|资金)?", component_of="fiscal_appropriation"
    ),
    RowSpec(
        "government_fund", r"政府性基金(预算)?(拨款|资金)?", component_of="fiscal_appropriation"
    ),
    RowSpec("special_account_funds", r"(教育收费(（财政专户）)?|财政专户管理资金)"),
    RowSpec("superior_subsidy", r"上级补助收入"),
    RowSpec("institution_income", r"事业收入"),
    RowSpec("operating_income", r"事业单位经营收入|经营收入"),
    RowSpec("other_income", r"其他收入"),
    RowSpec("superior_special_grant", r"上级专项收入"),
    RowSpec("institution_fund_drawdown", r"用事业基金弥补收支差额"),
    RowSpec("prior_year_balance", r"(单位)?上年结余.*|上年结转.*"),
    RowSpec("subtotal", r"小计", is_total=True),
    RowSpec("total", r"收入(总计|合计)", is_total=True),
)
EXPENSE_TOTAL_ROWS = (
    RowSpec("subtotal", r"小计", is_total=True),
    RowSpec("total", r"支出(总计|合计)", is_total=True),
)
FUNDING_SOURCE_COLUMNS = tuple(
    ColumnSpec(row.measure, row.label)
    for row in FUNDING_SOURCE_ROWS
    if row.measure not in {"fiscal_appropriation", "subtotal", "total"}
)
ECONOMIC_GROUP_COLUMNS = tuple(
    ColumnSpec("project_expenditure", label, economic_code=code)
    for code, label in (
        ("301", r"工资福利支出"),
        ("302", r"商品和服务支出"),
        ("303", r"对个人和家庭的补助"),
        ("307", r"债务利息及费用支出"),
        ("309", r"资本性支出（基本建设）"),
        ("310", r"资本性支出"),
        ("311", r"对企业补助（基本建设）"),
        ("312", r"对企业补助"),
        ("313", r"对社会保障基金补助"),
        ("399", r"其他支出"),
    )
)

# ---- the 2020 budget disclosure: nine tables ------------------------------------------------

BUDGET_2020 = "budget_2020"

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        BUDGET_2020,
        1,
        "部门收支总体情况表",
        (r"部门收支总体情况表", r"收支预算总表"),
        "two_sided",
        code_kind="function",
        sides=(
            SideSpec(
                "income",
                r".*收入.*",
                FUNDING_SOURCE_ROWS,
                (ColumnSpec("total", r"(预算数|金额|合计)"),),
            ),
            SideSpec(
                "expense",
                r".*支出.*",
                EXPENSE_TOTAL_ROWS,
                (ColumnSpec("total", r"(预算数|金额|合计)"),),
            ),
        ),
        sum_rules=(
            SumRule("balance.income_equals_expense", "balance", "total"),
            SumRule("down.subtotal_is_sum_of_items", "down", "subtotal"),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        2,
        "部门收入总体情况表",
        (r"部门收入总体情况表", r"收入预算总表"),
        "grid",
        code_kind="function",
        columns=(ColumnSpec("total", r"(总计|合计)", is_total=True), *FUNDING_SOURCE_COLUMNS),
        sum_rules=(
            SumRule(
                "across.total_is_sum_of_sources",
                "across",
                "total",
                tuple(c.measure for c in FUNDING_SOURCE_COLUMNS),
            ),
            SumRule("down.total_row_is_sum_of_items", "down", "total"),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        3,
        "部门支出总体情况表",
        (r"部门支出总体情况表", r"支出预算总表"),
        "grid",
        code_kind="function",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        BUDGET_2020,
        4,
        "财政拨款收支预算总体情况表",
        (r"财政拨款收支(预算)?总(体情况)?表",),
        "two_sided",
        code_kind="function",
        sides=(
            SideSpec(
                "income",
                r".*收入.*",
                FUNDING_SOURCE_ROWS,
                (ColumnSpec("total", r"(合计|预算数|金额)"),),
            ),
            SideSpec(
                "expense",
                r".*支出.*",
                EXPENSE_TOTAL_ROWS,
                (
                    ColumnSpec("total", r"(合计|小计|总计)", is_total=True),
                    ColumnSpec("general_public_budget", r"一般公共预算(拨款)?"),
                    ColumnSpec("government_fund", r"政府性基金(预算)?(拨款)?"),
                ),
            ),
        ),
        sum_rules=(
            SumRule("balance.income_equals_expense", "balance", "total"),
            SumRule(
                "across.total_is_general_plus_fund",
                "across",
                "total",
                ("general_public_budget", "government_fund"),
            ),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        5,
        "一般公共预算支出情况表",
        (r"一般公共预算支出(情况|预算)?表",),
        "grid",
        code_kind="function",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        BUDGET_2020,
        6,
        "一般公共预算基本支出情况表",
        (r"一般公共预算基本支出(情况|预算)?表",),
        "grid",
        code_kind="economic",
        columns=(
            ColumnSpec("total", r"(合计|小计|总计)", is_total=True),
            ColumnSpec("personnel", r"人员经费"),
            ColumnSpec("public_use", r"公用经费"),
        ),
        sum_rules=(
            SumRule(
                "across.total_is_personnel_plus_public_use",
                "across",
                "total",
                ("personnel", "public_use"),
            ),
            SumRule("down.total_row_is_sum_of_items", "down", "total"),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        7,
        "项目支出情况表",
        (r"项目支出(情况|预算)表",),
        "grid",
        code_kind="function",
        columns=(
            ColumnSpec("project_expenditure", r"(项目支出)?(合计|小计|总计)", is_total=True),
            *ECONOMIC_GROUP_COLUMNS,
        ),
        sum_rules=(
            SumRule("across.total_is_sum_of_economic_groups", "across", "project_expenditure"),
            SumRule("down.total_row_is_sum_of_items", "down", "project_expenditure"),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        8,
        "一般公共预算“三公”经费支出情况表",
        (r".*\"三公\"经费.*表",),
        "grid",
        topic="three_public",
        columns=(
            ColumnSpec("total", r"(合计|总计)", is_total=True),
            ColumnSpec("abroad", r"因公出国(（境）|\(境\))?(费用?)?"),
            ColumnSpec(
                "vehicle_total",
                r"(小计|公务用车购置及运行费)",
                under=r"公务用车购置及运行费?",
                is_total=True,
            ),
            ColumnSpec("vehicle_total", r"公务用车购置及运行费?", is_total=True),
            ColumnSpec("vehicle_purchase", r"(公务用车)?购置费?"),
            ColumnSpec("vehicle_running", r"(公务用车)?运行(维护)?费?"),
            ColumnSpec("reception", r"公务接待费?"),
        ),
        sum_rules=(
            SumRule(
                "across.total_is_abroad_vehicle_reception",
                "across",
                "total",
                ("abroad", "vehicle_total", "reception"),
            ),
            SumRule(
                "across.vehicle_total_is_purchase_plus_running",
                "across",
                "vehicle_total",
                ("vehicle_purchase", "vehicle_running"),
            ),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        9,
        "政府性基金预算支出情况表",
        (r"政府性基金预算支出(情况|预算)?表",),
        "grid",
        code_kind="function",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
)

TEMPLATES: dict[str, tuple[TableSpec, ...]] = {BUDGET_2020: TABLES}


def normalise_label(text: str) -> str:
    """Label text as the description matches it: no white space, one kind of quote."""
    text = re.sub(r"[\s\u3000]+", "", text)
    return re.sub(r"[“”„‟\"＂「」]", '"', text)
