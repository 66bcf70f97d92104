"""A PDF page's characters and ruling lines read by PDFium (pypdfium2), as pdfplumber's objects.

pdfplumber finds tables, words and text lines in plain dictionaries of characters and lines;
it gets them from pdfminer, whose pure-Python content parser costs about a tenth of a second per
page. PDFium parses in C more than ten times faster, so the reader takes its page objects from
PDFium and keeps pdfplumber's table finder and text grouping on top: `PdfiumPage` is a pdfplumber
page whose objects come from PDFium. The dictionaries follow pdfminer's conventions:

- a character spans its advance width from its origin, and vertically its font size with the
  font's descent below the baseline (PDFium's "loose" box), in points from the page's top;
  characters PDFium generates itself (spaces between words, line breaks) are left out;
- every straight segment of a painted path becomes a `line`, in page coordinates (the path's
  and its enclosing forms' matrices applied): pdfminer's rectangles become their four sides,
  which is what pdfplumber makes of them; curves and unpainted (clipping) paths draw no ruling.

`_chars` and `_lines` are the reading in Python; `pdfium_native` does the same in C, in one call
per page, and is used wherever it could be compiled (its test holds the two to the same objects).
"""

from __future__ import annotations

import ctypes
import math
import struct
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

import pdfplumber.page
import pdfplumber.table
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfplumber.table import TableSettings, cells_to_tables, edges_to_intersections

from pipelines.readers.pdfium_native import CHAR_FIELDS, LINE_FIELDS, native_reader

