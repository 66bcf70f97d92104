"""Reading the description: `tables.toml` (the pieces every family shares and each class's
national default table), one file per template family in `families/` (what it says otherwise),
and `cross_rules.toml` (how a document's tables agree), into the typed objects of `model`,
checked as they are read: every class, measure, role, set and rule named must exist.

A family's table is its class's default table (`[classes.<class>]` in `tables.toml`) with the
keys the family gives replacing the default's. Columns, rows and rules are written inline or
by the name of a set (national in `tables.toml`, or the family's own), and a list may splice a
set among its items. A row's label is a pattern (`label`), a pattern after the national
numbering (`numbered`: 一、, （一）, 1. …), or a row the vocabulary names (`closes`: subtotal,
income_total …). A rule's direction is the first part of its id (across., down., balance.).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pipelines import vocabulary
from pipelines.description.model import (
    ColumnSpec,
    CrossRule,
    Figure,
    RowSpec,
    SideSpec,
    SumRule,
    TableSpec,
)

DESCRIPTION_DIR = Path(__file__).parent
LAYOUTS = ("grid", "two_sided")
CODE_KINDS = ("function", "economic")
ROLES = ("item", "component", "subtotal", "total")
DIRECTIONS = ("across", "down", "balance")
FIGURE_ROWS = ("total", "items")
COMPARED_BY = ("class", "function_code", "measure")
SEVERITIES = ("error", "warning", "info")
COLUMN_KEYS = {"measure", "label", "under", "economic_code", "total", "required"}


class DescriptionError(ValueError):
    """A description file that names what does not exist, or says what cannot be read."""


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DescriptionError(f"{path.name}: {error}") from None


class _Reader:
    """Reads one file's entries, naming the file and the entry in any error."""

    def __init__(self, name: str, sets: dict[str, dict]) -> None:
        self.name = name
        self.sets = sets  # kind (columns, rows, rules) -> set name -> raw items
        self.measures = set(vocabulary.measures())
        self.row_roles = set(vocabulary.closing_rows())

    def fail(self, where: str, message: str) -> DescriptionError:
        return DescriptionError(f"{self.name}: {where}: {message}")

    def keys(self, entry: dict, allowed: set[str], where: str) -> None:
        if not isinstance(entry, dict):
            raise self.fail(where, f"expected a table of keys, found {entry!r}")
        if unknown := set(entry) - allowed:
            raise self.fail(where, f"unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")

    def measure(self, name: str | None, where: str) -> str | None:
        if name is not None and name not in self.measures:
            raise self.fail(where, f"no measure {name!r} in the vocabulary")
        return name

    def items(self, kind: str, value, where: str, seen: tuple[str, ...] = ()) -> list[dict]:
        """A list of raw items, a set named in place of it or spliced among its items."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list of {kind} or a set's name, found {value!r}")
        found = []
        for item in value:
            if isinstance(item, str):
                if item not in self.sets[kind]:
                    raise self.fail(where, f"no set of {kind} named {item!r}")
                if item in seen:
                    raise self.fail(where, f"the set {item!r} includes itself")
                found += self.items(kind, self.sets[kind][item], f"{kind}.{item}", (*seen, item))
            else:
                found.append(item)
        return found

    def columns(self, value, where: str) -> tuple[ColumnSpec, ...]:
        columns = []
        for number, entry in enumerate(self.items("columns", value, where), start=1):
            at = f"{where}, column {number}"
            self.keys(entry, COLUMN_KEYS, at)
            columns.append(
                ColumnSpec(
                    self.measure(entry["measure"], at),
                    entry["label"],
                    under=entry.get("under"),
                    economic_code=entry.get("economic_code"),
                    is_total=entry.get("total", False),
                    required=entry.get("required", False),
                )
            )
        return tuple(columns)

    def rows(self, value, where: str) -> tuple[RowSpec, ...]:
        rows = []
        allowed = {"measure", "label", "numbered", "closes", "role", "total", "component_of"}
        allowed |= {"current_year_total", "parts_by_fund_follow"}
        for number, entry in enumerate(self.items("rows", value, where), start=1):
            at = f"{where}, row {number}"
            self.keys(entry, allowed, at)
            labels = [key for key in ("label", "numbered", "closes") if key in entry]
            if len(labels) != 1:
                raise self.fail(at, "a row has one of label, numbered or closes")
            if "closes" in entry and entry["closes"] not in self.row_roles:
                raise self.fail(at, f"the vocabulary names no row {entry['closes']!r}")
            if (role := entry.get("role", "item")) not in ROLES:
                raise self.fail(at, f"role {role!r} is none of {ROLES}")
            label = (
                vocabulary.row_label(entry["closes"])
                if "closes" in entry
                else vocabulary.numbering_pattern() + entry["numbered"]
                if "numbered" in entry
                else entry["label"]
            )
            rows.append(
                RowSpec(
                    self.measure(entry.get("measure"), at),
                    label,
                    role=role,
                    is_total=entry.get("total", False),
                    component_of=self.measure(entry.get("component_of"), at),
                    current_year_total=entry.get("current_year_total", False),
                    parts_by_fund_follow=entry.get("parts_by_fund_follow", False),
                )
            )
        return tuple(rows)

    def rules(self, value, where: str) -> tuple[SumRule, ...]:
        rules = []
        for entry in self.items("rules", value, where):
            at = f"{where}, rule {entry.get('id', '?')}"
            self.keys(entry, {"id", "total", "parts", "section"}, at)
            direction = entry["id"].split(".")[0]
            if direction not in DIRECTIONS:
                raise self.fail(at, f"a rule's id starts with one of {DIRECTIONS}")
            rules.append(
                SumRule(
                    entry["id"],
                    direction,
                    self.measure(entry.get("total", "total"), at),
                    tuple(self.measure(part, at) for part in entry.get("parts", ())),
                    entry.get("section"),
                )
            )
        return tuple(rules)

    def sides(self, value: list, where: str) -> tuple[SideSpec, ...]:
        sides = []
        for entry in value:
            at = f"{where}, side {entry.get('section', '?')}"
            self.keys(entry, {"section", "header", "rows", "columns"}, at)
            sides.append(
                SideSpec(
                    entry["section"],
                    entry["header"],
                    self.rows(entry["rows"], at),
                    self.columns(entry["columns"], at),
                )
            )
        return tuple(sides)


TABLE_KEYS = {"layout", "code_kind", "columns", "sides", "rules", "blocks"}


def _table(reader: _Reader, family: str, entry: dict, default: dict, prefix: str) -> TableSpec:
    where = f"table {entry.get('number', '?')}"
    reader.keys(entry, {"number", "class", "name", "titles", *TABLE_KEYS}, where)
    topic = entry.get("class")
    if topic not in vocabulary.table_classes():
        raise reader.fail(where, f"no table class {topic!r} in the vocabulary")
    given = {**default, **{key: value for key, value in entry.items() if key in TABLE_KEYS}}
    layout = given.get("layout", "grid")
    code_kind = given.get("code_kind") or None
    if layout not in LAYOUTS or code_kind not in (None, *CODE_KINDS):
        raise reader.fail(where, f"layout {layout!r} or code kind {code_kind!r} is not known")
    return TableSpec(
        family,
        entry["number"],
        entry["name"],
        tuple(prefix + title for title in entry["titles"]),
        layout,
        code_kind=code_kind,
        topic=topic,
        columns=reader.columns(given.get("columns", []), where),
        sides=reader.sides(given.get("sides", []), where),
        sum_rules=reader.rules(given.get("rules", []), where),
        blocks=reader.rows(given.get("blocks", []), where),
    )


@cache
def national(directory: Path = DESCRIPTION_DIR) -> dict:
    """`tables.toml`: the order of the families, the shared sets, each class's default."""
    return _read(directory / "tables.toml")


