"""Reader for PDF disclosures with a text layer: PDFium's characters and ruling lines (see
`pdfium_objects`), pdfplumber's table finder and text grouping over them.

Tables are found from their ruling lines. Ruled PDFs draw many more lines than a table has
columns (a border per merged header, a cell split in one row only), so the grid is rebuilt
from the cells' x positions: the column boundaries are those some cell with text starts or
ends at, and neighbouring columns that no row keeps apart while some cell bridges them are one
column. Each row gets the full width, a merged cell carrying its span with empty cells under
it. Lines wrapped inside a cell are joined without a separator, as Chinese text and wrapped
numbers (`164` / `2.52`) read. A table that runs on at the top of the next page continues the
table: its cells join the grid by x position, so a page whose ruling differs still lines up.

Text outside tables becomes paragraphs with the page and line they start on; digits and quotes
set in a Latin font, a little below the Chinese text around them, stay in its line. A PDF knows only
lines, so a paragraph is rebuilt from them: a line that runs to the body's right margin wraps on
to the next when that one starts at the left margin, unindented and not a new list item (a new
paragraph is indented, a title centred, a date right-aligned). Bare page numbers are dropped as
page furniture. A PDF with no text layer (a scan) or a password is refused.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import pypdfium2 as pdfium
from pdfplumber.utils import extract_text
from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, DEFAULT_Y_TOLERANCE, LIGATURES

from pipelines.document import Block, Cell, Document, Paragraph, Position, Row, Table
from pipelines.numbers import is_amount
from pipelines.readers.pdfium_objects import PdfiumPage, cluster_index

BY_X0 = itemgetter("x0")
SPELT_OUT = str.maketrans(LIGATURES)
PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+(\s*页)?(\s*/\s*\d+)?[-—–\s]*$")
TOLERANCE = 2.0
# digits and quotes set in a Latin font sit up to ~40% of the type size below the Chinese text
# of their line (财政局 2024 决算: 183.1 vs 187.9 at 12 pt); lines are further apart than this
LINE_TOLERANCE = 5.0
# a line at the top of this many pages is a running head
RUNNING_HEAD_PAGES = 3
# a table's header is at most this many rows; a page it runs on to may print them again
HEADER_ROWS = 3
STACKED_TITLE = re.compile(
    r"(公开\d*表[一二三四五六七八九十\d]*[：:]?)?.{2,40}?表(（续）)?(（[^）]{1,8}）)?"
    r"(公开\d*表[一二三四五六七八九十\d]*)?(部门[：:].*)?"
)
TABLE_TITLE = re.compile(STACKED_TITLE.pattern + r"|.*(部门|单位)(名称)?[：:].*")
FRAGMENT = re.compile(r"[^\d\s一二三四五六七八九十、.（()）]{1,3}")
NOT_FRAGMENT = re.compile(r"类|款|项|小计|合计|总计|金额")
# the words of a cell that run over a page break are a few; a longer line is a caption or prose
RUN_OVER_CHARACTERS = 12
CAPTION_LINE = re.compile(r"^(公开)?\d*表[一二三四五六七八九十\d]*$|单位[：:]|万元|^元$")
LIST_ITEM = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]+[）)]|"
    r"[一二三四五六七八九十]+、|\d+[．.、](?!\d))"
)


@dataclass(frozen=True)
class _Box:
    """A cell as the page draws it: its text and horizontal extent."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class _Line:
    """A line of text outside tables, with its extent, character size and words."""

    paragraph: Paragraph
    x0: float
    x1: float
    size: float
    words: tuple[_Box, ...] = ()


@dataclass
class _RawTable:
    """A ruled table before its grid is rebuilt: rows of boxes, and the page of each row."""

    rows: list[list[_Box]]
    pages: list[int]


