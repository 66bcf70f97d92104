"""The README documents what the code defines, so it cannot drift from it."""

from __future__ import annotations

from pathlib import Path

from pipelines.description import MEASURES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_measure_is_documented() -> None:
    assert [m for m in MEASURES if f"`{m}`" not in README] == []


def test_every_described_table_is_documented() -> None:
    from pipelines.description import TEMPLATES

    tables = [t for specs in TEMPLATES.values() for t in specs]
    assert [t.name for t in tables if t.name not in README] == []


def test_every_rule_family_is_documented() -> None:
    from pipelines.quality import FAMILIES

    assert [f.name for f in FAMILIES if f"`{f.name}`" not in README] == []
