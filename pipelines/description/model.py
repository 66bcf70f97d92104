"""The typed objects the description is loaded into: tables, their columns, rows and sides, the
sums a correct table obeys, and the figures rules across tables compare.

Labels are regular expressions matched against header or row text with all white space removed
and quotes unified, so `收  入  总  计` and `收入总计` are the same label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Figure:
    """A figure of one table, named by its class so a rule reads every family that publishes
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