def _rejoin_cut_words(boxes: list[_Box], amounts: list[dict], top: float, bottom: float):
    """Boxes a sub-cell ruling cut through the middle of a number (`267.8` | `0`) joined again:
    a ruling drawn for the header may reach into a data row, but a number is never two cells.
    (Chinese words carry no blanks, so only numbers — the page's `amounts` words — are known
    to be one word.)"""
    row_amounts = [
        word
        for word in amounts
        if top - TOLERANCE <= word["top"] and word["bottom"] <= bottom + TOLERANCE
    ]
    joined: list[_Box] = []
    for box in boxes:
        previous = joined[-1] if joined else None
        cut = (
            previous is not None
            and previous.text.strip()
            and box.text.strip()
            and abs(previous.x1 - box.x0) <= TOLERANCE
            and any(
                word["x0"] < box.x0 - TOLERANCE / 4 and word["x1"] > box.x0 + TOLERANCE / 4
                for word in row_amounts
            )
        )
        if cut:
            joined[-1] = _Box(previous.text + box.text, previous.x0, box.x1)
        else:
            joined.append(box)
    return joined


def _inside(mid_x: float, mid_y: float, box: tuple[float, float, float, float]) -> bool:
    """Whether a character's midpoint lies in a box, as pdfplumber assigns it to a cell."""
    return box[0] <= mid_x < box[2] and box[1] <= mid_y < box[3]


def _clusters(objects: list[dict], tolerance: float) -> list[list[dict]]:
    """pdfplumber's `cluster_objects` by `top`: the clusters in order of `top`, objects in
    their given order within a cluster."""
    if not objects:
        return []
    tops = [obj["top"] for obj in objects]
    if max(tops) - min(tops) <= tolerance:
        return [list(objects)]
    index = cluster_index(tops, tolerance)
    groups: list[list[dict]] = [[] for _ in range(max(index.values()) + 1)]
    for top, obj in zip(tops, objects, strict=True):
        groups[index[top]].append(obj)
    return groups


def _upright_words(chars: list[dict], y_tolerance: float) -> list[list[dict]]:
    """pdfplumber's words (`WordExtractor` with its x tolerance and this y tolerance) of
    upright characters, each as its characters, in pdfplumber's order: lines by `top`, words
    left to right, a blank or a gap ending a word. Written out because the general extractor
    costs several times more, and a page is grouped into words twice."""
    words: list[list[dict]] = []
    for line in _clusters(chars, y_tolerance):
        word: list[dict] = []
        last = None
        for char in sorted(line, key=BY_X0):
            if char["text"].isspace():
                if word:
                    words.append(word)
                word, last = [], None
            elif last is not None and (
                char["x0"] < last["x0"]
                or char["x0"] > last["x1"] + DEFAULT_X_TOLERANCE
                or abs(char["top"] - last["top"]) > y_tolerance
            ):
                words.append(word)
                word, last = [char], char
            else:
                word.append(char)
                last = char
        if word:
            words.append(word)
    return words


def _word_text(chars: list[dict]) -> str:
    """A word's text with ligatures spelt out, as pdfplumber's words are."""
    return "".join([c["text"] for c in chars]).translate(SPELT_OUT)


def _bbox(chars: list[dict]) -> dict[str, float]:
    return {
        "x0": min(c["x0"] for c in chars),
        "top": min(c["top"] for c in chars),
        "x1": max(c["x1"] for c in chars),
        "bottom": max(c["bottom"] for c in chars),
    }


def _amount_words(page) -> list[dict]:
    """The page's words that are amounts, as pdfplumber's `extract_words()` gives them."""
    chars = page.chars
    if all(char["upright"] for char in chars):
        texts = ((_word_text(word), word) for word in _upright_words(chars, DEFAULT_Y_TOLERANCE))
        return [{"text": text, **_bbox(word)} for text, word in texts if is_amount(text)]
    return [word for word in page.extract_words() if is_amount(word["text"])]


def _text_lines(page, chars: list[dict]) -> list[dict]:
    """pdfplumber's `extract_text_lines(y_tolerance=LINE_TOLERANCE)` of these characters of
    the page: its words, in their order, broken into lines where their tops fall into
    another cluster, each line's words joined by a blank. Characters not all upright go to
    pdfplumber itself."""
    if not all(char["upright"] for char in chars):
        kept = {id(char) for char in chars}
        text_page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in kept)
        return text_page.extract_text_lines(y_tolerance=LINE_TOLERANCE)
    words = _upright_words(chars, LINE_TOLERANCE)
    tops = [min(c["top"] for c in word) for word in words]
    index = cluster_index(tops, LINE_TOLERANCE)
    lines = []
    for _, group in groupby(zip(words, tops, strict=True), key=lambda pair: index[pair[1]]):
        line_words = [word for word, _ in group]
        # a ligature's character stands once for each letter it is spelt out in
        line_chars = [
            c for word in line_words for c in word for _ in c["text"].translate(SPELT_OUT)
        ]
        text = " ".join(_word_text(word) for word in line_words)
        lines.append({"text": text, **_bbox(line_chars), "chars": line_chars})
    return lines


