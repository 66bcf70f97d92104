"""The template families' description of the disclosure tables, over the national vocabulary.

What every family shares — table classes and their titles, measures and their header words,
the rows that close a side, basis words — is data in `vocabulary.toml`. Here each template
family says what its template adds: the titles it goes by, how its rows are keyed, which
measure each column (or, on two-sided tables, each row) carries, and the sum rules a correct
table obeys. Recognition, normalisation, checks and documentation all read this description;
nothing downstream knows a table by its position in a file.

Labels are regular expressions matched against header or row text with all white space removed
and quotes unified, so `收  入  总  计` and `收入总计` are the same label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipelines import vocabulary

# ---- measures -------------------------------------------------------------------------------

MEASURES: dict[str, tuple[str, str]] = {
    # measure id: (Chinese name, what it means), from the national vocabulary
    measure.measure: (measure.name, measure.meaning)
    for measure in vocabulary.measures().values()
}

BASES: dict[str, str] = vocabulary.bases()

# ---- description types ----------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """An amount column: its header label, the measure it carries, and where it sits."""

    measure: str
    label: str
    under: str | None = None
    economic_code: str | None = None
    is_total: bool = False
    required: bool = False  # the template always prints this column

    def matches(self, leaf: str, path: tuple[str, ...]) -> bool:
        """Whether a column with this header path is this column. A header wrapped over two
        rows (`单位预留机动经` / `费`) is read joined as well."""
        for depth in (1, 2, 3):
            if depth > 1 and len(path) < depth:
                break
            label = "".join(path[-depth:]) if depth > 1 else leaf
            if re.fullmatch(self.label, label) and (
                self.under is None or any(re.fullmatch(self.under, p) for p in path[:-depth])
            ):
                return True
        return False


@dataclass(frozen=True)
class RowSpec:
    """A row known by its label (two-sided tables) and its role in the side's sums.

    An item row (一般公共预算) gives the measure of the side's main amount; a `subtotal` or
    `total` row (小计, 收入总计) keeps the column's measure. `component_of` names the item row
    this one is a part of (一般公共预算 within 财政拨款), so a subtotal adds the item and not
    its components again.
    """

    measure: str | None
    label: str
    role: str = "item"  # item | component | subtotal | total
    is_total: bool = False
    component_of: str | None = None
    # this year's total alone (本年收入合计), which other tables' totals equal where the side's
    # 总计 adds balances brought forward or carried over
    current_year_total: bool = False
    # the funding-source rows printed right under it break it down by fund (决算: 年初财政拨款
    # 结转和结余, then 一、一般公共预算财政拨款 21.63): they are its components, not income
    parts_by_fund_follow: bool = False


@dataclass(frozen=True)
class SideSpec:
    """One side of a two-sided table (表一, 表四): income on the left, expense on the right.

    A side is a run of label columns and the amount columns after it; `header` matches one of
    the labels over it (收入, 支出用途). Several label columns are levels of one label
    (一般公共预算资金 / 小计): a row is known by its most specific label, read as
    `level/label` where the label alone says too little (小计).
    """

    section: str
    header: str
    rows: tuple[RowSpec, ...]
    columns: tuple[ColumnSpec, ...]


@dataclass(frozen=True)
class SumRule:
    """A total a correct table adds up to, where the table's structure alone does not say it.

    Every two-sided table's sides add up without a rule declared: an item equals the sum of its
    components, the 小计 row the items above it, the 总计 row the 小计 plus the items below
    (`quality.sums`, `side.*`).

    - `across`: in each row, the `total` column equals the sum of the `parts` columns; with no
      `parts` named, the parts are the economic-class columns of the same measure
      (项目支出情况表: 项目支出合计 = 工资福利支出 + 商品和服务支出 + …). `section` limits a
      two-sided table's rule to one side.
    - `down`: in each column, the total row equals the sum of the item rows (the lowest level
      printed), and each 类 or 款 row the sum of its 款 or 项 rows where both are printed.
    - `balance`: the income side's total equals the expense side's.
    """

    rule_id: str
    direction: str
    total: str = "total"
    parts: tuple[str, ...] = ()
    section: str | None = None


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
    # side-by-side blocks of one grid (决算 表六: 人员经费 | 公用经费), each known by the total
    # row it ends in; that row's measure is the measure of every amount in the block
    blocks: tuple[RowSpec, ...] = ()

    @property
    def table_id(self) -> str:
        return f"{self.template}.{self.number}"


# ---- shared pieces --------------------------------------------------------------------------

TOTAL_ROW = r"(合计|总计|总合计)"
SUBTOTAL_ROW = vocabulary.row_label("subtotal")
SPLIT_COLUMNS = (
    ColumnSpec("total", r"(合计|小计|总计)", is_total=True, required=True),
    ColumnSpec("basic_expenditure", r"基本支出", required=True),
    ColumnSpec("project_expenditure", r"项目支出", required=True),
)
# what an expenditure total adds, beyond 基本支出 and 项目支出, where a table prints it (湖州 2026
# 支出预算总表: 总计 = 基本 + 项目 + 事业单位经营支出 + 上缴上级支出 + 对附属单位补助支出)
OTHER_USES = ("operating_expenditure", "remittance_to_superior", "subsidy_to_affiliates")
SPLIT_RULES = (
    SumRule(
        "across.total_is_basic_plus_project",
        "across",
        "total",
        ("basic_expenditure", "project_expenditure", *OTHER_USES),
    ),
    SumRule("down.total_row_is_sum_of_items", "down", "total"),
)
TWO_SIDED_RULES = (SumRule("balance.income_equals_expense", "balance"),)
FUNDING_SOURCE_ROWS = (
    RowSpec("fiscal_appropriation", r"财政拨款(（补助）|\(补助\))?", is_total=True),
    RowSpec(
        "general_public_budget",
        r"一般公共预算(拨款|资金)?",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec(
        "government_fund",
        r"政府性基金(预算)?(拨款|资金)?",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec("special_account_funds", r"(教育收费(（财政专户）)?|财政专户管理资金)"),
    RowSpec("superior_subsidy", r"上级补助收入"),
    RowSpec("institution_income", r"事业收入"),
    RowSpec("operating_income", r"事业单位经营收入|经营收入"),
    RowSpec("other_income", r"其他收入"),
    RowSpec("superior_special_grant", r"上级专项收入"),
    RowSpec("institution_fund_drawdown", r"用事业基金弥补收支差额"),
    RowSpec("prior_year_balance", r"(单位)?上年结余.*|上年结转.*"),
    RowSpec(None, SUBTOTAL_ROW, role="subtotal", is_total=True),
    RowSpec(None, vocabulary.row_label("income_total"), role="total", is_total=True),
)
EXPENSE_TOTAL_ROWS = (
    RowSpec(None, SUBTOTAL_ROW, role="subtotal", is_total=True),
    RowSpec(None, vocabulary.row_label("expense_total"), role="total", is_total=True),
)
FUNDING_SOURCE_COLUMNS = tuple(
    ColumnSpec(row.measure, row.label)
    for row in FUNDING_SOURCE_ROWS
    if row.measure and row.measure != "fiscal_appropriation"
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

PERSONNEL_COLUMNS = (
    ColumnSpec("total", r"(合计|小计|总计)", is_total=True, required=True),
    ColumnSpec("personnel", r"人员经费", required=True),
    ColumnSpec("public_use", r"公用经费", required=True),
)
PERSONNEL_RULES = (
    SumRule(
        "across.total_is_personnel_plus_public_use",
        "across",
        "total",
        ("personnel", "public_use"),
    ),
    SumRule("down.total_row_is_sum_of_items", "down", "total"),
)
FUND_BALANCE_COLUMNS = (
    ColumnSpec("opening_balance", r"年初结转和结余"),
    ColumnSpec("total", r"本年收入"),
    ColumnSpec("total", r"(小计|合计)", under=r"本年支出", is_total=True),
    ColumnSpec("basic_expenditure", r"基本支出"),
    ColumnSpec("project_expenditure", r"项目支出"),
    ColumnSpec("closing_balance", r"年末结转和结余"),
)

THREE_PUBLIC_COLUMNS = (
    ColumnSpec("abroad", r"因公出国(（境）|\(境\))?(费用?)?", required=True),
    ColumnSpec(
        "vehicle_total",
        r"(小计|公务用车购置及运行(维护)?费)",
        under=r"公务用车购置及运行(维护)?费?",
        is_total=True,
    ),
    ColumnSpec("vehicle_total", r"公务用车购置及运行(维护)?费?", is_total=True),
    ColumnSpec("vehicle_purchase", r"(公务用车)?购置费?", required=True),
    ColumnSpec("vehicle_running", r"(公务用车)?运行(维护)?费?", required=True),
    ColumnSpec("reception", r"公务接待费?", required=True),
)
THREE_PUBLIC_RULES = (
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
        topic="overview",
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
        sum_rules=TWO_SIDED_RULES,
    ),
    TableSpec(
        BUDGET_2020,
        2,
        "部门收入总体情况表",
        (r"部门收入总体情况表", r"收入预算总表"),
        "grid",
        topic="income",
        code_kind="function",
        columns=(
            ColumnSpec("total", r"(总计|合计)", is_total=True, required=True),
            *FUNDING_SOURCE_COLUMNS,
        ),
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
        topic="expenditure",
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
        topic="fiscal_overview",
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
            *TWO_SIDED_RULES,
            SumRule(
                "across.total_is_general_plus_fund",
                "across",
                "total",
                ("general_public_budget", "government_fund"),
                section="expense",
            ),
        ),
    ),
    TableSpec(
        BUDGET_2020,
        5,
        "一般公共预算支出情况表",
        (r"一般公共预算支出(情况|预算)?表",),
        "grid",
        topic="general_budget_expenditure",
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
        topic="general_budget_basic",
        code_kind="economic",
        columns=PERSONNEL_COLUMNS,
        sum_rules=PERSONNEL_RULES,
    ),
    TableSpec(
        BUDGET_2020,
        7,
        "项目支出情况表",
        (r"项目支出(情况|预算)表",),
        "grid",
        topic="project",
        code_kind="function",
        columns=(
            ColumnSpec(
                "project_expenditure", r"(项目支出)?(合计|小计|总计)", is_total=True, required=True
            ),
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
            ColumnSpec("total", r"(合计|总计)", is_total=True, required=True),
            *THREE_PUBLIC_COLUMNS,
        ),
        sum_rules=THREE_PUBLIC_RULES,
    ),
    TableSpec(
        BUDGET_2020,
        9,
        "政府性基金预算支出情况表",
        (r"政府性基金预算支出(情况|预算)?表",),
        "grid",
        topic="government_fund_expenditure",
        code_kind="function",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
)

# ---- Jiangsu provincial budgets 2017–2019: twelve tables -----------------------------------

JIANGSU_2017 = "jiangsu_budget_2017"
NUMBERED = vocabulary.numbering_pattern()
JIANGSU_INCOME_ROWS = (
    RowSpec("fiscal_appropriation", NUMBERED + r"财政拨款", is_total=True),
    RowSpec(
        "general_public_budget",
        NUMBERED + r"一般公共预算(资金)?",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec(
        "government_fund",
        NUMBERED + r"政府性基金(预算)?",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec("special_account_funds", NUMBERED + r"财政专户管理资金"),
    RowSpec("other_funds", NUMBERED + r"其他资金"),
    RowSpec(None, SUBTOTAL_ROW, role="subtotal", is_total=True),
    RowSpec("prior_year_balance", vocabulary.row_label("prior_year_balance")),
    RowSpec(None, vocabulary.row_label("income_total"), role="total", is_total=True),
)
JIANGSU_FUNCTION_ROWS = (
    RowSpec(None, SUBTOTAL_ROW, role="subtotal", is_total=True),
    RowSpec("carry_forward", vocabulary.row_label("carry_forward")),
    RowSpec(None, vocabulary.row_label("expense_total"), role="total", is_total=True),
)
JIANGSU_USE_ROWS = (
    RowSpec("basic_expenditure", NUMBERED + r"基本支出"),
    RowSpec("project_expenditure", NUMBERED + r"项目支出"),
    RowSpec("reserve_fund", NUMBERED + r"单位预留机动经费"),
    *JIANGSU_FUNCTION_ROWS,
)
AMOUNT = (ColumnSpec("total", r"(金额|预算数|合计)"),)
JIANGSU_SPLIT_COLUMNS = (
    ColumnSpec("total", r"(合计|总计)", is_total=True, required=True),
    ColumnSpec("basic_expenditure", r"基本支出", required=True),
    ColumnSpec("project_expenditure", r"项目支出", required=True),
    ColumnSpec("reserve_fund", r"单位预留机动经费"),
    ColumnSpec("carry_forward", r"结转下年资金"),
)
ONE_AMOUNT = (ColumnSpec("total", r"(金额|合计|预算数)", is_total=True, required=True),)
DOWN = (SumRule("down.total_row_is_sum_of_items", "down", "total"),)
JIANGSU_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        JIANGSU_2017,
        1,
        "收支预算总表",
        (r"收支预算总表",),
        "two_sided",
        code_kind="function",
        topic="overview",
        sides=(
            SideSpec("income", r"收入", JIANGSU_INCOME_ROWS, AMOUNT),
            SideSpec("expense", r"功能分类", JIANGSU_FUNCTION_ROWS, AMOUNT),
            SideSpec("expense_by_use", r"支出用途", JIANGSU_USE_ROWS, AMOUNT),
        ),
        sum_rules=(SumRule("balance.income_equals_expense", "balance"),),
    ),
    TableSpec(
        JIANGSU_2017,
        2,
        "收入预算总表",
        (r"收入预算总表",),
        "two_sided",
        topic="income",
        sides=(
            SideSpec(
                "income",
                r"项目名称",
                (
                    RowSpec(None, r"收入总计", role="total", is_total=True),
                    RowSpec("general_public_budget", r"一般公共预算资金/小计", is_total=True),
                    RowSpec(
                        "general_budget_grant",
                        r"公共财政拨款[（(]补助[)）]资金",
                        role="component",
                        component_of="general_public_budget",
                    ),
                    RowSpec(
                        "special_revenue",
                        r"专项收入",
                        role="component",
                        component_of="general_public_budget",
                    ),
                    RowSpec("government_fund", r"政府性基金/小计"),
                    RowSpec("special_account_funds", r"财政专户管理资金/小计", is_total=True),
                    RowSpec(
                        "education_fees",
                        r"专户管理教育收费",
                        role="component",
                        component_of="special_account_funds",
                    ),
                    RowSpec(
                        "other_non_tax_income",
                        r"其他非税收入",
                        role="component",
                        component_of="special_account_funds",
                    ),
                    RowSpec("other_funds", r"其他资金/小计", is_total=True),
                    RowSpec(
                        "institution_income",
                        r"事业收入",
                        role="component",
                        component_of="other_funds",
                    ),
                    RowSpec(
                        "operating_income",
                        r"经营收入",
                        role="component",
                        component_of="other_funds",
                    ),
                    RowSpec(
                        "other_income", r"其他收入", role="component", component_of="other_funds"
                    ),
                    RowSpec(
                        "debt_funds",
                        r"债务资金.*",
                        role="component",
                        component_of="other_funds",
                    ),
                    RowSpec("prior_year_balance", r"上年结转和结余资金/小计", is_total=True),
                    RowSpec(
                        "prior_year_balance_used",
                        r"其中：?动用上年结转和结余资金",
                        role="component",
                        component_of="prior_year_balance",
                    ),
                ),
                AMOUNT,
            ),
        ),
    ),
    TableSpec(
        JIANGSU_2017,
        3,
        "支出预算总表",
        (r"支出预算总表",),
        "grid",
        topic="expenditure",
        columns=JIANGSU_SPLIT_COLUMNS,
        sum_rules=(
            SumRule(
                "across.total_is_basic_project_reserve",
                "across",
                "total",
                ("basic_expenditure", "project_expenditure", "reserve_fund"),
            ),
        ),
    ),
    TableSpec(
        JIANGSU_2017,
        4,
        "财政拨款收支预算总表",
        (r"财政拨款收支预算总表",),
        "two_sided",
        topic="fiscal_overview",
        sides=(
            SideSpec("income", r"收入", JIANGSU_INCOME_ROWS, AMOUNT),
            SideSpec("expense_by_use", r"支出(用途)?", JIANGSU_USE_ROWS, AMOUNT),
        ),
        sum_rules=(SumRule("balance.income_equals_expense", "balance"),),
    ),
    TableSpec(
        JIANGSU_2017,
        5,
        "财政拨款支出预算表（功能科目）",
        (r"财政拨款支出预算表(（功能科目）)?",),
        "grid",
        code_kind="function",
        topic="fiscal_expenditure",
        columns=ONE_AMOUNT,
        sum_rules=DOWN,
    ),
    TableSpec(
        JIANGSU_2017,
        6,
        "财政拨款基本支出预算表",
        (r"财政拨款基本支出预算表(（经济科目）)?",),
        "grid",
        code_kind="economic",
        topic="fiscal_basic",
        columns=ONE_AMOUNT,
        sum_rules=DOWN,
    ),
    TableSpec(
        JIANGSU_2017,
        7,
        "一般公共预算支出预算表",
        (r"一般公共预算支出预算表(（功能科目）)?",),
        "grid",
        code_kind="function",
        topic="general_budget_expenditure",
        columns=ONE_AMOUNT,
        sum_rules=DOWN,
    ),
    TableSpec(
        JIANGSU_2017,
        8,
        "一般公共预算基本支出预算表",
        (r"一般公共预算基本支出预算表(（经济科目）)?",),
        "grid",
        code_kind="economic",
        topic="general_budget_basic",
        columns=ONE_AMOUNT,
        sum_rules=DOWN,
    ),
    TableSpec(
        JIANGSU_2017,
        9,
        "“三公”经费、会议费、培训费支出预算表",
        (r".*\"?三公\"?经费、?会议费、?培训费.*表",),
        "grid",
        topic="three_public",
        columns=(
            # the combined total is a convenience over parts printed beside it; later Jiangsu
            # templates (苏州 2026) leave it out
            ColumnSpec("three_public_meeting_training", r"(合计|总计)", is_total=True),
            *THREE_PUBLIC_COLUMNS,
            ColumnSpec("total", r"小计", under=r"\"三公\"经费", is_total=True, required=True),
            ColumnSpec("meeting_fee", r"会议费", required=True),
            ColumnSpec("training_fee", r"培训费", required=True),
        ),
        sum_rules=(
            SumRule(
                "across.combined_total_is_three_public_meeting_training",
                "across",
                "three_public_meeting_training",
                ("total", "meeting_fee", "training_fee"),
            ),
            *THREE_PUBLIC_RULES,
        ),
    ),
    TableSpec(
        JIANGSU_2017,
        10,
        "政府性基金支出预算表",
        (r"(财政拨款)?政府性基金(预算)?(财政拨款)?支出预算表",),
        "grid",
        code_kind="function",
        topic="government_fund_expenditure",
        columns=ONE_AMOUNT,
        sum_rules=DOWN,
    ),
    TableSpec(
        JIANGSU_2017,
        11,
        "一般公共预算机关运行经费支出预算表",
        (r"(一般公共预算)?机关运行经费(支出)?预算表",),
        "grid",
        code_kind="economic",
        topic="running_cost",
        columns=(ColumnSpec("running_cost", r"(机关运行经费支出|金额|合计)", is_total=True),),
        sum_rules=(SumRule("down.total_row_is_sum_of_items", "down", "running_cost"),),
    ),
    TableSpec(
        JIANGSU_2017,
        12,
        "政府采购预算表",
        (r"(\d{4}年)?政府采购(支出)?预算表",),
        "grid",
        topic="procurement",
        columns=(ColumnSpec("procurement", r"(总计|合计|金额)", is_total=True),),
    ),
)

# ---- Shanghai district budgets 2024–2025: nine tables, in 元 ---------------------------------

SHANGHAI_2024 = "shanghai_budget_2024"
SHANGHAI_INCOME_ROWS = (
    RowSpec("fiscal_appropriation", NUMBERED + r"财政拨款收入", is_total=True),
    RowSpec(
        "general_public_budget",
        NUMBERED + r"一般公共预算资金",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec(
        "government_fund",
        NUMBERED + r"政府性基金(预算)?",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec(
        "state_capital_budget",
        NUMBERED + r"国有资本经营预算",
        role="component",
        component_of="fiscal_appropriation",
    ),
    RowSpec("institution_income", NUMBERED + r"事业收入"),
    RowSpec("operating_income", NUMBERED + r"事业单位经营收入"),
    RowSpec("other_income", NUMBERED + r"其他收入"),
    RowSpec(None, r"收入(总计|合计)", role="total", is_total=True),
)
SHANGHAI_FISCAL_INCOME_ROWS = (
    RowSpec("general_public_budget", NUMBERED + r"一般公共预算资金"),
    RowSpec("government_fund", NUMBERED + r"政府性基金(预算)?"),
    RowSpec("state_capital_budget", NUMBERED + r"国有资本经营预算"),
    RowSpec(None, r"收入(总计|合计)", role="total", is_total=True),
)
SHANGHAI_EXPENSE_COLUMNS = (
    ColumnSpec("total", r"(预算数|合计)", is_total=True),
    ColumnSpec("personnel", r"人员经费"),
    ColumnSpec("public_use", r"公用经费"),
    ColumnSpec("project_expenditure", r"项目支出"),
)
YEAR = r"(\d{4}年)?(部门|预算单位|单位)?"

SHANGHAI_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        SHANGHAI_2024,
        1,
        "财务收支预算总表",
        (YEAR + r"财务收支预算总表",),
        "two_sided",
        code_kind="function",
        topic="overview",
        sides=(
            SideSpec("income", r"(本年)?收入", SHANGHAI_INCOME_ROWS, AMOUNT),
            SideSpec("expense", r"(本年)?支出", EXPENSE_TOTAL_ROWS, SHANGHAI_EXPENSE_COLUMNS),
        ),
        sum_rules=(SumRule("balance.income_equals_expense", "balance"),),
    ),
    TableSpec(
        SHANGHAI_2024,
        2,
        "收入预算总表",
        (YEAR + r"收入预算总表",),
        "grid",
        code_kind="function",
        topic="income",
        columns=(
            ColumnSpec("total", r"(合计|总计)", is_total=True, required=True),
            ColumnSpec("fiscal_appropriation", r"财政拨款收入"),
            ColumnSpec("institution_income", r"事业收入"),
            ColumnSpec("operating_income", r"事业单位经营收入"),
            ColumnSpec("other_income", r"其他收入"),
        ),
        sum_rules=(
            SumRule(
                "across.total_is_sum_of_sources",
                "across",
                "total",
                ("fiscal_appropriation", "institution_income", "operating_income", "other_income"),
            ),
            SumRule("down.total_row_is_sum_of_items", "down", "total"),
        ),
    ),
    TableSpec(
        SHANGHAI_2024,
        3,
        "支出预算总表",
        (YEAR + r"支出预算总表",),
        "grid",
        code_kind="function",
        topic="expenditure",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        SHANGHAI_2024,
        4,
        "财政拨款收支预算总表",
        (YEAR + r"财政拨款收支预算总表",),
        "two_sided",
        code_kind="function",
        topic="fiscal_overview",
        sides=(
            SideSpec("income", r"财政拨款收入", SHANGHAI_FISCAL_INCOME_ROWS, AMOUNT),
            SideSpec(
                "expense",
                r"财政拨款支出",
                EXPENSE_TOTAL_ROWS,
                (
                    ColumnSpec("total", r"(合计|小计|总计)", is_total=True),
                    ColumnSpec("general_public_budget", r"一般公共预算"),
                    ColumnSpec("government_fund", r"政府性基金预算"),
                    ColumnSpec("state_capital_budget", r"国有资本经营预算"),
                ),
            ),
        ),
        sum_rules=(
            SumRule("balance.income_equals_expense", "balance"),
            SumRule(
                "across.total_is_sum_of_budgets",
                "across",
                "total",
                ("general_public_budget", "government_fund", "state_capital_budget"),
                section="expense",
            ),
        ),
    ),
    TableSpec(
        SHANGHAI_2024,
        5,
        "一般公共预算支出功能分类预算表",
        (YEAR + r"一般公共预算支出功能分类预算表",),
        "grid",
        code_kind="function",
        topic="general_budget_expenditure",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        SHANGHAI_2024,
        6,
        "政府性基金预算支出功能分类预算表",
        (YEAR + r"政府性基金预算支出功能分类预算表",),
        "grid",
        code_kind="function",
        topic="government_fund_expenditure",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        SHANGHAI_2024,
        7,
        "国有资本经营预算支出功能分类预算表",
        (YEAR + r"国有资本经营预算支出功能分类预算表",),
        "grid",
        code_kind="function",
        topic="state_capital_expenditure",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        SHANGHAI_2024,
        8,
        "一般公共预算基本支出部门预算经济分类预算表",
        (YEAR + r"一般公共预算基本支出(部门预算)?经济分类预算表",),
        "grid",
        code_kind="economic",
        topic="general_budget_basic",
        columns=PERSONNEL_COLUMNS,
        sum_rules=PERSONNEL_RULES,
    ),
    TableSpec(
        SHANGHAI_2024,
        9,
        "“三公”经费和机关运行经费预算表",
        (YEAR + r"\"三公\"经费和机关运行经费预算表",),
        "grid",
        topic="three_public",
        columns=(
            ColumnSpec("total", r"(合计|总计)", is_total=True, required=True),
            *THREE_PUBLIC_COLUMNS,
            ColumnSpec("running_cost", r"(\d{4}年)?机关运行经费(预算数)?", required=True),
        ),
        sum_rules=THREE_PUBLIC_RULES,
    ),
)

# ---- the national final-accounts template (决算), 2024 --------------------------------------

FINAL_2024 = "final_accounts_2024"
FINAL_INCOME_ROWS = (
    RowSpec("general_public_budget", NUMBERED + r"一般公共预算财政拨款(收入)?"),
    RowSpec("government_fund", NUMBERED + r"政府性基金预算财政拨款(收入)?"),
    RowSpec("state_capital_budget", NUMBERED + r"国有资本经营预算财政拨款(收入)?"),
    RowSpec("superior_subsidy", NUMBERED + r"上级补助收入"),
    RowSpec("institution_income", NUMBERED + r"事业收入"),
    RowSpec("operating_income", NUMBERED + r"经营收入"),
    RowSpec("affiliated_remittance", NUMBERED + r"附属单位上缴收入"),
    RowSpec("other_income", NUMBERED + r"其他收入"),
    RowSpec(None, r"本年收入合计", role="subtotal", is_total=True, current_year_total=True),
    RowSpec("non_fiscal_balance_used", r"使用非财政拨款结余.*"),
    RowSpec("opening_balance", r"年初(财政拨款)?结转和结余", parts_by_fund_follow=True),
    RowSpec(None, r"总计", role="total", is_total=True),
)
FINAL_EXPENSE_ROWS = (
    RowSpec(None, r"本年支出合计", role="subtotal", is_total=True, current_year_total=True),
    RowSpec("balance_distribution", r"结余分配"),
    RowSpec("closing_balance", r"年末(财政拨款)?结转和结余", parts_by_fund_follow=True),
    RowSpec(None, r"总计", role="total", is_total=True),
)
ACTUAL = (ColumnSpec("total", r"(决算数|金额|合计)"),)

FINAL_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        FINAL_2024,
        1,
        "收入支出决算总表",
        (r"收入支出决算总表",),
        "two_sided",
        code_kind="function",
        topic="overview",
        sides=(
            SideSpec("income", r"收入", FINAL_INCOME_ROWS, ACTUAL),
            SideSpec("expense", r"支出", FINAL_EXPENSE_ROWS, ACTUAL),
        ),
        sum_rules=(SumRule("balance.income_equals_expense", "balance"),),
    ),
    TableSpec(
        FINAL_2024,
        2,
        "收入决算表",
        (r"收入决算表",),
        "grid",
        code_kind="function",
        topic="income",
        columns=(
            ColumnSpec("total", r"本年收入合计|合计", is_total=True, required=True),
            ColumnSpec("fiscal_appropriation", r"财政拨款收入"),
            ColumnSpec("superior_subsidy", r"上级补助收入"),
            ColumnSpec("institution_income", r"事业收入"),
            ColumnSpec("operating_income", r"经营收入"),
            ColumnSpec("affiliated_remittance", r"附属单位上缴收入"),
            ColumnSpec("other_income", r"其他收入"),
        ),
        sum_rules=(
            SumRule(
                "across.total_is_sum_of_sources",
                "across",
                "total",
                (
                    "fiscal_appropriation",
                    "superior_subsidy",
                    "institution_income",
                    "operating_income",
                    "affiliated_remittance",
                    "other_income",
                ),
            ),
            SumRule("down.total_row_is_sum_of_items", "down", "total"),
        ),
    ),
    TableSpec(
        FINAL_2024,
        3,
        "支出决算表",
        (r"支出决算表",),
        "grid",
        code_kind="function",
        topic="expenditure",
        columns=(
            ColumnSpec("total", r"本年支出合计|合计", is_total=True, required=True),
            ColumnSpec("basic_expenditure", r"基本支出", required=True),
            ColumnSpec("project_expenditure", r"项目支出", required=True),
            ColumnSpec("remittance_to_superior", r"上缴上级支出"),
            ColumnSpec("operating_expenditure", r"经营支出"),
            ColumnSpec("subsidy_to_affiliates", r"对附属单位补助支出"),
        ),
        sum_rules=(
            SumRule(
                "across.total_is_sum_of_uses",
                "across",
                "total",
                (
                    "basic_expenditure",
                    "project_expenditure",
                    "remittance_to_superior",
                    "operating_expenditure",
                    "subsidy_to_affiliates",
                ),
            ),
            SumRule("down.total_row_is_sum_of_items", "down", "total"),
        ),
    ),
    TableSpec(
        FINAL_2024,
        4,
        "财政拨款收入支出决算总表",
        (r"财政拨款收入支出决算总表",),
        "two_sided",
        code_kind="function",
        topic="fiscal_overview",
        sides=(
            SideSpec("income", r"收入", FINAL_INCOME_ROWS, ACTUAL),
            SideSpec(
                "expense",
                r"支出",
                FINAL_EXPENSE_ROWS,
                (
                    ColumnSpec("total", r"(合计|决算数)", is_total=True),
                    ColumnSpec("general_public_budget", r"一般公共预算财政拨款"),
                    ColumnSpec("government_fund", r"政府性基金预算财政拨款"),
                    ColumnSpec("state_capital_budget", r"国有资本经营预算财政拨款"),
                ),
            ),
        ),
        sum_rules=(SumRule("balance.income_equals_expense", "balance"),),
    ),
    TableSpec(
        FINAL_2024,
        5,
        "一般公共预算财政拨款支出决算表",
        (r"一般公共预算财政拨款支出决算表",),
        "grid",
        code_kind="function",
        topic="general_budget_expenditure",
        columns=SPLIT_COLUMNS,
        sum_rules=SPLIT_RULES,
    ),
    TableSpec(
        FINAL_2024,
        6,
        "一般公共预算财政拨款基本支出决算表",
        (r"一般公共预算财政拨款基本支出决算表",),
        "grid",
        code_kind="economic",
        topic="general_budget_basic",
        columns=(ColumnSpec("total", r"决算数", is_total=True, required=True),),
        blocks=(
            RowSpec("personnel", r"人员经费合计", role="total", is_total=True),
            RowSpec("public_use", r"公用经费合计", role="total", is_total=True),
        ),
        sum_rules=DOWN,
    ),
    TableSpec(
        FINAL_2024,
        7,
        "财政拨款“三公”经费支出决算表",
        (r"(财政拨款)?\"?三公\"?经费支出决算表",),
        "grid",
        topic="three_public",
        columns=(
            ColumnSpec("total", r"(合计|总计)", is_total=True, required=True),
            *THREE_PUBLIC_COLUMNS,
        ),
        sum_rules=THREE_PUBLIC_RULES,
    ),
    TableSpec(
        FINAL_2024,
        8,
        "政府性基金预算财政拨款收入支出决算表",
        (r"政府性基金预算财政拨款收入支出决算表",),
        "grid",
        code_kind="function",
        topic="government_fund_expenditure",
        columns=FUND_BALANCE_COLUMNS,
    ),
    TableSpec(
        FINAL_2024,
        9,
        "国有资本经营预算财政拨款收入支出决算表",
        (r"国有资本经营预算财政拨款(收入)?支出决算表",),
        "grid",
        code_kind="function",
        topic="state_capital_expenditure",
        columns=FUND_BALANCE_COLUMNS,
    ),
)

TEMPLATES: dict[str, tuple[TableSpec, ...]] = {
    BUDGET_2020: TABLES,
    JIANGSU_2017: JIANGSU_TABLES,
    SHANGHAI_2024: SHANGHAI_TABLES,
    FINAL_2024: FINAL_TABLES,
}

# ---- the national tables: a class no family describes, read by the vocabulary alone ---------

NATIONAL = "national"
NATIONAL_NUMBERS = 100  # a national table's number: 100 + the class's place in the vocabulary


def _national_rules(entry: vocabulary.TableClass) -> tuple[SumRule, ...]:
    """The sums of a class's table: its declared totals, each measure's own parts, and, where
    its rows carry codes, the 合计 row over the items and each 类 over its 款."""
    rules = [
        SumRule(f"across.{total}_is_sum_of_parts", "across", total, parts)
        for total, parts in entry.sums
    ]
    rules += [
        SumRule(f"across.{measure}_is_sum_of_its_parts", "across", measure, parts)
        for measure in entry.measures
        if (parts := vocabulary.measure_parts(measure)) and set(parts) <= set(entry.measures)
    ]
    if entry.codes:
        rules.append(SumRule("down.total_row_is_sum_of_items", "down", "total"))
    return tuple(rules)


NATIONAL_TABLES: tuple[TableSpec, ...] = tuple(
    TableSpec(
        NATIONAL,
        NATIONAL_NUMBERS + place,
        entry.name,
        (),
        "grid",
        code_kind=entry.codes,
        topic=topic,
        sum_rules=_national_rules(entry),
    )
    for place, (topic, entry) in enumerate(vocabulary.table_classes().items())
    if entry.layout == "grid" and entry.measures
)


NATIONAL_BY_TOPIC = {spec.topic: spec for spec in NATIONAL_TABLES}


def described_tables() -> tuple[TableSpec, ...]:
    """Every table the catalog can read: each family's, then the national ones."""
    return (*(spec for specs in TEMPLATES.values() for spec in specs), *NATIONAL_TABLES)