MOVETO = pdfium_c.FPDF_SEGMENT_MOVETO
LINETO = pdfium_c.FPDF_SEGMENT_LINETO
Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` then `outer`, as PDF matrices [a b c d e f] compose."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(page_object) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(page_object, matrix):
        return IDENTITY
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _painted(path) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(path, fill, stroke):
        return True
    return bool(fill.value or stroke.value)


def _segments(path, matrix: Matrix, place) -> list[tuple[Point, Point]]:
    """A path's straight segments in user space, closing segments included, each end placed
    on the page by `place` (once per point of the path)."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    segments = []
    start = current = None
    get_segment, get_point = pdfium_c.FPDFPath_GetPathSegment, pdfium_c.FPDFPathSegment_GetPoint
    get_type, get_close = pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPathSegment_GetClose
    for index in range(pdfium_c.FPDFPath_CountSegments(path)):
        segment = get_segment(path, index)
        get_point(segment, x, y)
        user = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        kind = get_type(segment)
        if kind == MOVETO:
            start = (user, place(*user))
            current = start
        else:
            point = (user, place(*user))
            if kind == LINETO and current is not None:
                segments.append((current[1], point[1]))
            current = point
        if get_close(segment) and start is not None and start[0] != user:
            segments.append((current[1], start[1]))
            current = start
    return segments


def _paths(container, count, get, matrix: Matrix, depth: int = 0):
    """Every path object of a page or form, with its matrix in page space (forms recursed)."""
    for index in range(count(container)):
        page_object = get(container, index)
        kind = pdfium_c.FPDFPageObj_GetType(page_object)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            yield page_object, _compose(_matrix(page_object), matrix)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            yield from _paths(
                page_object,
                pdfium_c.FPDFFormObj_CountObjects,
                pdfium_c.FPDFFormObj_GetObject,
                _compose(_matrix(page_object), matrix),
                depth + 1,
            )


class _Placement:
    """PDF user space to pdfplumber's page space, as pdfminer and pdfplumber place a page: the
    page's rotation applied, its media box's origin kept, y measured down from the top."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        x0, y0, x1, y1 = page.get_mediabox()
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        rotation = page.get_rotation() % 360
        self.rotation = rotation
        self.ctm = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
        self.height = ny1 - ny0
        self.bbox = (nx0, self.height - ny1, nx1, self.height - ny0)

    def point(self, x: float, y: float) -> tuple[float, float]:
        """(x, top) on the page of a point in user space, to a thousandth of a point: PDFium
        computes in single precision, and a position the file gives exactly (504) must not
        come out a hair short of it (503.99997) where the reader compares positions."""
        a, b, c, d, e, f = self.ctm
        return (
            round(a * x + c * y + e + self.bbox[0], 3),
            round(self.height - (b * x + d * y + f) + self.bbox[1], 3),
        )

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, ...]:
        """(x0, top, x1, bottom) on the page of a box in user space."""
        (ax, ay), (bx, by) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _lines(page, placement: _Placement) -> list[tuple[float, float, float, float]]:
    """The page's ruling segments as (start x, start top, end x, end top) rows: the compiled
    reading's `gk_lines` in Python."""
    rows = []
    for path, matrix in _paths(
        page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, IDENTITY
    ):
        if not _painted(path):
            continue
        for start, end in _segments(path, matrix, placement.point):
            if start[0] != end[0] and start[1] != end[1]:
                continue  # a slanted stroke is no ruling: pdfplumber's tables use none
            rows.append((*start, *end))
    return rows


QUARTER = math.pi / 2
# FPDFText_GetTextObject returning the object's address as a number: the key by which a text
# object's style is read once (the binding's own returns a pointer object, slower to compare)
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value
)
SOFT_HYPHEN = 0x02  # PDFium's code for a hyphen it takes to end a line (RISC-V wrapped after -)


class _CharReader:
    """Reads a text page's characters through PDFium's per-character calls, with one set of
    output buffers for all of them (a page has thousands)."""

    def __init__(self, text_page) -> None:
        self.raw = text_page
        self.matrix = pdfium_c.FS_MATRIX()
        self.loose = pdfium_c.FS_RECTF()
        self.edges = [ctypes.c_double() for _ in range(4)]
        self.origin = (ctypes.c_double(), ctypes.c_double())
        self.descent = ctypes.c_float()
        self.descents: dict[int, float] = {}
        self.styles: dict[int, tuple[float, float, float]] = {}

    def style(self, index: int) -> tuple[float, float, float]:
        """A character's size, baseline angle and font descent (`size_and_angle`,
        `_descent`): the same for every character of one text object, so read once per
        object: PDFium's per-character calls cost most of a page's reading."""
        key = _text_object_address(self.raw, index)
        style = self.styles.get(key) if key else None
        if style is None:
            style = (*self.size_and_angle(index), self._descent(index))
            if key:
                self.styles[key] = style
        return style

    def _descent(self, index: int) -> float:
        """The descent of a character's font per point of size (negative: below the
        baseline), as the font declares it; read once per font."""
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(self.raw, index))
        key = ctypes.c_void_p.from_buffer(font).value or 0
        if key not in self.descents:
            found = pdfium_c.FPDFFont_GetDescent(font, 1.0, self.descent)
            self.descents[key] = self.descent.value if found else 0.0
        return self.descents[key]

    def _glyph(self, index: int) -> tuple[float, float, float, float] | None:
        left, right, low, high = self.edges
        if not pdfium_c.FPDFText_GetCharBox(self.raw, index, left, right, low, high):
            return None
        return left.value, low.value, right.value, high.value

    def size_and_angle(self, index: int) -> tuple[float, float]:
        """The font size as set (Tf) scaled by the character's matrix across its baseline, and
        the baseline's angle (counter-clockwise, radians) in user space."""
        matrix = self.matrix
        pdfium_c.FPDFText_GetMatrix(self.raw, index, matrix)
        size = pdfium_c.FPDFText_GetFontSize(self.raw, index) * math.hypot(matrix.c, matrix.d)
        return size, math.atan2(matrix.b, matrix.a) % math.tau

    def box(self, index: int, size: float, angle: float, descent: float):
        """A character's box in user space as pdfminer draws it: along its baseline its
        advance width (PDFium's loose box; the glyph's extent where that is degenerate, as for
        text set rotated), across it the font size from the font's descent below the
        baseline."""
        quarter = round(angle / QUARTER)
        if abs(angle - quarter * QUARTER) > 0.01:
            return self._glyph(index)
        loose = self.loose
        if not pdfium_c.FPDFText_GetLooseCharBox(self.raw, index, loose):
            return None
        low, high = (
            sorted((loose.left, loose.right))
            if quarter % 2 == 0
            else sorted((loose.bottom, loose.top))
        )
        if high - low < 1e-3:
            glyph = self._glyph(index)
            if glyph is None:
                return None
            low, high = (glyph[0], glyph[2]) if quarter % 2 == 0 else (glyph[1], glyph[3])
        x, y = self.origin
        pdfium_c.FPDFText_GetCharOrigin(self.raw, index, x, y)
        below = descent * size
        above = below + size
        turn = quarter % 4
        if turn == 0:
            return low, y.value + below, high, y.value + above
        if turn == 1:
            return x.value - above, low, x.value - below, high
        if turn == 2:
            return low, y.value - above, high, y.value - below
        return x.value + below, low, x.value + above, high


def _chars(page, placement: _Placement) -> list[tuple]:
    """The page's printed characters as (code, x0, top, x1, bottom, size, upright) rows: the
    compiled reading's `gk_chars` in Python. `_Placement.box` is written out here, with the
    same arithmetic: a page has thousands of characters, and a call per point costs more than
    PDFium's own work for it."""
    text_page = page.get_textpage()
    turned = math.radians(placement.rotation)
    height = placement.height
    a, b, c, d, e, f = placement.ctm
    left_edge, top_edge = placement.bbox[0], placement.bbox[1]
    chars = []
    try:
        reader = _CharReader(text_page.raw)
        raw = reader.raw
        for index in range(text_page.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(raw, index)
            if code in (0, 0xFFFE, 0xFFFF):
                continue
            # PDFium generates only blanks and line breaks (between words and lines), so
            # only those are asked whether they are printed
            if code <= 0x20 and pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
                continue
            size, angle, descent = reader.style(index)
            user_box = reader.box(index, size, angle, descent)
            if user_box is None:
                continue
            ux0, uy0, ux1, uy1 = user_box
            ax = round(a * ux0 + c * uy0 + e + left_edge, 3)
            ay = round(height - (b * ux0 + d * uy0 + f) + top_edge, 3)
            bx = round(a * ux1 + c * uy1 + e + left_edge, 3)
            by = round(height - (b * ux1 + d * uy1 + f) + top_edge, 3)
            x0, x1 = (ax, bx) if ax <= bx else (bx, ax)
            top, bottom = (ay, by) if ay <= by else (by, ay)
            shown = (angle - turned) % math.tau
            upright = min(shown, math.tau - shown) < 0.01
            chars.append((code, x0, top, x1, bottom, size, upright))
    finally:
        text_page.close()
    return chars


class PdfiumPage(pdfplumber.page.Page):
    """A pdfplumber page over a PDFium page: every pdfplumber method that works from objects
    (find_tables, extract_words, extract_text_lines, filter, within_bbox) works on it. With
    `within_page`, it holds only the objects wholly within the page, as `within_bbox(bbox)`."""

    def __init__(
        self,
        page: pdfium.PdfPage,
        page_number: int,
        initial_doctop: float,
        within_page: bool = False,
    ) -> None:
        self.pdf = None
        self._within_page = within_page
        self.page_obj = None
        self.root_page = self
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self._placement = _Placement(page)
        self.rotation = self._placement.rotation
        self.mediabox = self.cropbox = self.bbox = self._placement.bbox
        self.get_textmap = lru_cache()(self._get_textmap)
        self._pdfium_page = page

    def find_tables(self, table_settings=None) -> list[pdfplumber.table.Table]:
        """pdfplumber's tables, its cells found by `_cells`."""
        return _TableFinder(self, TableSettings.resolve(table_settings)).tables

    @property
    def objects(self) -> Mapping[str, list[dict]]:
        if not hasattr(self, "_objects"):
            page, placement, within = self._pdfium_page, self._placement, self._within_page
            native = native_reader()
            if native is not None:
                numbers = _placement_numbers(placement)
                text_page = page.get_textpage()
                try:
                    rows = native.chars(text_page.raw, numbers, placement.rotation, within)
                    chars = _char_dicts(_fields(rows, CHAR_FIELDS), placement, self)
                finally:
                    text_page.close()
                lines = list(_fields(native.lines(page.raw, numbers, within), LINE_FIELDS))
            else:
                chars = _char_dicts(_chars(page, placement), placement, self)
                lines = _lines(page, placement)
                if within:
                    chars = [char for char in chars if _inside(char, self.bbox)]
                    lines = [row for row in lines if _inside(_edge(*row), self.bbox)]
            self._objects = _PageObjects(
                {"char": chars}, {"line": lambda: _line_dicts(lines, placement, self)}, lines
            )
        return self._objects

    def ruling_edges(self) -> list[dict]:
        """pdfplumber's `line_to_edge` of each ruling line, with only the keys its table
        finder reads (the edges are copied at every snap and join, and a line has twelve
        keys), made from the segments without the lines' dictionaries."""
        return [_edge(*row) for row in self.objects.line_rows]


class _PageObjects(Mapping):
    """A page's objects by kind, as pdfplumber's pages hold them; a kind in `makers` is made
    when first asked for (a page's ruling lines are read as table edges, and their
    dictionaries are rarely wanted)."""

    def __init__(
        self,
        made: dict[str, list[dict]],
        makers: dict[str, Callable[[], list[dict]]],
        line_rows: list[tuple[float, float, float, float]],
    ) -> None:
        self._made = made
        self._makers = makers
        self.line_rows = line_rows

    def __getitem__(self, kind: str) -> list[dict]:
        if kind not in self._made:
            self._made[kind] = self._makers[kind]()
        return self._made[kind]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._made, *(kind for kind in self._makers if kind not in self._made)])

    def __len__(self) -> int:
        return len(self._made.keys() | self._makers.keys())


def _fields(rows: memoryview, width: int):
    """A flat buffer's rows of `width` numbers, as tuples."""
    return struct.iter_unpack(f"{width}d", rows)


def _placement_numbers(placement: _Placement) -> tuple[float, ...]:
    return (*placement.ctm, *placement.bbox, placement.height)


def _char_dicts(rows, placement: _Placement, at) -> list[dict]:
    """pdfminer's dictionaries of (code, x0, top, x1, bottom, size, upright) rows, written out
    in this one place for the thousands of a page (a call per character would cost a tenth
    of the reading)."""
    height, page_number, doctop = placement.height, at.page_number, at.initial_doctop
    return [
        {
            "object_type": "char",
            "page_number": page_number,
            "text": "-" if code == SOFT_HYPHEN else chr(int(code)),
            "size": size,
            "upright": upright == 1,
            "x0": x0,
            "x1": x1,
            "y0": height - bottom,
            "y1": height - top,
            "width": x1 - x0,
            "height": bottom - top,
            "top": top,
            "bottom": bottom,
            "doctop": doctop + top,
        }
        for code, x0, top, x1, bottom, size, upright in rows
    ]


def _line_dicts(rows, placement: _Placement, at) -> list[dict]:
    """pdfminer's dictionaries of (start x, start top, end x, end top) rows."""
    height, page_number, doctop = placement.height, at.page_number, at.initial_doctop
    lines = []
    for sx, sy, ex, ey in rows:
        x0, x1 = (sx, ex) if sx <= ex else (ex, sx)
        top, bottom = (sy, ey) if sy <= ey else (ey, sy)
        lines.append(
            {
                "object_type": "line",
                "page_number": page_number,
                "x0": x0,
                "x1": x1,
                "y0": height - bottom,
                "y1": height - top,
                "top": top,
                "bottom": bottom,
                "doctop": doctop + top,
                "width": x1 - x0,
                "height": bottom - top,
                "pts": [(sx, sy), (ex, ey)],
            }
        )
    return lines


def _inside(obj: dict, bbox: tuple[float, ...]) -> bool:
    """pdfplumber's `within_bbox` test (the object's overlap with the box is the object, and
    not a point), without the copy of the page it makes."""
    left, top, right, bottom = bbox
    return (
        left <= obj["x0"]
        and obj["x1"] <= right
        and top <= obj["top"]
        and obj["bottom"] <= bottom
        and (obj["x1"] - obj["x0"]) + (obj["bottom"] - obj["top"]) > 0
    )


class _TableFinder(pdfplumber.table.TableFinder):
    """pdfplumber's table finder with its cell search (`_cells`) made linear in the ruling
    crossings it tries, and its ruling edges made of the few keys it reads, the rest its
    own."""

    def __init__(self, page: pdfplumber.page.Page, settings: TableSettings) -> None:
        self.page = page
        self.settings = settings
        self.edges = self.get_edges()
        self.intersections = edges_to_intersections(
            self.edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance
        )
        self.cells = _cells(self.intersections)
        self.tables = [pdfplumber.table.Table(page, group) for group in cells_to_tables(self.cells)]

    def get_edges(self) -> list[dict]:
        """pdfplumber's `get_edges` for tables found from ruling lines (a PDFium page has lines
        only: no rectangles or curves): its filters, snapping and joining, on edges of the
        few keys its finder reads (`PdfiumPage.ruling_edges`)."""
        settings = self.settings
        if (
            (settings.vertical_strategy, settings.horizontal_strategy) != ("lines", "lines")
            or settings.explicit_vertical_lines
            or settings.explicit_horizontal_lines
        ):
            return super().get_edges()
        edges = self.page.ruling_edges()
        shortest = settings.edge_min_length_prefilter
        vertical = [e for e in edges if e["orientation"] == "v" and e["height"] >= shortest]
        horizontal = [e for e in edges if e["orientation"] == "h" and e["width"] >= shortest]
        if settings.snap_x_tolerance > 0 or settings.snap_y_tolerance > 0:
            edges = _snapped(vertical, "x0", settings.snap_x_tolerance) + _snapped(
                horizontal, "top", settings.snap_y_tolerance
            )
        else:
            edges = vertical + horizontal
        edges = [
            joined
            for (orientation, _), group in groupby(sorted(edges, key=_line_of), key=_line_of)
            for joined in _joined(
                list(group),
                orientation,
                settings.join_x_tolerance if orientation == "h" else settings.join_y_tolerance,
            )
        ]
        return [e for e in edges if e[EXTENT[e["orientation"]]] >= settings.edge_min_length]


def _edge(sx: float, sy: float, ex: float, ey: float) -> dict:
    """The edge of a ruling segment from (sx, sy) to (ex, ey), with a line's arithmetic."""
    x0, x1 = (sx, ex) if sx <= ex else (ex, sx)
    top, bottom = (sy, ey) if sy <= ey else (ey, sy)
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": "h" if top == bottom else "v",
    }


EXTENT = {"h": "width", "v": "height"}


def cluster_index(values: list[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's `make_cluster_dict`: each distinct value's cluster, the values chained
    where each is within the tolerance of the one before."""
    index: dict[float, int] = {}
    last = None
    for value in sorted(set(values)):
        if last is not None and value > last + tolerance:
            index[value] = index[last] + 1
        else:
            index[value] = index[last] if last is not None else 0
        last = value
    return index


def _snapped(edges: list[dict], key: str, tolerance: float) -> list[dict]:
    """pdfplumber's `snap_objects`: edges whose `key` (x0 of a vertical, top of a horizontal)
    clusters moved to their cluster's average, cluster by cluster, with its arithmetic."""
    index = cluster_index([edge[key] for edge in edges], tolerance)
    clusters: list[list[dict]] = [[] for _ in range(len(set(index.values())))]
    for edge in edges:
        clusters[index[edge[key]]].append(edge)
    far = "x1" if key == "x0" else "bottom"
    snapped = []
    for cluster in clusters:
        average = sum(edge[key] for edge in cluster) / len(cluster)
        for edge in cluster:
            shift = average - edge[key]
            snapped.append({**edge, key: edge[key] + shift, far: edge[far] + shift})
    return snapped


def _line_of(edge: dict) -> tuple[str, float]:
    """The infinite line an edge lies on: pdfplumber's grouping of edges to join."""
    return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])


def _joined(edges: list[dict], orientation: str, tolerance: float) -> list[dict]:
    """pdfplumber's `join_edge_group`: edges along one line that touch or overlap (within the
    tolerance) joined into one, extended as its `resize_object` extends them."""
    low, high = ("x0", "x1") if orientation == "h" else ("top", "bottom")
    ordered = sorted(edges, key=itemgetter(low))
    joined = [ordered[0]]
    for edge in ordered[1:]:
        last = joined[-1]
        if edge[low] <= last[high] + tolerance:
            if edge[high] > last[high]:
                if orientation == "h":
                    extent = {"width": edge["x1"] - last["x0"]}
                else:
                    extent = {"height": last["height"] + (edge["bottom"] - last["bottom"])}
                joined[-1] = {**last, high: edge[high], **extent}
        else:
            joined.append(edge)
    return joined


def _cells(intersections: dict) -> list[tuple[float, float, float, float]]:
    """pdfplumber's `intersections_to_cells`, the same cells in the same order: from each
    crossing, the smallest rectangle whose four corners are crossings joined by rulings. The
    edges at a crossing are compared as sets made once, and the crossings below and to the
    right are looked up by column and row rather than by scanning every later crossing."""
    vertical = {
        point: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["v"]}
        for point, edges in intersections.items()
    }
    horizontal = {
        point: {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges["h"]}
        for point, edges in intersections.items()
    }

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        return bool(
            (p1[0] == p2[0] and not vertical[p1].isdisjoint(vertical[p2]))
            or (p1[1] == p2[1] and not horizontal[p1].isdisjoint(horizontal[p2]))
        )

    points = sorted(intersections)
    columns: dict[float, list[tuple[float, float]]] = {}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in points:  # in (x, top) order: each column by top, each row by x
        columns.setdefault(point[0], []).append(point)
        rows.setdefault(point[1], []).append(point)
    cells = []
    for point in points:
        below = [p for p in columns[point[0]] if p[1] > point[1]]
        right = [p for p in rows[point[1]] if p[0] > point[0]]
        cell = next(
            (
                (point[0], point[1], right_point[0], below_point[1])
                for below_point in below
                if connects(point, below_point)
                for right_point in right
                if connects(point, right_point)
                and (corner := (right_point[0], below_point[1])) in intersections
                and connects(corner, right_point)
                and connects(corner, below_point)
            ),
            None,
        )
        if cell is not None:
            cells.append(cell)
    return cells