def _sets(raw: dict) -> dict[str, dict]:
    return {kind: dict(raw.get(kind, {})) for kind in ("columns", "rows", "rules")}


def shared_rows(name: str, directory: Path = DESCRIPTION_DIR) -> tuple[RowSpec, ...]:
    """A national set of rows (`[rows]` in `tables.toml`)."""
    return _Reader("tables.toml", _sets(national(directory))).rows(name, f"rows.{name}")


def shared_columns(name: str, directory: Path = DESCRIPTION_DIR) -> tuple[ColumnSpec, ...]:
    """A national set of columns (`[columns]` in `tables.toml`)."""
    return _Reader("tables.toml", _sets(national(directory))).columns(name, f"columns.{name}")


@cache
def families(directory: Path = DESCRIPTION_DIR) -> dict[str, tuple[TableSpec, ...]]:
    """Every template family's tables, in the order `tables.toml` gives the families (the
    first of equally good readings wins)."""
    shared = national(directory)
    order = shared["families"]
    files = {path.stem: path for path in (directory / "families").glob("*.toml")}
    if set(order) != set(files):
        raise DescriptionError(
            f"tables.toml: families {sorted(order)} against the files {sorted(files)}"
        )
    described = {}
    for family in order:
        raw = _read(files[family])
        sets = _sets(shared)
        for kind, own in _sets(raw).items():
            if clash := set(own) & set(sets[kind]):
                raise DescriptionError(f"{family}.toml: sets {sorted(clash)} are national names")
            sets[kind] |= own
        reader = _Reader(f"{family}.toml", sets)
        reader.keys(raw, {"family", "title_prefix", "tables", "columns", "rows", "rules"}, "top")
        if raw.get("family") != family:
            raise reader.fail("family", f"names {raw.get('family')!r}, its file {family!r}")
        tables = tuple(
            _table(
                reader,
                family,
                entry,
                shared["classes"].get(entry.get("class"), {}),
                raw.get("title_prefix", ""),
            )
            for entry in raw["tables"]
        )
        numbers = [table.number for table in tables]
        if len(set(numbers)) != len(numbers):
            raise reader.fail("tables", f"table numbers {numbers} repeat")
        described[family] = tables
    return described


