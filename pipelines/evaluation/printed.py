"""The amounts a document prints, read independently of gongkai's readers.

Number coverage compares the facts gongkai took from a page with the amounts the page prints.
The second reading must not share the first one's mistakes, so it reads another way: PDFium's
text layer as PDFium assembles it into lines for PDFs (gongkai takes PDFium's character boxes and
rebuilds tables, cells and numbers itself; only a character PDFium cannot decode is missed by
both), the HTML's text nodes through the standard library's parser, the Word XML's runs, and
plain lines for text files. It knows no
table, label or header: a token counts as a printed amount by its form and its neighbours alone.

A PDF page's text is what lies within its box: text set outside it is not printed (江苏省人大
2017 p.11 holds the next page's two tables again below its bottom edge). What it leaves out, on
purpose: whole numbers under 100 (行次 columns, page and list numbers,
counts: indistinguishable from small whole amounts without a reading of the grid, so a table
of whole 万元 under 100 is not measured), years, dates, percentages, figures followed by a unit
word (prose: 86.05 万元, 13 个, also letter-spaced 万 元 or wrapped 万 / 元), classification
codes (a run of whole numbers opening a line before its label, as 30206 电费 or 201 03 01 行政运行
print), budget units' codes opening a line before the unit's name (123001 苏州市交通运输局本级)
and a number after a label naming a code (部门预算编码 301).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from io import BytesIO

from pipelines.readers.sniff import sniff_format
from pipelines.readers.text_export import decode_text

NUMBER = re.compile(r"[-－]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)")
YEAR_DECIMAL = re.compile(r"(?:19|20)\d\d\.\d{1,2}")
UNIT_AFTER = re.compile(
    r"(?:万元|亿元|千元|元|%|％|‰|个|人|名|辆|次|项|家|户|件|台|套|天|"
    r"年|月|日|号|页|平方米|万人次|人次|公里|倍|批)(?:[，。；、,.;:：）)]|$)"
)
CODE_SHAPE = re.compile(r"[123]\d{2}(?:\d{2}){0,2}")
CODE_PART = re.compile(r"\d{2}")
UNIT_CODE = re.compile(r"\d{6,9}")
CODE_LABEL = re.compile(r"(编码|代码|编号)[：:]?$")
CJK = re.compile(r"[\u4e00-\u9fff]")
TOKEN_SPLIT = re.compile(r"[\s|｜\u3000]+")
MIN_WHOLE_AMOUNT = 100


def amount_value(token: str) -> Decimal | None:
    """The value of a token that is one number as a table cell prints it, else None."""
    token = token.replace("－", "-")
    if not NUMBER.fullmatch(token):
        return None
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def _is_code(token: str, opening: bool, rest: list[str]) -> bool:
    """A whole number of a code's shape (类 3, 款 5, 项 7 digits) is a code where it opens its
    line, or where its label follows it mid-line (a row printed after another on one line); a
    budget unit's code (123001 苏州市交通运输局本级) where it opens its line before the unit's
    name."""
    if UNIT_CODE.fullmatch(token) and opening and rest and CJK.match(rest[0]):
        return True
    return bool(CODE_SHAPE.fullmatch(token)) and (opening or _labels_follow(rest))


def _labels_follow(rest: list[str]) -> bool:
    """Whether a label follows, after at most two 2-digit code parts (201 03 01 行政运行)."""
    for token in rest[:3]:
        if CJK.match(token):
            return True
        if not CODE_PART.fullmatch(token):
            return False
    return False


def is_counted(token: str) -> bool:
    """Whether a number of this form can count as a printed amount at all (small whole
    numbers cannot: see the module's docstring)."""
    value = amount_value(token)
    if value is None:
        return False
    return "." in token or "," in token or abs(value) >= MIN_WHOLE_AMOUNT


def _tokens(line: str) -> list[str]:
    return [token for token in TOKEN_SPLIT.split(line) if token]


def text_amounts(lines: list[str]) -> list[Decimal]:
    """The printed amounts of consecutive lines (a unit word wrapped to the next line still
    marks a figure as prose)."""
    amounts = []
    for index, line in enumerate(lines):
        after = next((t for later in lines[index + 1 :] for t in _tokens(later)), "")
        amounts.extend(line_amounts(line, after))
    return amounts


def line_amounts(line: str, next_line_opens: str = "") -> list[Decimal]:
    """The printed amounts of one line of text, by the rules of this module's docstring;
    `next_line_opens` is the first token of the line after it."""
    tokens = _tokens(line)
    amounts = []
    label_seen = False
    for index, token in enumerate(tokens):
        value = amount_value(token)
        if value is None:
            label_seen = label_seen or bool(CJK.search(token))
            continue
        # a unit word letter-spaced (万 元) or wrapped after its first character (万 / 元) is
        # still one
        after = tokens[index + 1 : index + 4]
        following = ["".join(after[:count]) for count in range(1, len(after) + 1)]
        if len(after) < 3:
            following.append("".join(after) + next_line_opens)
        whole = "." not in token and "," not in token
        if any(UNIT_AFTER.match(text) for text in following if text) or (
            not whole and YEAR_DECIMAL.fullmatch(token)
        ):
            continue
        if whole and (
            abs(value) < MIN_WHOLE_AMOUNT
            or token.startswith("0")
            or (1900 <= value <= 2099 and len(token) == 4)
            or _is_code(token, opening=not label_seen, rest=tokens[index + 1 :])
            or (index and CODE_LABEL.search(tokens[index - 1]))
        ):
            continue
        amounts.append(value)
    return amounts


@dataclass(frozen=True)
class PrintedPage:
    """One page (or a whole file where the format has no pages) as the second reading sees it."""

    page: int
    amounts: tuple[Decimal, ...]


def _printed_text(page) -> str:
    """A PDF page's text as PDFium assembles it, each character whose middle lies outside the
    page's box blanked: set there, it is not printed. Where PDFium's text and its characters do
    not pair one to one (characters beyond the Basic Multilingual Plane), the whole text."""
    text_page = page.get_textpage()
    text = text_page.get_text_range()
    if len(text) != text_page.count_chars():
        return text
    left, bottom, right, top = page.get_cropbox()
    printed = []
    for index, char in enumerate(text):
        if not char.isspace():
            x0, y0, x1, y1 = text_page.get_charbox(index)
            if not (left <= (x0 + x1) / 2 <= right and bottom <= (y0 + y1) / 2 <= top):
                char = " "
        printed.append(char)
    return "".join(printed)


def _pdf_pages(data: bytes) -> list[PrintedPage]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            text = _printed_text(page)
            lines = text.replace("\r\n", "\n").split("\n")
            pages.append(PrintedPage(index + 1, tuple(text_amounts(lines))))
            page.close()
        return pages
    finally:
        pdf.close()


class _TextNodes(HTMLParser):
    """Each text node of an HTML page, scripts and styles left out."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._skipped = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self._skipped += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skipped = max(0, self._skipped - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipped and data.strip():
            self.lines.append(data)


def _html_lines(data: bytes) -> list[str]:
    parser = _TextNodes()
    parser.feed(decode_text(data)[0])
    return parser.lines


def _docx_lines(data: bytes) -> list[str]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL)
    return ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs]


def _single_page(lines: list[str]) -> list[PrintedPage]:
    return [PrintedPage(1, tuple(text_amounts(lines)))]


def printed_pages(data: bytes) -> list[PrintedPage] | None:
    """The amounts each page prints, or None for a format the second reading cannot read
    (spreadsheets: their cells are numbers already, read by the one library there is)."""
    file_format = sniff_format(data)
    if file_format == "pdf":
        return _pdf_pages(data)
    if file_format == "html":
        return _single_page(_html_lines(data))
    if file_format == "docx":
        return _single_page(_docx_lines(data))
    if file_format == "text":
        text = decode_text(data)[0]
        return _single_page(text.splitlines())
    return None