# ---- how the tables of one document must agree ---------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure of one table, named by its topic so a rule reads every family that publishes
    the table: the amounts of some measures on its total row or item rows.

    `economic_code` keeps item rows of that code (30231); `project` keeps projects whose name
    matches; `without_economic_code` keeps only columns not split by economic class. `parts`
    are read instead of `measures` where a family's table prints the figure only as its parts
    (决算 表六: 人员经费合计 and 公用经费合计, no 合计).
    """

    topic: str
    measures: tuple[str, ...]
    rows: str = "total"  # "total": the total row; "items": item rows (and their components)
    section: str | None = None
    economic_code: str | None = None
    project: str | None = None
    without_economic_code: bool = False
    parts: tuple[str, ...] = ()

    def read_measures(self, template: str) -> tuple[str, ...]:
        """The measures this figure is read from in a family's table."""
        printed = table_measures(template, self.topic, self.section)
        return self.measures if set(self.measures) & printed or not self.parts else self.parts


@dataclass(frozen=True)
class CrossRule:
    """The sum of `left` figures equals the sum of `right` figures, per document.

    `by` compares per key instead of in total: `class` (功能分类 类, the first 3 digits),
    `function_code`, or `measure`. A rule is evaluated only where every table it names is
    published (with data or empty); an empty table counts as 0.
    """

    rule_id: str
    severity: str
    description_zh: str
    description_en: str
    left: tuple[Figure, ...]
    right: tuple[Figure, ...]
    by: str | None = None


