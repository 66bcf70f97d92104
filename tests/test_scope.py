"""A department's 部门 budget contains its 单位 (本级) budget: the marts count the 部门 document
where both are loaded, so no sum across documents counts the 单位's money twice. The pair is
上海市普陀区人民政府办公室's 2025 部门 and 单位 budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CORPUS, query, warehouse_of

PAIR = [
    CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_dept.pdf",
    CORPUS / "2025_yusuan_shanghai-putuo_qzf-bgs_unit.pdf",
]


@pytest.fixture(scope="module")
def pair_warehouse(tmp_path_factory) -> Path:
    return warehouse_of(PAIR, tmp_path_factory)


def test_both_documents_are_loaded_with_their_scope_under_one_department(pair_warehouse) -> None:
    assert query(
        pair_warehouse,
        "SELECT path, scope, department FROM v_documents ORDER BY path",
    ) == [
        (PAIR[0].name, "department", "上海市普陀区人民政府办公室"),
        (PAIR[1].name, "unit", "上海市普陀区人民政府办公室"),
    ]
    [(departments,)] = query(
        pair_warehouse, "SELECT count(DISTINCT department_id) FROM dim_document"
    )
    assert departments == 1


@pytest.mark.parametrize(
    "view",
    ["v_three_public", "v_department_overview", "v_function_rollup", "v_economic_structure"],
)
def test_each_mart_counts_the_consolidated_document_only(pair_warehouse, view) -> None:
    assert query(pair_warehouse, f"SELECT DISTINCT scope FROM {view}") == [("department",)]


def test_the_three_public_change_has_one_row_per_department_and_year(pair_warehouse) -> None:
    assert query(
        pair_warehouse,
        "SELECT department, fiscal_year, count(*) FROM v_three_public_change GROUP BY ALL",
    ) == [("上海市普陀区人民政府办公室", 2025, 1)]


def test_the_unit_documents_facts_stay_queryable(pair_warehouse) -> None:
    [(units,)] = query(
        pair_warehouse,
        "SELECT count(*) FROM v_budget_facts f JOIN v_documents d USING (document_id) "
        "WHERE d.scope = 'unit'",
    )
    assert units > 0
