"""One department under every name it prints.

The same office calls itself 中国共产党江苏省委员会办公厅 (2017), 中共江苏省委办公厅 (2018) and
江苏省委办公厅 (a text part of the same year): a party committee's bodies are written with the
party's full or short name, or with none. A department's canonical name is the short form
(中共 + place + 委 + body); a scope the name carries (（本级）, （汇总）) is the document's
scope, not part of the name. The department's id is its region's division code with that name,
so the same name in two regions (财政局) stays two departments.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from pipelines.divisions import place_of

LATEST = date.today().year  # a place's name, not its year, is what makes it a party committee

PLACE = r"(.{1,20}?(?:省|自治区|市|州|盟|地区|县|区|旗))"
# (pattern, replacement), applied in order to the name as printed
ALIASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^中国共产党"), "中共"),
    (re.compile(rf"^中共{PLACE}委员会"), r"中共\1委"),
    (re.compile(r"\s*[（(](?:本级|汇总)[）)]$"), ""),
)
PARTY_COMMITTEE = re.compile(rf"^{PLACE}委(?!员会)")  # 江苏省委办公厅: the party named by none


def canonical_department(printed: str) -> str:
    """The name a department is known by, whichever form of it a document prints."""
    name = printed.strip()
    for pattern, replacement in ALIASES:
        name = pattern.sub(replacement, name)
    committee = PARTY_COMMITTEE.match(name)
    if committee and not name.startswith("中共"):
        place = place_of(name, LATEST)
        if place is not None and place.name == committee.group(1):
            name = "中共" + name
    return name


def department_id(name: str, division_code: str | None) -> str:
    """A stable id for a department: its region's division code and canonical name."""
    key = f"{division_code or ''}|{canonical_department(name)}"
    return hashlib.md5(key.encode("utf-8")).hexdigest()[:16]