def _cell_text(chars: list[dict]) -> str:
    """pdfplumber's `extract_text(chars)` with its default settings, written out for upright
    characters (a table has tens of thousands of cells, and the general function costs a
    tenth of a millisecond each); other characters go to pdfplumber itself."""
    if not all(char["upright"] for char in chars):
        return extract_text(chars)
    placed = [
        {"text": _word_text(word), "top": min(c["top"] for c in word)}
        for word in _upright_words(chars, DEFAULT_Y_TOLERANCE)
    ]
    return "\n".join(
        " ".join(word["text"] for word in line) for line in _clusters(placed, DEFAULT_Y_TOLERANCE)
    )


def _cell_texts(rows: list, chars: list[dict]) -> list[list[tuple[str, float] | None]]:
    """The text of every cell of a table's rows and the height its text sits at (the middle
    of its characters): pdfplumber's `Table.extract`, given only the characters of the table's
    area instead of scanning the whole page once per row."""
    placed = sorted(
        (
            ((c["top"] + c["bottom"]) / 2, order, (c["x0"] + c["x1"]) / 2, c)
            for order, c in enumerate(chars)
        ),
        key=lambda item: item[0],
    )
    middles = [item[0] for item in placed]
    texts = []
    for row in rows:
        # the characters whose middle is within the row's height, by bisection, in page order
        row_x0, row_top, row_x1, row_bottom = row.bbox
        near = placed[bisect_left(middles, row_top) : bisect_left(middles, row_bottom)]
        in_row = [
            (x, y, c)
            for y, _, x, c in sorted(near, key=lambda item: item[1])
            if row_x0 <= x < row_x1 and row_top <= y < row_bottom
        ]
        cells: list[tuple[str, float] | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            x0, top, x1, bottom = cell
            inside = [(y, c) for x, y, c in in_row if x0 <= x < x1 and top <= y < bottom]
            if not inside:
                cells.append(("", 0))
                continue
            heights = [y for y, _ in inside]
            middle = (min(heights) + max(heights)) / 2
            cells.append((_cell_text([c for _, c in inside]), middle))
        texts.append(cells)
    return texts


def _placed_rows(rows: list, chars: list[dict]) -> list[list[_Box]]:
    """Each row's cells as boxes. A tall cell belongs to the row it starts in, except an
    amount printed on no line of that row: it goes with the row its text is printed on, so an
    amount set at the bottom of a cell that other columns' rulings split (小计 | 37,188.34 one
    line lower) is not read a row up, on a merged label's row."""
    tops = [row.bbox[1] for row in rows]
    placed: list[list[_Box]] = [[] for _ in rows]
    for number, (row, values) in enumerate(zip(rows, _cell_texts(rows, chars), strict=True)):
        for column, (bbox, value) in enumerate(zip(row.cells, values, strict=True)):
            if bbox is None:
                continue
            text, middle = value
            target = number
            beside = [
                other[1]
                for index, other in enumerate(values)
                if other and other[0].strip() and index != column
            ]
            if is_amount(text.strip()) and not any(
                abs(m - middle) <= LINE_TOLERANCE for m in beside
            ):
                target = max(
                    (later for later in range(number, len(rows)) if tops[later] <= middle),
                    default=number,
                )
            placed[target].append(_Box(text.replace("\n", ""), bbox[0], bbox[2]))
    return [sorted(boxes, key=lambda box: box.x0) for boxes in placed]


def _raw_tables(table, page_number: int, amounts: list[dict], chars: list[dict]):
    """A ruled table's rows as boxes, cut where a row holding only a title begins another
    table: tables printed close together can share one ruling."""
    tables: list[_RawTable] = []
    rows = table.rows
    x0, top, x1, bottom = table.bbox
    area = [
        c
        for c in chars
        if _inside(
            (c["x0"] + c["x1"]) / 2,
            (c["top"] + c["bottom"]) / 2,
            (x0, top, x1 + 1e-6, bottom + 1e-6),
        )
    ]
    for row, boxes in zip(rows, _placed_rows(rows, area), strict=True):
        boxes = _rejoin_cut_words(boxes, amounts, row.bbox[1], row.bbox[3])
        texts = [re.sub(r"\s+", "", box.text) for box in boxes if box.text.strip()]
        if not tables or (
            len(texts) == 1 and STACKED_TITLE.fullmatch(texts[0]) and tables[-1].rows
        ):
            tables.append(_RawTable([], []))
        tables[-1].rows.append(boxes)
        tables[-1].pages.append(page_number)
    return tables


def _boundaries(raw: _RawTable) -> list[float]:
    """Column boundaries: the x positions cells with text start or end at, merged within the
    tolerance, plus the table's outer edges."""
    xs = sorted(x for row in raw.rows for box in row if box.text.strip() for x in (box.x0, box.x1))
    xs += [
        min(box.x0 for row in raw.rows for box in row),
        max(box.x1 for row in raw.rows for box in row),
    ]
    merged: list[float] = []
    for x in sorted(xs):
        if not merged or x - merged[-1] > TOLERANCE:
            merged.append(x)
    return merged


def _covers(box: _Box, bounds: list[float]) -> range:
    """The fine columns (between consecutive boundaries) a box covers."""
    columns = [
        index
        for index in range(len(bounds) - 1)
        if box.x0 - TOLERANCE <= bounds[index] and bounds[index + 1] <= box.x1 + TOLERANCE
    ]
    return range(columns[0], columns[-1] + 1) if columns else range(0)


def _groups(raw: _RawTable, bounds: list[float]) -> list[range]:
    """Fine columns joined into the table's columns.

    A fine column no text covers is dropped. Neighbours are joined while no row has two
    texts among them and some text bridges the two; a text spanning columns that rows do keep
    apart (a merged header) stays a merged cell. A sliver no text lies within alone joins the
    column before it. Title and 部门/单位 lines are laid out for the page, not the grid, and
    have no say.
    """
    texts = [[(box, _covers(box, bounds)) for box in row if box.text.strip()] for row in raw.rows]
    used = sorted({column for row in texts for _, covered in row for column in covered})
    texts = [
        row
        for row in texts
        if not any(TABLE_TITLE.fullmatch(re.sub(r"\s+", "", box.text)) for box, _ in row)
    ]
    groups: list[list[int]] = []
    for column in used:
        if groups:
            candidate = [*groups[-1], column]
            bridged = any(
                groups[-1][-1] in covered
                and column in covered
                and not _heads_apart(texts[number + 1 :], set(groups[-1]), column)
                for number, row in enumerate(texts)
                for _, covered in row
            )
            crowded = any(
                sum(1 for _, covered in row if set(covered) & set(candidate)) > 1 for row in texts
            )
            if bridged and not crowded:
                groups[-1] = candidate
                continue
        groups.append([column])
    folded: list[list[int]] = []
    pending: list[int] = []
    for group in groups:
        if any(covered and set(covered) <= set(group) for row in texts for _, covered in row):
            folded.append([*pending, *group])
            pending = []
        elif folded:
            folded[-1].extend(group)
        else:
            pending.extend(group)
    return [range(group[0], group[-1] + 1) for group in folded or groups]


def _heads_apart(below: list[list[tuple[_Box, range]]], group: set[int], column: int) -> bool:
    """Whether, under a text bridging a group and the next column, one text lies in the group
    alone and another in that column alone: the bridging text is then a merged header over
    separate columns (公务用车购置及运行维护费 over 小计 | 购置费), even where no single row,
    its header wrapped over several, holds both."""
    inside = {
        (column in covered, bool(group & set(covered))) for row in below for _, covered in row
    }
    return (False, True) in inside and (True, False) in inside


def _regrid(raw: _RawTable) -> Table | None:
    """The table in the document model; None when it holds no text."""
    if not any(box.text.strip() for row in raw.rows for box in row):
        return None
    bounds = _boundaries(raw)
    groups = _groups(raw, bounds)
    rows = []
    for boxes, page in zip(raw.rows, raw.pages, strict=True):
        position = Position(page=page)
        cells = [Cell("", position) for _ in groups]
        taken = [False] * len(groups)
        for box in boxes:
            if not box.text.strip():
                continue
            covered = set(_covers(box, bounds))
            hit = [index for index, group in enumerate(groups) if covered & set(group)]
            if not hit:
                continue
            first = next((index for index in hit if not taken[index]), hit[0])
            span = sum(1 for index in hit if index >= first and not taken[index]) or 1
            previous = cells[first].text
            cells[first] = Cell(previous + box.text if taken[first] else box.text, position, span)
            for index in hit:
                taken[index] = True
        if any(cell.text.strip() for cell in cells):
            rows.append(Row(tuple(cells), position))
    if not rows:
        return None
    return Table(tuple(_join_split_rows(rows)), rows[0].position)


def _filled(row: Row) -> set[int]:
    return {index for index, cell in enumerate(row.cells) if cell.clean}


def _merged(rows: list[Row]) -> Row:
    """Rows drawn as one: per column, their texts in reading order, the first cell's span."""
    cells = []
    for column in range(len(rows[0].cells)):
        parts = [row.cells[column] for row in rows if row.cells[column].clean]
        text = "".join(cell.clean for cell in parts)
        cells.append(Cell(text, rows[0].position, parts[0].span if parts else 1))
    return Row(tuple(cells), rows[0].position)


def _is_fragment(row: Row) -> bool:
    """A row holding only the wrapped-off end of labels above it (`算`, `经费`, `支出`)."""
    texts = [cell.clean for cell in row.cells if cell.clean]
    return bool(texts) and all(
        FRAGMENT.fullmatch(text) and not NOT_FRAGMENT.fullmatch(text) for text in texts
    )


def _amounts_only(row: Row) -> bool:
    return all(is_amount(cell.clean) for cell in row.cells if cell.clean)


def _fragment_head(rows: list[Row], fragment: Row) -> int | None:
    """The index of the row, one or two back, whose labels a fragment row ends."""
    for back in (1, 2):
        if len(rows) < back:
            return None
        head, between = rows[-back], rows[-back + 1 :] if back > 1 else []
        if _filled(fragment) <= _filled(head) and not any(
            _filled(fragment) & _filled(other) for other in between
        ):
            return len(rows) - back
    return None


def _join_split_rows(rows: list[Row]) -> list[Row]:
    """Rejoin rows the ruling split in two (but not a header row printed again on the next
    page: 收入 | 支出 there is no label's end).

    Some PDFs rule a sub-line under a wrapped label, so `1.一般公共预` / the amounts of that
    line / `算` come out as three rows, and a label's amount can sit on a row of its own above
    or below it. A fragment row joins the rows back to the one that began its labels; an
    amounts-only row joins a neighbouring labels-only row whose texts all lie to its left.
    """
    joined: list[Row] = []
    header = [row.texts for row in rows[:HEADER_ROWS]]
    for row in rows:
        repeated = row.position.page != rows[0].position.page and row.texts in header
        head = _fragment_head(joined, row) if _is_fragment(row) and not repeated else None
        if head is None:
            joined.append(row)
        else:
            joined[head:] = [_merged([*joined[head:], row])]
    result: list[Row] = []
    index = 0
    while index < len(joined):
        row = joined[index]
        if _amounts_only(row):
            amounts = _filled(row)
            for neighbour, before in (
                (result[-1] if result else None, True),
                (joined[index + 1] if index + 1 < len(joined) else None, False),
            ):
                if (
                    neighbour is not None
                    and _filled(neighbour)
                    and max(_filled(neighbour)) < min(amounts)
                ):
                    if before:
                        result[-1] = _merged([neighbour, row])
                    else:
                        result.append(_merged([neighbour, row]))
                        index += 1
                    break
            else:
                result.append(row)
        else:
            result.append(row)
        index += 1
    return result


def _starts_new_table(raw: _RawTable) -> bool:
    """Whether a table at the top of a page begins with its own title or caption line."""
    for row in raw.rows:
        texts = [box.text.strip() for box in row if box.text.strip()]
        if texts:
            return any(TABLE_TITLE.fullmatch(re.sub(r"\s+", "", text)) for text in texts)
    return False


def _page_blocks(page, page_number: int) -> list[tuple[float, _Line | _RawTable]]:
    found = page.find_tables()
    amounts = _amount_words(page) if found else []
    placed: list[tuple[float, _Line | _RawTable]] = [
        (table.bbox[1] + order / 1000, raw)
        for table in found
        for order, raw in enumerate(_raw_tables(table, page_number, amounts, page.chars))
    ]
    # characters outside every table, by their midpoint as pdfplumber assigns characters to
    # cells (digits set low may reach past a table's last ruling)
    chars = page.chars
    for x0, top, x1, bottom in (table.bbox for table in found):
        chars = [
            char
            for char in chars
            if not (
                x0 <= (char["x0"] + char["x1"]) / 2 <= x1
                and top <= (char["top"] + char["bottom"]) / 2 <= bottom
            )
        ]
    for number, line in enumerate(_text_lines(page, chars), start=1):
        text = line["text"].strip()
        if text and not PAGE_NUMBER.match(text):
            paragraph = Paragraph(text, Position(page=page_number, line=number))
            size = max((char["size"] for char in line["chars"]), default=10.0)
            words = _words(line["chars"], size)
            placed.append((line["top"], _Line(paragraph, line["x0"], line["x1"], size, words)))
    placed.sort(key=lambda item: item[0])
    return placed


def _words(chars: list[dict], size: float) -> tuple[_Box, ...]:
    """A line's words: runs of characters with less than half a character's gap between."""
    runs: list[list] = []  # [text, x0, x1] of each word so far
    half = size / 2
    for char in chars:
        text = char["text"]
        if not text.strip():
            continue
        if runs and char["x0"] - runs[-1][2] < half:
            runs[-1][0] += text
            runs[-1][2] = char["x1"]
        else:
            runs.append([text, char["x0"], char["x1"]])
    return tuple(_Box(text, x0, x1) for text, x0, x1 in runs)


def _most_common(values: list[float]) -> float | None:
    counts: dict[float, int] = {}
    for value in values:
        counts[round(value)] = counts.get(round(value), 0) + 1
    return max(counts, key=lambda value: (counts[value], value)) if counts else None


def _paragraphs(blocks: list[_Line | _RawTable]) -> list[Paragraph | _RawTable]:
    """Lines joined into paragraphs where the body's right margin wrapped them."""
    lines = [block for block in blocks if isinstance(block, _Line)]
    right = _most_common([line.x1 for line in lines])
    full = [line for line in lines if right is not None and line.x1 >= right - line.size]
    left = _most_common([line.x0 for line in full])
    if right is None or left is None or len(full) < 3:
        return [b.paragraph if isinstance(b, _Line) else b for b in blocks]

    def wraps(previous: _Line | _RawTable | None, line: _Line) -> bool:
        return (
            isinstance(previous, _Line)
            and previous.x1 >= right - previous.size
            and previous.x0 <= left + 2.5 * previous.size
            and line.x0 <= left + 0.6 * line.size
            and not LIST_ITEM.match(line.paragraph.text)
        )

    result: list[Paragraph | _RawTable] = []
    previous: _Line | _RawTable | None = None
    for block in blocks:
        if isinstance(block, _Line) and wraps(previous, block):
            head = result[-1]
            result[-1] = Paragraph(_joined(head.text, block.paragraph.text), head.position)
        else:
            result.append(block.paragraph if isinstance(block, _Line) else block)
        previous = block
    return result


def _joined(head: str, tail: str) -> str:
    """Wrapped Chinese text joins without a blank; wrapped Latin words keep one."""
    if head[-1:].isascii() and head[-1:].isalpha() and tail[:1].isascii() and tail[:1].isalpha():
        return f"{head} {tail}"
    return head + tail


def _running_heads(pages: list[list[_Line | _RawTable]]) -> set[str]:
    """Lines printed at the top of many pages (the document's name over every page): page
    furniture, like page numbers."""
    counts: dict[str, int] = {}
    for blocks in pages:
        if blocks and isinstance(blocks[0], _Line):
            text = re.sub(r"\s+", "", blocks[0].paragraph.text)
            counts[text] = counts.get(text, 0) + 1
    return {text for text, count in counts.items() if count >= RUNNING_HEAD_PAGES}


def _continued(pages: list[list[_Line | _RawTable]]) -> list[_Line | _RawTable]:
    """The pages' blocks in order, a table that runs on at the top of the next page joined to
    the table it continues: the next page starts, after any running head, with a table that
    has no title of its own, or with lines that are rows of such a table (`_rows_above`)."""
    heads = _running_heads(pages)
    placed: list[_Line | _RawTable] = []
    for blocks in pages:
        start = 0
        while (
            start < len(blocks)
            and isinstance(blocks[start], _Line)
            and re.sub(r"\s+", "", blocks[start].paragraph.text) in heads
        ):
            start += 1
        previous = placed[-1] if placed else None
        end = start
        while end < len(blocks) and isinstance(blocks[end], _Line):
            end += 1
        first = blocks[end] if end < len(blocks) else None
        if (
            isinstance(first, _RawTable)
            and isinstance(previous, _RawTable)
            and (repeated := _repeated_header(placed, blocks[start:end], first)) is not None
        ):  # 湖州 2026 prints the title, unit line and header again over each page of a table
            previous.rows.extend(first.rows[repeated:])
            previous.pages.extend(first.pages[repeated:])
            placed.extend(blocks[end + 1 :])
        elif (
            isinstance(first, _RawTable)
            and isinstance(previous, _RawTable)
            and not _starts_new_table(first)
            and (above := _rows_above(blocks[start:end], first, previous.rows[-1])) is not None
        ):
            previous.rows[-1], rows = above
            previous.rows.extend(rows)
            previous.pages.extend(first.pages[0] for _ in rows)
            previous.rows.extend(first.rows)
            previous.pages.extend(first.pages)
            placed.extend(blocks[end + 1 :])
        else:
            placed.extend(blocks)
    return placed


def _texts(row: list[_Box]) -> list[str]:
    return [re.sub(r"\s+", "", box.text) for box in row if box.text.strip()]


def _repeated_header(
    placed: list[_Line | _RawTable], lines: list[_Line], table: _RawTable
) -> int | None:
    """How many header rows a table at the top of a page repeats of the table it continues,
    where the lines above it repeat that table's title lines, or there are none (珠海 2026
    prints only 项目 | 预算数（单位：万元） | 绩效目标 again over each page); None where it is no
    such repeat."""
    previous = placed[-1]
    assert isinstance(previous, _RawTable)
    captions = []
    for block in reversed(placed[:-1]):
        if not isinstance(block, _Line) or len(captions) == len(lines):
            break
        captions.insert(0, re.sub(r"\s+", "", block.paragraph.text))
    if lines and [re.sub(r"\s+", "", line.paragraph.text) for line in lines] != captions:
        return None
    repeated = 0
    while repeated < min(HEADER_ROWS, len(table.rows), len(previous.rows)) and _texts(
        table.rows[repeated]
    ) == _texts(previous.rows[repeated]):
        repeated += 1
    return repeated or None


def _placed(line: _Line, cells: list[_Box]) -> list[str] | None:
    """A line's words put in the cells whose extent holds their middles; None where a word
    lies outside every cell."""
    texts = ["" for _ in cells]
    for word in line.words:
        middle = (word.x0 + word.x1) / 2
        index = next((i for i, c in enumerate(cells) if c.x0 <= middle <= c.x1), None)
        if index is None:
            return None
        texts[index] += word.text
    return texts


def _rows_above(
    lines: list[_Line], table: _RawTable, last: list[_Box]
) -> tuple[list[_Box], list[list[_Box]]] | None:
    """Lines above a continued table as rows of it: the previous page's last row (its cells'
    text continued where they wrap over the page break) and the rows they add; None where a
    line is not part of a row.

    A continued table's first row may lack its top ruling, so the table finder leaves it out
    and its text reads as lines (30206 电费 235.00 over the rest of 表八). A line is part of a
    row when each of its words lies within one of the cells below. A row prints an amount; a
    tall cell's wrapped lines print none and belong to the row beside them (计算机设备维修和保 /
    分散自行组织 2.00 / 养服务: one row), so lines without an amount are joined to the first row
    below them or the last above them — lines between two rows could be either's, and are not
    read as rows. Lines where none prints an amount are the words of the previous page's last
    row run over the break (信息网络及软件购 | 置更新), where each lies under a cell of that row
    that has text and they are a few words, not a title (wrapped or not), a table number or a
    unit line."""
    cells = table.rows[0] if table.rows else []
    placed = []
    for line in lines:
        texts = _placed(line, cells)
        if texts is None:
            return None
        placed.append((texts, any(is_amount(word.text) for word in line.words)))
    anchors = [index for index, (_, amount) in enumerate(placed) if amount]
    if not anchors:
        run_over = _run_over(lines, last)
        return None if run_over is None else (run_over, [])
    if any(not amount and anchors[0] < i < anchors[-1] for i, (_, amount) in enumerate(placed)):
        return None
    groups = [[anchor] for anchor in anchors]
    groups[0] = list(range(anchors[0] + 1))
    groups[-1] = sorted({*groups[-1], *range(anchors[-1], len(placed))})
    rows = [
        [
            _Box("".join(placed[i][0][column] for i in group), cell.x0, cell.x1)
            for column, cell in enumerate(cells)
        ]
        for group in groups
    ]
    return last, rows


def _run_over(lines: list[_Line], last: list[_Box]) -> list[_Box] | None:
    """The previous page's last row with the lines' words added to its cells' text."""
    printed = [re.sub(r"\s+", "", line.paragraph.text) for line in lines]
    if any(
        len(text) > RUN_OVER_CHARACTERS or CAPTION_LINE.search(text) or TABLE_TITLE.fullmatch(text)
        for text in printed
    ) or TABLE_TITLE.fullmatch("".join(printed)):  # a title, also wrapped (…项目绩效目 / 标表)
        return None
    texts = [box.text for box in last]
    for line in lines:
        run_over = _placed(line, last)
        if run_over is None or any(text and not last[i].text for i, text in enumerate(run_over)):
            return None
        texts = [text + more for text, more in zip(texts, run_over, strict=True)]
    return [_Box(text, box.x0, box.x1) for text, box in zip(texts, last, strict=True)]


def _loaded(pdf: pdfium.PdfDocument, page_number: int) -> pdfium.PdfPage:
    """A page of the file, or why the file cannot be read: a page PDFium cannot load is one
    whose amounts would be lost, so the file is refused rather than read without it."""
    try:
        return pdf[page_number - 1]
    except pdfium.PdfiumError as error:
        raise ValueError(
            f"corrupt PDF: page {page_number} of {len(pdf)} cannot be loaded (PDFium: {error})"
        ) from error


def read_pdf(data: bytes, source: str) -> Document:
    """Read a PDF file's bytes into a `Document`."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ValueError("encrypted PDF: it needs a password to open") from error
        # "Failed to load document (PDFium: Data format error)." → "data format error"
        cause = re.search(r"PDFium: ([^)]+)", str(error))
        reason = cause.group(1).lower() if cause else str(error)
        raise ValueError(f"corrupt PDF: {reason} (PDFium cannot load it)") from error
    pages: list[list[_Line | _RawTable]] = []
    characters = 0
    doctop = 0.0
    try:
        for page_number in range(1, len(pdf) + 1):
            # what lies outside the page is not printed (a spreadsheet export may leave other
            # sheets' cells there): only the page's own area is read
            page = PdfiumPage(_loaded(pdf, page_number), page_number, doctop, within_page=True)
            doctop += page.height
            characters += len(page.chars)
            pages.append([block for _, block in _page_blocks(page, page_number)])
            # a page's objects freed now, not when the garbage collector finds the page (it
            # refers to itself, as pdfplumber's pages do)
            page.close()
    finally:
        pdf.close()
    if characters == 0:
        raise ValueError("no text layer: a scanned PDF needs OCR, which this pipeline does not do")
    blocks: list[Block] = []
    for block in _paragraphs(_continued(pages)):
        if isinstance(block, Paragraph):
            blocks.append(block)
        elif (table := _regrid(block)) is not None:
            blocks.append(table)
    return Document(source=source, format="pdf", blocks=tuple(blocks))