FUNDING_SOURCES = tuple(column.measure for column in FUNDING_SOURCE_COLUMNS)
TOTAL = ("total",)
PROJECT = ("project_expenditure",)

CROSS_RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "cross.expenditure_total_equals_overview_expense",
        "error",
        "支出预算总表合计应等于收支总表支出合计",
        "the expenditure table's total equals the overview's expense total",
        (Figure("expenditure", TOTAL),),
        (Figure("overview", TOTAL, section="expense"),),
    ),
    CrossRule(
        "cross.expenditure_by_class_equals_overview_expense",
        "error",
        "支出预算总表各类支出应等于收支总表同类支出",
        "the expenditure table equals the overview's expense by function class",
        (Figure("expenditure", TOTAL, "items"),),
        (Figure("overview", TOTAL, "items", section="expense"),),
        by="class",
    ),
    CrossRule(
        "cross.income_total_equals_overview_income",
        "error",
        "收入总表合计应等于收支总表收入合计",
        "the income table's total equals the overview's income total",
        (Figure("income", TOTAL),),
        (Figure("overview", TOTAL, section="income"),),
    ),
    CrossRule(
        "cross.income_sources_equal_overview_income",
        "error",
        "收入总表各项收入应等于收支总表同项收入",
        "the income table equals the overview's income by source",
        (Figure("income", FUNDING_SOURCES),),
        (Figure("overview", FUNDING_SOURCES, "items", section="income"),),
        by="measure",
    ),
    CrossRule(
        "cross.fiscal_expenditure_total_equals_fiscal_overview",
        "error",
        "财政拨款支出表合计应等于财政拨款收支总表支出合计",
        "the fiscal-appropriation expenditure table's total equals the fiscal overview's "
        "expense total",
        (Figure("fiscal_expenditure", TOTAL),),
        (Figure("fiscal_overview", TOTAL, section="expense"),),
    ),
    CrossRule(
        "cross.fiscal_basic_total_equals_fiscal_expenditure_basic",
        "error",
        "财政拨款基本支出表合计应等于财政拨款支出表基本支出合计",
        "the fiscal-appropriation basic-expenditure table's total equals the basic expenditure "
        "of the fiscal-appropriation expenditure table",
        (Figure("fiscal_basic", TOTAL),),
        (Figure("fiscal_expenditure", ("basic_expenditure",)),),
    ),
    CrossRule(
        "cross.general_budget_total_equals_fiscal_overview",
        "error",
        "一般公共预算支出表合计应等于财政拨款收支总表一般公共预算支出",
        "the general-public-budget expenditure table's total equals the fiscal overview's "
        "general-public-budget expense",
        (Figure("general_budget_expenditure", TOTAL),),
        (Figure("fiscal_overview", ("general_public_budget",), section="expense"),),
    ),
    CrossRule(
        "cross.general_budget_by_class_equals_fiscal_overview",
        "error",
        "一般公共预算支出表各类支出应等于财政拨款收支总表同类一般公共预算支出",
        "the general-public-budget expenditure table equals the fiscal overview's "
        "general-public-budget expense by function class",
        (Figure("general_budget_expenditure", TOTAL, "items"),),
        (Figure("fiscal_overview", ("general_public_budget",), "items", section="expense"),),
        by="class",
    ),
    CrossRule(
        "cross.general_budget_basic_total_equals_general_budget_basic",
        "error",
        "一般公共预算基本支出表合计应等于一般公共预算支出表基本支出合计",
        "the general-public-budget basic-expenditure table's total equals the basic "
        "expenditure of the general-public-budget expenditure table",
        (Figure("general_budget_basic", TOTAL, parts=("personnel", "public_use")),),
        (Figure("general_budget_expenditure", ("basic_expenditure",)),),
    ),
    CrossRule(
        "cross.project_total_equals_expenditure_project",
        "error",
        "项目支出表合计应等于支出预算总表项目支出合计",
        "the project table's total equals the expenditure table's project expenditure",
        (Figure("project", PROJECT, without_economic_code=True),),
        (Figure("expenditure", PROJECT),),
    ),
    CrossRule(
        "cross.project_by_function_equals_expenditure_project",
        "error",
        "项目支出表各科目应等于支出预算总表同科目项目支出",
        "the project table equals the expenditure table's project expenditure by function code",
        (Figure("project", PROJECT, "items", without_economic_code=True),),
        (Figure("expenditure", PROJECT, "items"),),
        by="function_code",
    ),
    CrossRule(
        "cross.general_budget_economic_total_equals_general_budget",
        "error",
        "一般公共预算支出经济分类表合计应等于一般公共预算支出表合计",
        "the general-public-budget expenditure by economic class adds up to the "
        "general-public-budget expenditure table's total",
        (Figure("general_budget_economic", TOTAL),),
        (Figure("general_budget_expenditure", TOTAL),),
    ),
    CrossRule(
        "cross.basic_by_source_total_equals_expenditure_basic",
        "error",
        "基本支出预算表（按资金来源）合计应等于支出预算总表基本支出合计",
        "the basic expenditure by funding source adds up to the expenditure table's basic "
        "expenditure",
        (Figure("basic_by_source", TOTAL),),
        (Figure("expenditure", ("basic_expenditure",)),),
    ),
    CrossRule(
        "cross.project_by_source_total_equals_expenditure_project",
        "error",
        "项目支出及其他支出预算表合计应等于支出预算总表项目支出合计",
        "the project (and other) expenditure by funding source adds up to the expenditure "
        "table's project expenditure",
        (Figure("project_by_source", TOTAL),),
        (Figure("expenditure", PROJECT),),
    ),
    CrossRule(
        "cross.government_fund_total_equals_fiscal_overview",
        "error",
        "政府性基金支出表合计应等于财政拨款收支总表政府性基金支出",
        "the government-fund expenditure table's total equals the fiscal overview's "
        "government-fund expense",
        (Figure("government_fund_expenditure", TOTAL),),
        (Figure("fiscal_overview", ("government_fund",), section="expense"),),
    ),
    CrossRule(
        "cross.reception_matches_basic_and_projects",
        "warning",
        "“三公”经费表公务接待费应等于一般公共预算基本支出表公务接待费(30217)加项目表接待类项目",
        "the 三公 reception cost equals general-budget basic expenditure code 30217 plus "
        "reception projects",
        (Figure("three_public", ("reception",), "items"),),
        (
            Figure("general_budget_basic", TOTAL, "items", economic_code="30217"),
            Figure("project", PROJECT, "items", project=r"接待", without_economic_code=True),
        ),
    ),
    CrossRule(
        "cross.vehicle_running_matches_basic_and_projects",
        "warning",
        "“三公”经费表公务用车运行费应等于一般公共预算基本支出表公务用车运行维护费(30231)"
        "加项目表用车类项目",
        "the 三公 vehicle running cost equals general-budget basic expenditure code 30231 plus "
        "vehicle projects",
        (Figure("three_public", ("vehicle_running",), "items"),),
        (
            Figure("general_budget_basic", TOTAL, "items", economic_code="30231"),
            Figure(
                "project",
                PROJECT,
                "items",
                project=r"公务用车|车辆运行|用车运行",
                without_economic_code=True,
            ),
        ),
    ),
)


