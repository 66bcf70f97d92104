"""The department's profile as facts: staffing, internal structure, assets, procurement and
running costs, read from the prose of 第一部分 (概况) and 第三部分 (情况说明).

Each item is described once below: the topic, the item, a pattern whose `value` group is the
figure (and `change` / `direction` where the text gives a change on last year), and its unit.
The first match in the document's paragraphs is the item's fact, with the sentence kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from pipelines.document import Document

N = r"(?P<value>\d[\d,]*(?:\.\d+)?)"
CHANGE = (
    r"(?:[^；;。]{0,20}?(?P<direction>增加或减少|增加（减少）|增加|减少)\s*"
    r"(?P<change>\d+(?:\.\d+)?)\s*人)?"
)


@dataclass(frozen=True)
class ProfileItem:
    topic: str  # staffing | structure | assets | procurement | running_costs
    item: str
    pattern: str
    unit: str


PROFILE: tuple[ProfileItem, ...] = (
    ProfileItem("staffing", "authorized_posts", rf"编制数\s*{N}", "人"),
    ProfileItem("staffing", "authorized_posts_administrative", rf"行政编制\s*{N}", "人"),
    ProfileItem("staffing", "authorized_posts_support", rf"机关工勤编制\s*{N}", "人"),
    ProfileItem("staffing", "authorized_posts_institution", rf"事业编制\s*{N}", "人"),
    ProfileItem("staffing", "actual_headcount", rf"实有人数\s*{N}", "人"),
    ProfileItem("staffing", "serving", rf"在职\s*{N}\s*人{CHANGE}", "人"),
    ProfileItem("staffing", "retired", rf"(?<!离)退休\s*{N}\s*人{CHANGE}", "人"),
    ProfileItem("staffing", "retired_pre1949", rf"离休\s*{N}\s*人{CHANGE}", "人"),
    ProfileItem("structure", "internal_units", rf"下设\s*{N}\s*个", "个"),
    ProfileItem("assets", "buildings_area", rf"房屋\s*{N}\s*平方米", "平方米"),
    ProfileItem("assets", "buildings_value", rf"房屋[\d,.]+\s*平方米，价值\s*{N}\s*万元", "万元"),
    ProfileItem("assets", "vehicles", rf"车辆\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "vehicles_value", rf"车辆\d+\s*辆，价值\s*{N}\s*万元", "万元"),
    ProfileItem("assets", "general_vehicles", rf"一般公务用车\s*{N}\s*辆", "辆"),
    ProfileItem(
        "assets", "general_vehicles_value", rf"一般公务用车\s*\d+\s*辆，价值\s*{N}\s*万元", "万元"
    ),
    ProfileItem("assets", "enforcement_vehicles", rf"执法执勤用车\s*{N}\s*辆", "辆"),
    ProfileItem(
        "assets",
        "enforcement_vehicles_value",
        rf"执法执勤用车\s*\d+\s*辆，价值\s*{N}\s*万元",
        "万元",
    ),
    # the national vehicle categories (公务用车分类): 部级领导干部用车 … 其他用车
    ProfileItem("assets", "ministerial_vehicles", rf"部级领导干部用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "leader_vehicles", rf"主要领导干部用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "confidential_vehicles", rf"机要通信用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "emergency_vehicles", rf"应急保障用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "special_vehicles", rf"特种专业技术用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "retiree_vehicles", rf"(离退休干部|老干部)(服务)?用车\s*{N}\s*辆", "辆"),
    ProfileItem(
        "assets", "administrative_enforcement_vehicles", rf"行政执法专用车\s*{N}\s*辆", "辆"
    ),
    ProfileItem("assets", "institution_vehicles", rf"事业单位业务用车\s*{N}\s*辆", "辆"),
    ProfileItem("assets", "other_vehicles", rf"其他(车辆|用车)\s*{N}\s*辆", "辆"),
    ProfileItem(
        "assets", "other_vehicles_value", rf"其他车辆\s*\d+\s*辆，价值\s*{N}\s*万元", "万元"
    ),
    ProfileItem("assets", "office_furniture_value", rf"办公家具价值\s*{N}\s*万元", "万元"),
    ProfileItem("assets", "other_assets_value", rf"其他资产价值\s*{N}\s*万元", "万元"),
    ProfileItem(
        "assets", "equipment_over_500k", rf"单位价值50万元以上大型设备\s*{N}\s*台", "台（套）"
    ),
    ProfileItem(
        "assets", "equipment_over_1m", rf"单位价值100万元以上大型设备\s*{N}\s*台", "台（套）"
    ),
    ProfileItem("procurement", "total", rf"政府采购预算\s*{N}\s*万元", "万元"),
    ProfileItem("procurement", "goods", rf"政府采购货物预算\s*{N}\s*万元", "万元"),
    ProfileItem("procurement", "works", rf"政府采购工程预算\s*{N}\s*万元", "万元"),
    ProfileItem("procurement", "services", rf"政府采购服务预算\s*{N}\s*万元", "万元"),
    ProfileItem(
        "procurement",
        "reserved_for_smes",
        rf"面向中小企业预留政府采购项目预算金额\s*{N}\s*万元",
        "万元",
    ),
    ProfileItem(
        "procurement",
        "reserved_for_small_micro",
        rf"面向小微企业预留政府采购项目预算金额\s*{N}\s*万元",
        "万元",
    ),
    ProfileItem(
        "running_costs", "running_costs", rf"机关运行经费财政拨款预算\s*{N}\s*万元", "万元"
    ),
)
UNIT_LIST = re.compile(r"下设\s*\d+\s*个[^，,：:]*[，,]?\s*分别是[：:](?P<names>[^。]+)")
DIRECTIONS = {"增加": "increase", "减少": "decrease"}
PROFILE_SCHEMA = {
    "document_id": pl.String,
    "topic": pl.String,
    "item": pl.String,
    "value": pl.Decimal(24, 6),
    "unit": pl.String,
    "change": pl.Decimal(24, 6),
    "change_direction": pl.String,
    "name": pl.String,  # for the structure list: a unit's name
    "sentence": pl.String,
    "source_file": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}


def profile_frame(document: Document, document_id: str) -> pl.DataFrame:
    """The profile facts a document states, one per described item found, plus the names of
    its internal units."""
    rows = []
    paragraphs = document.paragraphs
    for item in PROFILE:
        pattern = re.compile(item.pattern)
        for paragraph in paragraphs:
            text = paragraph.text.replace("\u3000", " ")
            if found := pattern.search(text):
                groups = found.groupdict()
                direction = groups.get("direction")
                change = Decimal(groups["change"]) if groups.get("change") else None
                direction_name = (
                    DIRECTIONS.get(direction or "", "unspecified") if direction else None
                )
                if change is not None and direction_name == "decrease":
                    change = -change
                rows.append(
                    {
                        "document_id": document_id,
                        "topic": item.topic,
                        "item": item.item,
                        "value": Decimal(found["value"].replace(",", "")),
                        "unit": item.unit,
                        "change": change
                        if direction_name != "unspecified" or change == 0
                        else None,
                        "change_direction": direction_name,
                        "name": None,
                        "sentence": paragraph.text.strip(),
                        "source_file": document.source,
                        "source_line": paragraph.position.line,
                        "source_page": paragraph.position.page,
                    }
                )
                break
    for paragraph in paragraphs:
        if found := UNIT_LIST.search(paragraph.text):
            for name in re.split(r"[、，,]", found["names"]):
                if name.strip():
                    rows.append(
                        {
                            "document_id": document_id,
                            "topic": "structure",
                            "item": "internal_unit",
                            "value": None,
                            "unit": None,
                            "change": None,
                            "change_direction": None,
                            "name": name.strip(),
                            "sentence": paragraph.text.strip(),
                            "source_file": document.source,
                            "source_line": paragraph.position.line,
                            "source_page": paragraph.position.page,
                        }
                    )
            break
    return pl.DataFrame(rows, schema=PROFILE_SCHEMA)
