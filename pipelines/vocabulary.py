"""The national vocabulary (`description/vocabulary.toml`): table classes, measures and
bases, as data.

A family description (`description/families/`) says what its template adds; what any
disclosure of any province calls its tables and columns is said here once, so a title or
header a family does not know is still read (`class_titles`, `header_measure`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY = Path(__file__).parent / "description" / "vocabulary.toml"


@dataclass(frozen=True)
class TableClass:
    """A kind of table every family prints in its own words (收支总表, 三公 …)."""

    topic: str
    number: int  # its national table's number: fixed, so fact ids never depend on file order
    name: str
    titles: tuple[str, ...]
    measures: tuple[str, ...]
    core: bool
    measures_in_rows: bool = False
    codes: str | None = None  # function | economic: what its rows' codes are
    layout: str = "grid"  # or two_sided: income beside expense
    sums: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (total, its parts)


@dataclass(frozen=True)
class Measure:
    """What a number is (合计, 基本支出, 公务接待费 …) and the headers that carry it."""

    measure: str
    name: str
    meaning: str
    headers: tuple[str, ...]
    parts: tuple[str, ...] = ()
    economic_classes: tuple[str, ...] = ()  # the 类 it is, where a table prints only those
    unit: str | None = None  # a count's unit (团组 个, 辆): a number of things, not money


@cache
def _vocabulary() -> dict:
    with VOCABULARY.open("rb") as file:
        return tomllib.load(file)


@cache
def table_classes() -> dict[str, TableClass]:
    classes = {
        topic: TableClass(
            topic=topic,
            number=entry["number"],
            name=entry["name"],
            titles=tuple(entry["titles"]),
            measures=tuple(entry["measures"]),
            core=entry.get("core", False),
            measures_in_rows=entry.get("measures_in_rows", False),
            codes=entry.get("codes"),
            layout=entry.get("layout", "grid"),
            sums=tuple((total, tuple(parts)) for total, *parts in entry.get("sums", ())),
        )
        for topic, entry in _vocabulary()["classes"].items()
    }
    numbers = [entry.number for entry in classes.values()]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"vocabulary.toml: two classes share a number ({sorted(numbers)})")
    return classes


@cache
def measures() -> dict[str, Measure]:
    return {
        measure: Measure(
            measure,
            entry["name"],
            entry["meaning"],
            tuple(entry["headers"]),
            tuple(entry.get("parts", ())),
            tuple(entry.get("economic_classes", ())),
            entry.get("unit"),
        )
        for measure, entry in _vocabulary()["measures"].items()
    }


def measure_parts(measure: str) -> tuple[str, ...]:
    """The measures a measure is the sum of, where a table may print them in its place
    (基本支出 as 人员经费 | 公用经费 with no 小计)."""
    found = measures().get(measure)
    return found.parts if found else ()


def bases() -> dict[str, str]:
    return dict(_vocabulary()["bases"])


def period_pattern(name: str) -> re.Pattern:
    """A pattern of the `[periods]` words: year, prior, change or percentage."""
    return _compiled(_vocabulary()["periods"][name])


def closing_rows() -> tuple[str, ...]:
    """The rows the vocabulary names (subtotal, income_total, prior_year_balance …)."""
    return tuple(_vocabulary()["rows"])


def row_label(role: str) -> str:
    """The pattern of a row that closes a side (subtotal, income_total, …), numbered or not
    (一、本年收入 opens 苏州's sides)."""
    return numbering_pattern() + "(" + _vocabulary()["rows"][role] + ")"


def numbering_pattern() -> str:
    """An optional numbering prefix of a row label at any level (一、, （一）, 1., (1))."""
    return "(" + "|".join(_vocabulary()["numbering"]["levels"]) + ")?"


def numbering_level(label: str) -> int | None:
    """How deep a row label's numbering is, 0 outermost (一、); None where it is unnumbered."""
    for level, pattern in enumerate(_vocabulary()["numbering"]["levels"]):
        if _compiled(pattern).match(label):
            return level
    return None


def core_classes() -> tuple[str, ...]:
    """The classes every budget disclosure prints."""
    return tuple(topic for topic, entry in table_classes().items() if entry.core)


def measure_table() -> str:
    """The README's table of the measures, made from the vocabulary like `class_table`."""
    lines = ["| measure | 中文 | meaning |", "|---|---|---|"]
    lines += [f"| `{m}` | {entry.name} | {entry.meaning} |" for m, entry in measures().items()]
    return "\n".join(lines)


def list_class(captions: tuple[str, ...]) -> str | None:
    """The kind of text table (`[lists]`) the caption lines above a table name, the nearest
    line first (二、部门决算单位构成, then 从预算单位构成看，… 见下表: names a unit roster)."""
    for caption in reversed(captions):
        label = "".join(caption.split())
        for kind, entry in _vocabulary().get("lists", {}).items():
            if any(_compiled(pattern).search(label) for pattern in entry["titles"]):
                return kind
    return None


def class_table() -> str:
    """The README's table of the classes, made from the vocabulary so the two cannot differ
    (`tests/test_vocabulary.py` holds the README to it): a class without measures is a form."""
    lines = ["| class | 中文 | core | its columns may carry |", "|---|---|---|---|"]
    for topic, entry in table_classes().items():
        carried = ", ".join(f"`{measure}`" for measure in entry.measures)
        if entry.measures_in_rows:
            carried += " (also as rows)"
        lines.append(
            f"| `{topic}` | {entry.name} | {'yes' if entry.core else ''} | "
            f"{carried or '(a form: `v_performance_indicators`)'} |"
        )
    return "\n".join(lines)


def class_titles(topic: str | None) -> tuple[str, ...]:
    """The national title patterns of a class; none for a topic the vocabulary lacks."""
    entry = table_classes().get(topic or "")
    return entry.titles if entry else ()


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def header_measure(path: tuple[str, ...], topic: str | None) -> str | None:
    """The measure a column of a table of this class carries, by its header labels: the
    longest run of labels at the bottom of the path that a measure's header words match, so
    基本支出/小计 is basic expenditure, not a second 合计."""
    entry = table_classes().get(topic or "")
    if entry is None:
        return None
    for depth in range(len(path), 0, -1):
        label = "/".join(path[-depth:])
        for measure in entry.measures:
            if any(_compiled(h).fullmatch(label) for h in measures()[measure].headers):
                return measure
    return None


def row_measure(label: str, topic: str | None) -> str | None:
    """The measure a row of a table printing its measures as rows names (3、公务用车购置及运行费,
    其中：（1）公务用车购置费), by the measures' header words; None for other classes, for a
    合计 row (its column says what it totals) and for a row naming no measure."""
    entry = table_classes().get(topic or "")
    if entry is None or not entry.measures_in_rows:
        return None
    prefix = _compiled("^(其中[：:]?|" + "|".join(_vocabulary()["numbering"]["levels"]) + ")")
    words = label
    while (stripped := prefix.sub("", words)) != words:
        words = stripped
    measure = header_measure((words,), topic)
    return measure if measure != "total" else None


def narrative_bounds() -> tuple[tuple[re.Pattern, ...], tuple[re.Pattern, ...]]:
    """The heading patterns that open and close a disclosure's narrative (情况说明)."""
    entry = _vocabulary()["narrative"]
    return (
        tuple(_compiled(p) for p in entry["starts"]),
        tuple(_compiled(p) for p in entry["ends"]),
    )


def heading_words(line: str) -> str:
    """A line as a heading is matched: without blanks and its numbering (二、, （一）, 1.)."""
    text = re.sub(r"\s+", "", line)
    return _compiled("^" + numbering_pattern()).sub("", text, count=1)


@dataclass(frozen=True)
class OutlineItem:
    """A part of a disclosure a reviewer looks for: a section by its headings, or a subject
    the narrative explains by its words (and the class of the table it explains)."""

    item: str
    zh: str
    pattern: re.Pattern
    topic: str | None = None
    required: bool = False  # a subject every template's narrative explains
    covered_by: tuple[str, ...] = ()  # subjects that together explain it


@cache
def outline_sections() -> tuple[OutlineItem, ...]:
    """The sections a disclosure has besides its narrative (主要职能, 机构设置, 名词解释)."""
    return tuple(
        OutlineItem(entry["item"], entry["zh"], _compiled("|".join(entry["headings"])))
        for entry in _vocabulary()["outline"]["sections"]
    )


@cache
def outline_subjects() -> tuple[OutlineItem, ...]:
    """The subjects a 预算编制说明 explains (收支总体, 收入 … 绩效目标)."""
    return tuple(
        OutlineItem(
            entry["item"],
            entry["zh"],
            _compiled(entry["words"]),
            entry.get("class"),
            entry.get("required", False),
            tuple(entry.get("covered_by", ())),
        )
        for entry in _vocabulary()["outline"]["subjects"]
    )


def outline_pattern(name: str) -> re.Pattern:
    """One of the outline's patterns: `self_name` (部门预算, 单位决算) or `period` (实施周期)."""
    return _compiled(_vocabulary()["outline"][name])