@cache
def topic_table(template: str, topic: str) -> TableSpec | None:
    """A family's table on a topic, if the family describes one; else the class's national
    table, which a document of any family is read by where it prints that class (苏州's
    财政拨款支出表), so the rules across tables hold it to the others too."""
    return next((spec for spec in TEMPLATES.get(template, ()) if spec.topic == topic), None) or (
        NATIONAL_BY_TOPIC.get(topic)
    )


@cache
def table_topics() -> dict[tuple[str, int], str]:
    """The topic of each (template, table number) the catalog describes."""
    return {(spec.template, spec.number): spec.topic for spec in described_tables() if spec.topic}


def current_year_total(template: str, topic: str, section: str | None) -> str | None:
    """The label of the row totalling this year's flows on a side, where the family prints one."""
    spec = topic_table(template, topic)
    for side in spec.sides if spec else ():
        if side.section == section:
            return next((row.label for row in side.rows if row.current_year_total), None)
    return None


@cache
def table_measures(template: str, topic: str, section: str | None = None) -> frozenset[str]:
    """The measures a family's table on a topic prints (on one side, where named)."""
    spec = topic_table(template, topic)
    if spec is None:
        return frozenset()
    if spec.template == NATIONAL:  # read by the class's words: any measure of the class
        return frozenset(vocabulary.table_classes()[topic].measures)
    measures = {column.measure for column in spec.columns}
    if spec.blocks:  # a block's measure replaces its columns'
        measures = {row.measure for row in spec.blocks if row.measure}
    for side in spec.sides:
        if section is None or side.section == section:
            measures |= {column.measure for column in side.columns}
            measures |= {row.measure for row in side.rows if row.measure}
    return frozenset(measures)


def describes(template: str, figure: Figure, by_code: bool = False) -> bool:
    """Whether a family's table on the figure's topic has the figure's measures (and side, and
    functional codes where compared by code): a rule reading a figure the family does not
    print is not a rule for that family."""
    spec = topic_table(template, figure.topic)
    if spec is None or (by_code and spec.code_kind != "function"):
        return False
    if spec.template == NATIONAL and figure.project:
        return False  # projects picked by name (接待类) need a family's reading of its rows
    sections = {side.section for side in spec.sides}
    return (
        bool(
            set(figure.read_measures(template))
            & table_measures(template, figure.topic, figure.section)
        )
        and (figure.section is None or figure.section in sections)
        and (figure.economic_code is None or spec.code_kind == "economic")
    )


@lru_cache(maxsize=65536)
def normalise_label(text: str) -> str:
    """Label text as the description matches it: no white space, one kind of quote (cached:
    the same labels recur in every document)."""
    text = re.sub(r"[\s\u3000]+", "", text)
    return re.sub(r"[“”„‟\"＂「」]", '"', text)
