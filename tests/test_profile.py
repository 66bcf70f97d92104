"""The department's profile from the prose: staffing, structure, assets, procurement."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest


def items(result, topic: str) -> dict:
    frame = result.profile.filter(result.profile["topic"] == topic)
    return {
        item: (value, change)
        for item, value, change in frame.select("item", "value", "change").rows()
    }


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (
            "000",
            {
                "authorized_posts": (61, None),
                "actual_headcount": (107, None),
                "serving": (72, 12),
                "retired": (35, 0),
                "retired_pre1949": (0, 0),
            },
        ),
        (
            "004",
            {
                "authorized_posts": (62, None),
                "authorized_posts_administrative": (40, None),
                "authorized_posts_support": (16, None),
                "authorized_posts_institution": (6, None),
                "actual_headcount": (59, None),
                "serving": (58, -6),
                "retired": (1, None),
                "retired_pre1949": (0, 0),
            },
        ),
    ],
)
def test_staffing_with_its_changes(extracted, seed, expected) -> None:
    found = items(extracted[seed], "staffing")
    assert {k: (int(v), None if c is None else int(c)) for k, (v, c) in found.items()} == expected


def test_assets_by_kind_with_count_and_value(extracted) -> None:
    assets = {k: v for k, (v, _) in items(extracted["004"], "assets").items()}
    assert assets == {
        "buildings_area": Decimal("19646.98"),
        "buildings_value": Decimal("2719.44"),
        "vehicles": 22,
        "vehicles_value": Decimal("946.52"),
        "general_vehicles": 22,
        "general_vehicles_value": Decimal("946.52"),
        "enforcement_vehicles": 0,
        "enforcement_vehicles_value": 0,
        "other_vehicles": 0,
        "other_vehicles_value": 0,
        "office_furniture_value": Decimal("111.29"),
        "other_assets_value": Decimal("762.19"),
        "equipment_over_500k": 1,
        "equipment_over_1m": 0,
    }


def test_procurement_and_running_costs(extracted) -> None:
    assert {k: v for k, (v, _) in items(extracted["000"], "procurement").items()} == {
        "total": Decimal("144.4"),
        "goods": Decimal("54.4"),
        "works": 0,
        "services": Decimal("90"),
        "reserved_for_smes": 0,
        "reserved_for_small_micro": 0,
    }
    assert items(extracted["000"], "running_costs") == {"running_costs": (Decimal("311.52"), None)}


def test_internal_structure_lists_every_unit(extracted) -> None:
    structure = extracted["000"].profile.filter(extracted["000"].profile["topic"] == "structure")
    names = structure.filter(structure["item"] == "internal_unit")["name"].to_list()
    assert len(names) == 12 and names[0] == "公文处理科" and names[-1] == "后勤服务科"
    assert structure.filter(structure["item"] == "internal_units")["value"].to_list() == [12]


def test_every_vehicle_kind_a_2026_document_lists_is_read() -> None:
    """湖州市卫生健康委员会 2026: 共有车辆 70 辆 = 特种专业技术用车 49 + 行政执法专用车 3 +
    事业单位业务用车 7 + 其他用车 11 (and 退役军人事务局's 老干部服务用车 2): no kind unread, so
    the kinds add up to the total."""
    from pipelines.document import Document, Paragraph, Position
    from pipelines.profile import profile_frame

    text = (
        "截至 2025 年 12 月 31 日，所属各预算单位共有车辆 70 辆，其中，"
        "机要通信用车及应急保障用车 0 辆、执法执勤用车 0 辆、特种专业技术用车 49 辆、"
        "老干部服务用车 0 辆、行政执法专用车 3 辆、事业单位业务用车 7 辆、其他用车 11 辆。"
    )
    document = Document("d", "text", (Paragraph(text, Position(line=1)),))
    frame = profile_frame(document, "d").filter(pl.col("topic") == "assets")
    values = dict(frame.select("item", "value").rows())
    assert values["vehicles"] == 70
    assert sum(v for item, v in values.items() if item != "vehicles") == 70
    assert {
        "retiree_vehicles",
        "administrative_enforcement_vehicles",
        "institution_vehicles",
    } <= set(values)
