"""Whether a file that holds no described table is a budget disclosure at all.

Files named as budgets are often something else: a scraper saves a government notice, an
application form, a statistics bulletin or a web site's home page under a budget's name. Such
a file is `not_disclosure`, with the evidence in its reason; a file that is a disclosure but
could not be read stays `quarantined`, because then the failure is the reader's.

A disclosure names itself in a title line (X局2026年部门预算, 预算公开, 部门决算) and
prints figures. A page that names a disclosure but prints no figures is an index or viewer
page whose content lies in attachments: not a disclosure either, and its reason names them.
"""

from __future__ import annotations

import re

from pipelines.document import Document

TITLE_LINE_CHARS = 80
DISCLOSURE_TITLE = re.compile(
    r"(部门|单位)(预算|决算)|(预算|决算|预决算)(信息)?公开|“?三公”?经费"
    r"|(预算|决算)(编制)?说明"
)
# a decimal; or a whole number of three digits or more, no year, standing alone as a table
# cell does or followed by its unit (record numbers, phone numbers and dates are not amounts)
AMOUNT = re.compile(
    r"(?<![\d.,])\d[\d,]*\.\d+(?![\d.,]|\s*[%％‰])"
    r"|(?:^|(?<=[\s|｜:：]))(?!(?:19|20)\d\d(?!\d))\d{1,3}(?:,?\d{3})+(?=$|[\s|｜]|万?元)"
)
ATTACHMENT = re.compile(r"[^\s/\\]{2,80}?\.(?:pdf|zip|rar|xlsx?|docx?|wps)\b", re.IGNORECASE)
TABLE_TITLE = re.compile(r"(预算|决算|经费).{0,16}表$")
MIN_AMOUNTS = 5  # figures a disclosure prints at the least; a table's own title needs two


def _lines(document: Document) -> list[str]:
    lines = [paragraph.text.strip() for paragraph in document.paragraphs]
    for table in document.tables:
        lines.extend(" ".join(text for text in row.texts if text) for row in table.rows)
    return [line for line in lines if line]


def _opening(lines: list[str]) -> str:
    text = re.sub(r"\s+", " ", " ".join(lines))
    return text[:40] + ("…" if len(text) > 40 else "")


def not_a_disclosure(document: Document) -> str | None:
    """Why a document without any described table is not a disclosure, or None when it names
    itself a disclosure and prints figures (then reading it failed, and it is quarantined)."""
    lines = _lines(document)
    if not lines:
        return "the file holds no text at all"
    titles = [
        line
        for line in lines
        if len(line) <= TITLE_LINE_CHARS and DISCLOSURE_TITLE.search(line.replace(" ", ""))
    ]
    if not titles:
        return (
            "no title line names a budget or final-accounts disclosure "
            "(部门预算, 预算公开, 部门决算…) and no disclosure table is printed; "
            f"it opens: «{_opening(lines)}»"
        )
    amounts = sum(len(AMOUNT.findall(line)) for line in lines)
    tabled = any(TABLE_TITLE.search(line.replace(" ", "")) for line in titles)
    if amounts >= MIN_AMOUNTS or (tabled and amounts >= 2):
        return None
    attachments = sorted(set(ATTACHMENT.findall(" ".join(lines))))
    linked = f"; it links {len(attachments)} attachment(s): {', '.join(attachments[:5])}"
    return (
        f"it names a disclosure («{_opening(titles[:1])}») but prints {amounts} figures and no "
        "disclosure table: an index or viewer page whose content lies elsewhere"
        + (linked if attachments else "")
    )


# a title naming a document that is no budget or final account: a report, a notice, a decision
OTHER_TITLE = re.compile(
    r"(?:绩效(?:自评|评价|评估)?|自评|评价|评估|审计|工作|述职|调研|整改|执行情况|监督检查)报告"
    r"|工作总结|(?:通知|公告|通告|决定|批复|意见|办法)$"
)
TITLE_LINES = 6  # the lines a document's title is printed on


def other_document(document: Document) -> str | None:
    """Why a document whose tables were read as a disclosure's is none: its title, among its
    first lines, names another kind of document (a 绩效评价报告, an audit report, a notice) and
    no title line names a budget or final-accounts disclosure."""
    lines = [p.text.strip() for p in document.paragraphs if p.text.strip()][:TITLE_LINES]
    titles = [line.replace(" ", "") for line in lines if len(line) <= TITLE_LINE_CHARS]
    if any(DISCLOSURE_TITLE.search(title) for title in titles):
        return None
    for title in titles:
        if OTHER_TITLE.search(title):
            return (
                f"its title names another kind of document («{title}»), not a budget or "
                "final-accounts disclosure, and no title line names one (部门预算, 预算公开, "
                "部门决算…); its tables are a report's"
            )
    return None
