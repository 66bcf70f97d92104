"""Table recognition: which described table a grid is, and what each of its columns means.

A table is known by its title (in the paragraphs just above it, or in caption rows at its top)
and confirmed by its header. Header rows lost their merged cells in most formats, so a header
row may have fewer cells than the data rows; `column_paths` rebuilds the spans from the row
below, which is what a reader does by eye.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import TypeVar

from pipelines.description import TableSpec, normalise_label
from pipelines.document import Document, Paragraph, Row, Table
from pipelines.numbers import is_amount
from pipelines.vocabulary import class_titles, table_classes

Named = TypeVar("Named")

CAPTION_LINE = re.compile(
    r"^(表[一二三四五六七八九十\d]+[：:]?.*|.*表(（续）)?(（[^）]{1,8}）)?(公开\d*表[一二三四五六七八九十\d]*)?"
    r"|.*(编制|填报)(部门|单位)[：:].*|单位[：:].*)$"
)
DEPARTMENT = re.compile(
    r"(?:编制|填报|预算主管)?(?:部门|单位)(?:名称)?[：:]\s*(?!(?:人民币)?(?:万元|元|千元|亿元))(\S.*?)"
    r"(?:\s{2,}|\s*(?:金额)?单位[：:]|$)"
)
UNIT = re.compile(r"单位[：:]\s*(?:人民币)?\s*(万元|元|千元|亿元)")
# the 栏次 mark of a column printed in its header cell (湖州 2026: 单位名称** | 金额**)
COLUMN_MARK = re.compile(r"(?<=[^*＊])[*＊]+$")
# a unit printed in a header cell (珠海 2026: 预算数（单位：万元）; 金额（元）) is the table's unit,
# not the column's name
HEADER_UNIT = re.compile(r"(?<=.)[（(](?:单位[：:])?(?:人民币)?(万元|元|千元)[）)]$")
CODE_PART = re.compile(r"^(类|款|项)$")
CODE_SHAPE = re.compile(r"[1-9]\d{2}(?:\d{2}){0,2}")  # 类 204, 款 20405, 项 2040501
UNLABELLED_CODES = "编码"  # the label given to a column of codes printed without a header
CODE_COLUMN = re.compile(r"^(类|款|项|.*科目代码|.*科目编码|.*分类代码|.*分类编码|代码|编码)$")
KEY_LABEL = re.compile(
    r"^(类|款|项|项目|科目|项目名称|单位名称|功能分类|经济分类|.*编码|.*代码|.*名称|功能分类科目"
    r"|经济分类科目|序号)$"
)
EMPTY_NOTE = re.compile(r"空表|无内容")
# a line naming the disclosure (无锡市交通运输局2026年部门预算公开): a page's running header, or
# a title, never a remark on the table above it, however it begins
DISCLOSURE_TITLE = re.compile(r"20\d{2}年度?(部门|单位)?(预算|决算)(公开)?(表)?$")
# how a remark on a table begins (备注：, 注：, 本部门无…, （无政府性基金支出）)
REMARK = re.compile(r"^(备注|注|说明|本部门|本单位|[（(])")
NONE_NOTE = re.compile(r"[（(]?(本(部门|单位))?无.{1,30}?[)）]?。?")
BOILERPLATE_NOTE = "无内容应公开空表并说明情况。"


@dataclass(frozen=True)
class Column:
    """A table column: its header labels from top to bottom, and what kind of column it is."""

    index: int
    path: tuple[str, ...]

    @property
    def leaf(self) -> str:
        return self.path[-1] if self.path else ""

    @property
    def is_code_part(self) -> bool:
        """A column of codes: a 类, 款 or 项 part, or whole codes (功能科目代码 204 / 2040401)."""
        return bool(CODE_COLUMN.match(self.leaf))

    @property
    def is_key(self) -> bool:
        return any(KEY_LABEL.match(label) for label in self.path[-1:]) or self.is_code_part


@dataclass(frozen=True)
class RecognisedTable:
    table: Table
    spec: TableSpec | None
    title: str
    printed_number: str
    captions: tuple[str, ...]
    department: str | None
    unit: str | None
    columns: tuple[Column, ...]
    header_rows: int
    note: str | None
    by_class: bool = False  # named by the national class titles, not the family's own

    @property
    def data_rows(self) -> tuple[Row, ...]:
        return self.table.rows[self.header_rows :]


def _caption_rows(table: Table) -> int:
    """How many rows at the top of a table are its title and unit line rather than header."""
    count = 0
    for row in table.rows:
        texts = [t for t in row.texts if t]
        joined = "  ".join(texts)
        if texts and (
            all(CAPTION_LINE.match(normalise_label(t)) or UNIT.search(t) for t in texts)
            or DEPARTMENT.search(joined)
        ):
            count += 1
        else:
            break
    return count


def _header_rows(rows: tuple[Row, ...], start: int) -> int:
    """Index just past the header: after the 类/款/项 row, or at the first blank or numeric row."""
    end = start
    for index in range(start, len(rows)):
        texts = rows[index].texts
        if rows[index].is_blank or any(is_amount(t) or re.fullmatch(r"\d{2,3}", t) for t in texts):
            break
        end = index + 1
        if any(CODE_PART.match(normalise_label(t)) for t in texts):
            break
    return end


def _segments(blocks: list[tuple[str, int]], key_of) -> list[int]:
    """Group consecutive blocks of the same kind (key vs amount); returns group sizes."""
    sizes: list[int] = []
    previous = None
    for block in blocks:
        kind = key_of(block)
        if kind == previous:
            sizes[-1] += 1
        else:
            sizes.append(1)
        previous = kind
    return sizes


def _spans(row: list[str], below: list[tuple[str, int]] | None, width: int) -> list[int]:
    """Column spans of a header row whose merged cells were flattened.

    `below` is the row underneath as (label, span) blocks. A row with as many cells as there are
    blocks below maps one to one; otherwise cells are matched to runs of key columns (codes,
    names) and amount columns, or to key-then-amount sides (两侧表); failing that, a cell spans
    the run of labelled columns below it, as far as the cells after it leave room.
    """
    if below is None:
        return [1] * (len(row) - 1) + [width - len(row) + 1]
    if len(row) == len(below):
        return [span for _, span in below]

    def is_key(block: tuple[str, int]) -> bool:
        return bool(KEY_LABEL.match(normalise_label(block[0])) or CODE_PART.match(block[0]))

    for grouping in (_segments(below, is_key), _side_groups(below, is_key)):
        if len(grouping) == len(row):
            spans, position = [], 0
            for size in grouping:
                spans.append(sum(span for _, span in below[position : position + size]))
                position += size
            return spans
    columns = [label for label, span in below for _ in range(span)]
    spans, column = [], 0
    for index in range(len(row)):
        left = len(row) - index - 1
        if index == len(row) - 1:
            span = width - column
        elif not columns[column]:
            span = 1
        else:
            span = 1
            while column + span < width - left and columns[column + span]:
                span += 1
        spans.append(max(span, 1))
        column += span
    return spans


def _side_groups(blocks: list[tuple[str, int]], is_key) -> list[int]:
    """Group blocks into sides, each a key block followed by its amount blocks."""
    sizes: list[int] = []
    for block in blocks:
        if is_key(block) or not sizes:
            sizes.append(1)
        else:
            sizes[-1] += 1
    return sizes


def _labels(row: list[str], spans: list[int], width: int) -> list[str]:
    """The label over each grid column. A full-width row has a cell per column, merged ones
    carrying their span over the empty cells they cover; a shorter row's cells follow each
    other, each over its span."""
    labels = [""] * width
    column = 0
    for index, (text, span) in enumerate(zip(row, spans, strict=False)):
        start = index if len(row) == width else column
        for covered in range(start, min(start + max(span, 1), width)):
            labels[covered] = labels[covered] or text
        column = start + max(span, 1)
    return labels


def header_spans(
    header: list[list[str]], width: int, spans: list[list[int]] | None = None
) -> list[list[int]]:
    """The column span of every header cell, bottom row first.

    Rows as wide as the table carry their merges in `spans` (readers that keep them); shorter
    rows lost their merges and have their spans inferred from the row below.
    """
    result: list[list[int]] = [[] for _ in header]
    below: list[tuple[str, int]] | None = None
    for number in reversed(range(len(header))):
        row = header[number][:width]
        if len(row) == width:
            result[number] = spans[number] if spans else [1] * width
            below = [(label, 1) for label in _labels(row, result[number], width)]
        else:
            result[number] = _spans(row, below, width)
            below = list(zip(row, result[number], strict=False))
    return result


def column_paths(
    header: list[list[str]], width: int, spans: list[list[int]] | None = None
) -> tuple[Column, ...]:
    """Each column's header labels from the top row down, merged cells spread over their span."""
    aligned = [
        _labels(row[:width], row_spans, width)
        for row, row_spans in zip(header, header_spans(header, width, spans), strict=True)
    ]
    columns = []
    for index in range(width):
        path: list[str] = []
        for labels in aligned:
            label = HEADER_UNIT.sub("", COLUMN_MARK.sub("", normalise_label(labels[index])))
            if label and (not path or path[-1] != label):
                path.append(label)
        columns.append(Column(index=index, path=tuple(path)))
    return tuple(columns)