def _figure(reader: _Reader, entry: dict, where: str) -> Figure:
    allowed = {"class", "measures", "rows", "section", "economic_code", "project"}
    reader.keys(entry, allowed | {"without_economic_code", "parts"}, where)
    if entry.get("class") not in vocabulary.table_classes():
        raise reader.fail(where, f"no table class {entry.get('class')!r} in the vocabulary")
    measures = entry["measures"]
    if isinstance(measures, str):  # the measures of a named set of columns
        measures = [column.measure for column in reader.columns(measures, where)]
    if (rows := entry.get("rows", "total")) not in FIGURE_ROWS:
        raise reader.fail(where, f"rows {rows!r} is none of {FIGURE_ROWS}")
    return Figure(
        entry["class"],
        tuple(reader.measure(measure, where) for measure in measures),
        rows,
        entry.get("section"),
        entry.get("economic_code"),
        entry.get("project"),
        entry.get("without_economic_code", False),
        tuple(reader.measure(part, where) for part in entry.get("parts", ())),
    )


@cache
def cross_rules(directory: Path = DESCRIPTION_DIR) -> tuple[CrossRule, ...]:
    """How a document's tables must agree (`cross_rules.toml`)."""
    reader = _Reader("cross_rules.toml", _sets(national(directory)))
    rules = []
    for entry in _read(directory / "cross_rules.toml")["rules"]:
        where = f"rule {entry.get('id', '?')}"
        reader.keys(entry, {"id", "severity", "zh", "en", "left", "right", "by"}, where)
        severity, by = entry.get("severity", "error"), entry.get("by")
        if severity not in SEVERITIES or by not in (None, *COMPARED_BY):
            raise reader.fail(where, f"severity {severity!r} or comparison {by!r} is not known")
        rules.append(
            CrossRule(
                entry["id"],
                severity,
                entry["zh"],
                entry["en"],
                tuple(_figure(reader, figure, where) for figure in entry["left"]),
                tuple(_figure(reader, figure, where) for figure in entry["right"]),
                by,
            )
        )
    return tuple(rules)


JUDGED = ("difference", "status")
FAMILY_KEYS = {"zh", "en", "judged", "tolerance", "passes", "undecided", "about"}
CHECK_KEYS = {"family", "severity", "zh", "en", "example"}


@cache
def check_registry(directory: Path = DESCRIPTION_DIR) -> tuple[dict[str, dict], dict[str, dict]]:
    """The rule families and every check id (`checks.toml`), each check naming a family that
    exists, a severity, what it says and an example."""
    raw = _read(directory / "checks.toml")
    reader = _Reader("checks.toml", _sets({}))
    families, checks = raw.get("families", {}), raw.get("checks", {})
    for name, family in families.items():
        reader.keys(family, FAMILY_KEYS, f"family {name}")
        judged = family.get("judged")
        if judged not in JUDGED or (judged, "tolerance" in family) == ("difference", False):
            raise reader.fail(
                f"family {name}", "judged by a difference (with its tolerance) or a status"
            )
        if judged == "status" and not family.get("passes"):
            raise reader.fail(f"family {name}", "a family judged by status names what passes")
    for check_id, check in checks.items():
        reader.keys(check, CHECK_KEYS, f"check {check_id}")
        if check.get("family") not in families:
            raise reader.fail(f"check {check_id}", f"no rule family {check.get('family')!r}")
        if check.get("severity") not in SEVERITIES:
            raise reader.fail(f"check {check_id}", f"severity {check.get('severity')!r}")
    return families, checks


def check_table(directory: Path = DESCRIPTION_DIR) -> str:
    """The README's table of every check, made from the registry so the two cannot differ."""
    lines = [
        "| check | family | severity | what it says | a real example |",
        "|---|---|---|---|---|",
    ]
    for check_id, check in check_registry(directory)[1].items():
        lines.append(
            f"| `{check_id}` | `{check['family']}` | {check['severity']} | {check['zh']} — "
            f"{check['en']} | {check['example']} |"
        )
    return "\n".join(lines)