def unlabelled_columns(rows: tuple[Row, ...], width: int) -> tuple[Column, ...]:
    """The columns of a table printed without a header (a continuation cut off from its first
    page), so its numbers still become facts: a column of whole numbers shaped like codes
    (204, 20405, 2040501) before a column of labels is a column of codes, the rest unlabelled."""

    def filled(index: int) -> list[str]:
        return [row.texts[index] for row in rows if index < len(row.texts) and row.texts[index]]

    def holds_labels(index: int) -> bool:
        texts = filled(index)
        return bool(texts) and not any(is_amount(text) for text in texts)

    columns = []
    for index in range(width):
        texts = filled(index)
        codes = bool(texts) and all(CODE_SHAPE.fullmatch(text) for text in texts)
        path = (UNLABELLED_CODES,) if codes and holds_labels(index + 1) else ()
        columns.append(Column(index=index, path=path))
    return tuple(columns)


@lru_cache(maxsize=4096)
def _title_candidates(captions: tuple[str, ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """The caption lines from the one nearest the table up, each normalised with the text to
    report, then read joined with the one or two lines above it (a title wrapped over two or
    three lines): computed once per table, matched against every family."""
    candidates = []
    for end in reversed(range(len(captions))):
        lines = [captions[start : end + 1] for start in (end, end - 1, end - 2) if start >= 0]
        candidates.append(
            tuple((normalise_label("".join(part)), "".join(part).strip()) for part in lines)
        )
    return tuple(candidates)


@cache
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _longest_title(label: str, patterns: list[tuple[str, Named]]) -> tuple[bool, Named | None]:
    """Whether a title matches the label, and what the longest match names (a table, None
    where that is a class the family has no table of; or a class)."""
    best: tuple[int, Named | None] = (0, None)
    for pattern, spec in patterns:
        found = _compiled(pattern).search(label)
        if found and len(found.group(0)) > best[0]:
            best = (len(found.group(0)), spec)
    return best[0] > 0, best[1]


def title_class(line: str) -> str | None:
    """The table class a line names by the national class titles alone (a 目录 entry: 1.
    2025年预算单位财务收支预算总表), the longest match winning."""
    patterns = [(pattern, topic) for topic in table_classes() for pattern in class_titles(topic)]
    return _longest_title(normalise_label(line), patterns)[1]


def match_title(
    captions: tuple[str, ...], specs: tuple[TableSpec, ...]
) -> tuple[TableSpec | None, str, bool]:
    """The described table a table's own title names, and whether the family's titles or only
    the national class titles (`vocabulary.toml`) name it: the caption line nearest the table
    that matches a title, the longest match on it winning (财政拨款收支总表 over 收支总表), the
    family's titles before the class titles; a title wrapped over two or three lines is read
    joined where its last line alone matches nothing. Lines further up are a section heading or
    a 目录 listing other tables' titles. Every class's titles are matched, so a title naming a
    class the family has no table of (财政拨款支出预算表 in a family without one) is not taken
    for the nearest class it contains (支出预算表)."""
    own = [(pattern, spec) for spec in specs for pattern in spec.titles]
    family = {spec.topic: spec for spec in reversed(specs)}
    national = [
        (pattern, family.get(topic)) for topic in table_classes() for pattern in class_titles(topic)
    ]
    for readings in _title_candidates(captions):
        for label, caption in readings:
            for patterns, by_class in ((own, False), (national, True)):
                matched, spec = _longest_title(label, patterns)
                if spec is not None:
                    return spec, caption, by_class
                if matched:
                    return None, "", False
    return None, "", False


def table_layouts(document: Document) -> list[RecognisedTable]:
    """Every table's captions, header and columns, note, department and unit: what does not
    depend on which family describes it, so a document is laid out once and its titles
    matched against each family (`recognise_tables`)."""
    layouts = []
    blocks = document.blocks
    running = running_lines(document)
    carried: list[str] = []  # a grid holding only a title and unit line titles the next one
    for position, block in enumerate(blocks):
        if not isinstance(block, Table):
            continue
        if _caption_rows(block) == len(block.rows):
            carried = [t for row in block.rows for t in row.texts if t]
            continue
        before: list[str] = []
        back = position - 1
        while back >= 0 and isinstance(blocks[back], Paragraph) and len(before) < 4:
            before.insert(0, blocks[back].text)
            back -= 1
        if (
            carried
            and back == position - 1 - len(before)
            and back >= 0
            and isinstance(blocks[back], Table)
        ):
            before = before + carried
        carried = []
        caption_rows = _caption_rows(block)
        in_table = ["  ".join(t for t in row.texts if t) for row in block.rows[:caption_rows]]
        captions = before + in_table
        header_end = _header_rows(block.rows, caption_rows)
        header_rows = block.rows[caption_rows:header_end]
        header = [row.texts for row in header_rows]
        spans = [[cell.span for cell in row.cells] for row in header_rows]
        if header_end < len(block.rows) and header:
            first = block.rows[header_end]
            if any(CODE_PART.match(text) for text in first.texts):
                # 类/款/项 printed on the first data row, beside its 合计 (决算 tables)
                header.append([t if CODE_PART.match(t) else "" for t in first.texts])
                spans.append([cell.span for cell in first.cells])
        width = max((len(row.cells) for row in block.rows[caption_rows:]), default=0)
        columns = (
            column_paths(header, width, spans)
            if header
            else unlabelled_columns(block.rows[caption_rows:], width)
        )
        note = _note_after(blocks, position, running)
        number = next(
            (
                m.group(0)
                for c in captions
                if (m := re.match(r"表[一二三四五六七八九十\d]+", normalise_label(c)))
            ),
            "",
        )
        department = next(
            (m.group(1).strip() for c in captions if (m := DEPARTMENT.search(c))), None
        )
        unit = next((m.group(1) for c in captions if (m := UNIT.search(c))), None) or next(
            (
                m.group(1)
                for labels in header
                for label in labels
                if (m := UNIT.search(label) or HEADER_UNIT.search(normalise_label(label)))
            ),
            None,
        )  # or in a header cell: 预算数（单位：万元）
        layouts.append(
            RecognisedTable(
                table=block,
                spec=None,
                title="",
                printed_number=number,
                captions=tuple(captions),
                department=department,
                unit=unit,
                columns=columns,
                header_rows=header_end,
                note=note,
            )
        )
    return layouts


def recognise_tables(
    document: Document,
    specs: tuple[TableSpec, ...],
    layouts: list[RecognisedTable] | None = None,
) -> list[RecognisedTable]:
    """Recognise every table of a document against the described tables (on its layouts,
    where they are made already)."""
    recognised = []
    for layout in table_layouts(document) if layouts is None else layouts:
        if _is_list(layout.table):
            recognised.append(layout)
            continue
        spec, title, by_class = match_title(layout.captions, specs)
        recognised.append(replace(layout, spec=spec, title=title, by_class=by_class))
    return recognised


def _is_list(table: Table) -> bool:
    """A grid of one column without amounts is a list (a 目录 ruled as a table, its lines
    titles of the tables that follow), never a disclosure table: even an empty one prints a
    label and an amount column."""
    return table.width < 2 and not any(is_amount(text) for row in table.rows for text in row.texts)


def running_lines(document: Document) -> frozenset[str]:
    """Lines printed again and again that are no remark on a table: a page's running header or
    footer (X市X局2026年部门预算公开), read once per document."""
    counts = Counter(normalise_label(p.text) for p in document.paragraphs)
    return frozenset(
        text
        for text, count in counts.items()
        if count >= 2 and not REMARK.match(text) and not EMPTY_NOTE.search(text)
    )


def _is_running(text: str, running: frozenset[str]) -> bool:
    label = normalise_label(text)
    return label in running or (bool(DISCLOSURE_TITLE.search(label)) and not REMARK.match(label))


def _note_after(blocks: tuple, position: int, running: frozenset[str]) -> str | None:
    """The remark printed under the table at `position`: the first paragraph after it that is
    not a running header or footer (a table ending a page is followed by the next page's
    header), where it is a note."""
    for block in blocks[position + 1 : position + 4]:
        if not isinstance(block, Paragraph):
            return None
        if _is_running(block.text, running):
            continue
        return block.text.strip() if _is_note(block.text) else None
    return None


def _is_note(text: str) -> bool:
    """A line under a table that remarks on it: 备注/注/说明, an empty-table note, or a bare
    statement of what there is none of, as Jiangsu prints it: (无政府性基金支出）."""
    label = normalise_label(text)
    return (
        label.startswith(("备注", "注：", "注:", "说明："))
        or bool(EMPTY_NOTE.search(label))
        or bool(NONE_NOTE.fullmatch(label))
    )


EMPTY_CLAIM = re.compile(r".*(空表|无数据|无.{0,30}(预算|支出|收入|经费)).*")
# a condition says nothing of this table (此表如无数字则表示无此项支出; 如无…则为空)
CONDITIONAL = re.compile(r"(?<!例)(如果?|若|倘若)[^，。；;]*?(无|没有|为空|未)[^。；;]*")


def empty_note(table: RecognisedTable) -> str | None:
    """The table's note where it says, beyond the template's reminder, that the table is empty
    (本部门无…预算，故本表为空表) — a template sentence left under a table with data."""
    if not table.note:
        return None
    remainder = CONDITIONAL.sub("", normalise_label(table.note).replace(BOILERPLATE_NOTE, ""))
    return table.note if EMPTY_CLAIM.fullmatch(remainder) else None


def empty_table_explanation(table: RecognisedTable) -> str | None:
    """What the document says about an empty table, beyond the template's own reminder."""
    texts = []
    if table.note:
        remainder = re.sub(r"^(备注|注|说明)[：:]", "", normalise_label(table.note))
        remainder = remainder.replace(BOILERPLATE_NOTE, "").strip("（）()")
        if remainder:
            texts.append(table.note)
    for row in table.data_rows:
        for text in row.texts:
            if text and not is_amount(text) and re.fullmatch(r"无.*|.*空表.*", text):
                texts.append(text)
    return "；".join(texts) or None
