"""Every key figure read by hand off the corpus documents shipped in data/raw/corpus
(tests/corpus/truth/key_figures.csv) is in the warehouse with its meaning: table class, side,
row, measure and basis; and the corpus' quirks are findings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.evaluation import TRUTH_DIR
from pipelines.evaluation.metrics import key_figures
from tests.conftest import RAW_DIR

CORPUS = RAW_DIR / "corpus"
JS_RD = "2017_yusuan_jiangsu_renda-changweihui-bgt.pdf"
JS_RD18 = "2018_yusuan_jiangsu_renda-changweihui-bgt.pdf"
JS_RD19 = "2019_yusuan_jiangsu_renda-changweihui-bgt_tables.pdf"
JS_JC17 = "2017_yusuan_jiangsu_jianchayuan.pdf"
JS_JC18 = "2018_yusuan_jiangsu_jianchayuan.pdf"
JS_JC19 = "2019_yusuan_jiangsu_jianchayuan.pdf"
SH_WL = "2024_yusuan_shanghai-putuo_wanli-jiedao.pdf"
SH_DEPT = "2025_yusuan_shanghai-putuo_qzf-bgs_dept.pdf"
SH_UNIT = "2025_yusuan_shanghai-putuo_qzf-bgs_unit.pdf"
SH_FINAL = "2024_juesuan_shanghai-putuo_caizhengju.pdf"

# the hand-read key figures of the corpus documents this repository ships (tests/corpus/truth)
KEY_FIGURES = [
    row
    for row in pl.read_csv(TRUTH_DIR / "key_figures.csv", infer_schema_length=0)
    .fill_null("")
    .iter_rows(named=True)
    if (CORPUS / row["file"]).exists()
]


@pytest.fixture(scope="module")
def corpus_warehouse(tmp_path_factory) -> Path:
    from pipelines.build import build

    warehouse = tmp_path_factory.mktemp("corpus") / "gongkai.duckdb"
    build(CORPUS, warehouse)
    return warehouse


@pytest.fixture(scope="module")
def corpus_facts(corpus_warehouse) -> pl.DataFrame:
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        return connection.sql(
            """SELECT r.source_file, f.*, t.topic FROM fact_budget_line f
               JOIN raw_file r ON r.document_id = f.document_id AND r.status = 'loaded'
               JOIN dim_table t ON t.template = f.template AND t.table_no = f.table_no"""
        ).pl()


@pytest.mark.parametrize(
    "figure",
    KEY_FIGURES,
    ids=[
        "-".join(v for v in (f["file"][:24], f["table_class"], f["row"], f["measure"]) if v)
        for f in KEY_FIGURES
    ],
)
def test_key_figure_is_read_with_its_meaning(corpus_facts, figure) -> None:
    assert key_figures(pl.DataFrame([figure]), corpus_facts)["found"].to_list() == [True]


def query(warehouse: Path, sql: str, *parameters) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


def verdicts(warehouse: Path, file: str, check_id: str) -> list[tuple]:
    return query(
        warehouse,
        """SELECT q.subject, q.expected, q.observed, q.passed FROM v_dq_results q
           JOIN raw_file r ON r.document_id = q.document_id
           WHERE r.source_file = ? AND q.check_id = ? ORDER BY q.subject""",
        file,
        check_id,
    )


def test_a_text_pdf_joins_the_tables_pdf_of_the_same_disclosure(corpus_warehouse) -> None:
    text = "2019_yusuan_jiangsu_renda-changweihui-bgt_text.pdf"
    ((status, reason),) = query(
        corpus_warehouse, "SELECT status, reason FROM raw_file WHERE source_file = ?", text
    )
    assert status == "joined" and JS_RD19 in reason
    claims = query(
        corpus_warehouse,
        """SELECT c.source_file, c.amount_wan FROM narrative_claim c
           JOIN raw_file r ON r.document_id = c.document_id
           WHERE r.source_file = ? AND c.subject = '基本支出'""",
        JS_RD19,
    )
    assert (text, Decimal("9312.9")) in {(f, a.normalize()) for f, a in claims}


def test_three_public_shares_taken_of_the_total_with_meetings_are_findings(
    corpus_warehouse,
) -> None:
    """人大 2017 gives 出国 222.5 as 8.75% of "三公" — of 2,542.60, which includes 会议费 and
    培训费; of the 三公 subtotal 833.60 it is 26.69%. 2018 uses the right base."""
    shares = {
        s: (e, o, p)
        for s, e, o, p in verdicts(corpus_warehouse, JS_RD, "narrative.share_recomputes")
    }
    expected, observed, passed = shares["因公出国（境）费支出"]
    assert (expected, observed, passed) == ("26.6915", "8.75", False)
    assert all(
        passed
        for subject, _, _, passed in verdicts(
            corpus_warehouse, JS_RD18, "narrative.share_recomputes"
        )
        if "出国" in subject
    )


def test_jiangsu_overviews_balance_on_their_by_use_side(corpus_warehouse) -> None:
    """收支预算总表 (21,955.35 with 其他资金) and 财政拨款收支预算总表 (21,940.96)."""
    assert set(verdicts(corpus_warehouse, JS_JC18, "balance.income_equals_expense")) == {
        ("收入总计 / 支出总计", "21940.96", "21940.96", True),
        ("收入总计 / 支出总计", "21955.35", "21955.35", True),
    }


def test_final_accounts_tables_agree_with_the_overview_at_current_year_totals(
    corpus_warehouse,
) -> None:
    """收入决算表 totals 本年收入 (2,946.25); the overview's 总计 adds 年初结转和结余."""
    assert verdicts(corpus_warehouse, SH_FINAL, "cross.income_total_equals_overview_income") == [
        ("合计", "2946.25", "2946.25", True)
    ]


def test_sum_rules_read_whole_code_columns_level_by_level(corpus_warehouse) -> None:
    """Jiangsu prints 类, 款 and 项 rows with whole codes in one 功能科目代码 column."""
    assert all(
        passed
        for *_, passed in verdicts(corpus_warehouse, JS_JC17, "down.total_row_is_sum_of_items")
    )


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (JS_JC18, ("江苏省人民检察院", "江苏省", "320000", "province", 2018, "budget")),
        (SH_FINAL, ("上海市普陀区财政局", "上海市", "310107", "district", 2024, "final_accounts")),
        (
            SH_WL,
            ("上海市普陀区人民政府万里街道办事处", "上海市", "310107", "township", 2024, "budget"),
        ),
        (SH_DEPT, ("上海市普陀区人民政府办公室", "上海市", "310107", "district", 2025, "budget")),
    ],
)
def test_documents_resolve_to_region_level_and_year(corpus_warehouse, file, expected) -> None:
    """Prose comparing with last year (比2024年预算减少…) does not decide the year."""
    assert query(
        corpus_warehouse,
        """SELECT department, province, division_code, admin_level, fiscal_year, kind
           FROM v_documents WHERE path = ?""",
        file,
    ) == [expected]


def test_department_overview_reads_every_family_by_topic(corpus_warehouse) -> None:
    assert query(
        corpus_warehouse,
        """SELECT o.expense_total, o.basic_expenditure, o.project_expenditure, o.three_public
           FROM v_department_overview o JOIN v_documents d USING (document_id)
           WHERE d.path = ?""",
        JS_JC18,
    ) == [(Decimal("21955.35"), Decimal("13994.31"), Decimal("5573.00"), Decimal("484.30"))]


def test_function_rollup_counts_each_amount_once_where_every_level_is_printed(
    corpus_warehouse,
) -> None:
    """万里街道 prints 201, 20105 and 2010507 rows; 201 rolls up to 293.27 万元, not thrice."""
    ((total,),) = query(
        corpus_warehouse,
        """SELECT r.total FROM v_function_rollup r JOIN v_documents d USING (document_id)
           WHERE d.path = ? AND r.level = 1 AND r.function_code = '201'""",
        SH_WL,
    )
    assert total == Decimal("293.27")


def test_final_accounts_basic_table_is_read_block_by_block(corpus_warehouse) -> None:
    """决算 表六 prints 人员经费 (301, 303) and 公用经费 (302, 310) side by side: each code keeps
    its own block's measure, and the two block totals make 表五's 基本支出 (2,336.91)."""
    rows = query(
        corpus_warehouse,
        """SELECT f.economic_code, f.measure, f.amount FROM v_budget_facts f
           JOIN raw_file r ON r.document_id = f.document_id
           WHERE r.source_file = ? AND f.table_no = 6 AND f.economic_code IN ('30101', '30201')""",
        SH_FINAL,
    )
    assert sorted((c, m, a.normalize()) for c, m, a in rows) == [
        ("30101", "personnel", Decimal("262.33")),
        ("30201", "public_use", Decimal("21.21")),
    ]
    assert verdicts(
        corpus_warehouse, SH_FINAL, "cross.general_budget_basic_total_equals_general_budget_basic"
    ) == [("合计", "2336.91", "2336.91", True)]


def test_a_note_calling_a_filled_table_empty_is_a_finding(corpus_warehouse) -> None:
    """万里街道 prints 47.91 of 三公 above its note "本部门2024年无“三公”经费和机关运行经费预算，
    故本表为空表"."""
    found = {
        subject: passed
        for subject, _, _, passed in verdicts(
            corpus_warehouse, SH_WL, "completeness.note_agrees_with_data"
        )
    }
    assert found.pop("“三公”经费和机关运行经费预算表") is False
    assert found and all(found.values())


def test_three_public_of_final_accounts_is_the_actual_outcome(corpus_warehouse) -> None:
    """财政局 2024 决算 prints 0.95 under 预算数 and blank 决算数 cells: it spent nothing."""
    assert query(
        corpus_warehouse,
        """SELECT t.total, t.reception, t.basis FROM v_three_public t
           JOIN v_documents d USING (document_id) WHERE d.path = ?""",
        SH_FINAL,
    ) == [(Decimal(0), Decimal(0), "actual")]


def test_jiangsu_income_tables_total_their_groups_from_the_top(corpus_warehouse) -> None:
    """收入预算总表 opens with 收入总计 and centres each group's label below its 小计."""
    found = verdicts(corpus_warehouse, JS_JC18, "side.total_is_subtotal_plus_items_below")
    assert ("收入 收入总计", "21955.35", "21955.35", True) in found
    assert all(passed for *_, passed in found)


@pytest.mark.parametrize(("file", "vehicles"), [(JS_JC19, "55"), (SH_WL, "7")])
def test_vehicles_add_up_over_the_national_categories(corpus_warehouse, file, vehicles) -> None:
    """检察院 2019: 一般公务用车13辆、执法执勤用车40辆、其他用车2辆 = 55;
    万里街道: 部级领导干部用车0辆 … 其他用车7辆 = 7."""
    assert verdicts(corpus_warehouse, file, "narrative.assets_add_up") == [
        ("vehicles", vehicles, vehicles, True)
    ]


def test_a_rate_per_person_in_yuan_is_not_a_unit_mismatch(corpus_warehouse) -> None:
    """工会经费人均定额增加1000元 in a document in 万元."""
    claims = query(
        corpus_warehouse,
        """SELECT c.amount, c.unit FROM narrative_claim c
           JOIN raw_file r ON r.document_id = c.document_id
           WHERE r.source_file = ? AND c.subject LIKE '%人均定额%'""",
        JS_RD19,
    )
    assert [(a.normalize(), u) for a, u in claims] == [(Decimal("1E+3"), "元")]
    assert all(
        passed for *_, passed in verdicts(corpus_warehouse, JS_RD19, "plausibility.narrative_unit")
    )


def test_an_empty_table_explained_by_a_bare_none_statement(corpus_warehouse) -> None:
    """人大 2017 prints "(无政府性基金支出）" under its empty 政府性基金支出预算表."""
    assert query(
        corpus_warehouse,
        """SELECT t.status, t.explanation FROM document_table t
           JOIN raw_file r ON r.document_id = t.document_id
           WHERE r.source_file = ? AND t.table_name = '政府性基金支出预算表'""",
        JS_RD,
    ) == [("empty_explained", "(无政府性基金支出）")]


def test_economic_structure_reads_the_final_accounts_blocks(corpus_warehouse) -> None:
    """决算 表六's codes carry 人员经费 or 公用经费, not 合计, and still make its structure."""
    rows = query(
        corpus_warehouse,
        """SELECT e.economic_code, e.amount FROM v_economic_structure e
           JOIN v_documents d USING (document_id)
           WHERE d.path = ? AND e.economic_code IN ('30101', '30201', '301')""",
        SH_FINAL,
    )
    assert sorted((c, a.normalize()) for c, a in rows) == [
        ("30101", Decimal("262.33")),
        ("30201", Decimal("21.21")),
    ]


def test_a_check_that_decided_nothing_is_not_evaluated_rather_than_passed(corpus_warehouse) -> None:
    """Jiangsu 2017–2019 print codes the partial 2017 reference lists lack (`unverified`), and
    tables with no sum to test (`unverifiable`): their finding_class says not_evaluated, a
    passed check has none, and a failed one one of the failure classes."""
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        classes = dict(
            connection.execute(
                """SELECT coalesce(CAST(passed AS VARCHAR), 'undecided'),
                          list_sort(list_distinct(list(coalesce(finding_class, '-'))))
                   FROM v_dq_results GROUP BY 1"""
            ).fetchall()
        )
    assert classes["undecided"] == ["not_evaluated"]
    assert classes["true"] == ["-"]
    assert set(classes["false"]) <= {"error", "warning", "info", "rounding", "consequence"}


def test_a_tables_file_takes_the_scope_its_text_part_prints(corpus_warehouse) -> None:
    """江苏省人大常委会办公厅 2019: the tables file prints no 部门预算, its text part does; joined,
    they are one 部门 document."""
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        [(scope,)] = connection.execute(
            "SELECT scope FROM v_documents WHERE path = ?", [JS_RD19]
        ).fetchall()
    assert scope == "department"


# one document of each family the shipped corpus holds, for the report's charts
FAMILY_DOCUMENTS = {
    "budget_2020": "2026_yusuan_zhejiang-huzhou_caizhengju.pdf",
    "jiangsu_budget_2017": JS_JC17,
    "shanghai_budget_2024": SH_WL,
    "final_accounts_2024": SH_FINAL,
}
# each mart and the table class it is read from
MART_CLASSES = {
    "v_three_public": ("three_public",),
    "v_function_rollup": ("expenditure", "overview"),
    "v_economic_structure": ("general_budget_basic",),
}


@pytest.mark.parametrize("family", sorted(FAMILY_DOCUMENTS))
def test_every_mart_has_rows_for_every_counted_document_of_the_family(
    corpus_warehouse, family
) -> None:
    """Each counted document of the family that prints a mart's table class with data has rows
    in that mart (Jiangsu's function rollup from its 收支预算总表: its 支出预算总表 is one
    row)."""
    missing = []
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        for mart, classes in MART_CLASSES.items():
            missing += connection.execute(
                f"""SELECT ?, d.path FROM v_reporting_documents r
                    JOIN v_documents d USING (document_id)
                    WHERE d.template = ? AND EXISTS (
                        SELECT 1 FROM document_table t JOIN dim_table c
                          ON c.template = t.template AND c.table_no = t.table_no
                        WHERE t.document_id = d.document_id AND t.status = 'data'
                          AND c.topic IN ({", ".join("?" for _ in classes)}))
                      AND NOT EXISTS (
                          SELECT 1 FROM {mart} m WHERE m.document_id = d.document_id)""",
                [mart, family, *classes],
            ).fetchall()
        counted = connection.execute(
            "SELECT count(*) FROM v_reporting_documents WHERE template = ?", [family]
        ).fetchone()[0]
    assert counted and missing == []


@pytest.mark.parametrize("family", sorted(FAMILY_DOCUMENTS))
def test_the_reports_charts_read_every_familys_tables(corpus_warehouse, family) -> None:
    """The expenditure-structure chart has its four figures for a document of each family
    (Jiangsu's 人员/公用 from its basic table's economic classes, 湖州's 基本支出 from 人员 +
    公用), and the 三公 chart the figures v_three_public holds."""
    from pipelines.extract import extract_file
    from pipelines.report import chart_figures

    file = FAMILY_DOCUMENTS[family]
    totals, three = chart_figures(extract_file(CORPUS / file, CORPUS))
    assert all(amount > 0 for amount in totals.values()), totals
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        [mart] = connection.execute(
            """SELECT abroad, vehicle_purchase, vehicle_running, reception FROM v_three_public
               JOIN v_documents d USING (document_id) WHERE d.path = ?""",
            [file],
        ).fetchall()
    assert tuple(three.values()) == mart


def test_completeness_is_out_of_100_for_every_family(corpus_warehouse) -> None:
    """Nine tables (Shanghai, 决算, 2020) or twelve (Jiangsu): every document's score lies in
    0–100, one per counted document."""
    with duckdb.connect(str(corpus_warehouse), read_only=True) as connection:
        scores = connection.execute(
            """SELECT d.template, c.score FROM v_disclosure_completeness c
               JOIN v_documents d USING (document_id)"""
        ).fetchall()
    assert {template for template, _ in scores} == set(FAMILY_DOCUMENTS)
    assert all(0 <= score <= 100 for _, score in scores)


def test_a_unit_roster_is_kept_as_text_not_as_an_unrecognised_table(corpus_warehouse) -> None:
    """普陀区财政局 2024 决算 p.5 lists the units its 部门决算 includes (序号 | 单位名称 | 备注):
    text, queryable as a roster, not a disclosure table whose 序号 were amounts."""
    units = query(
        corpus_warehouse,
        """SELECT t.text FROM v_text_tables t JOIN raw_file r USING (document_id)
           WHERE r.source_file = ? AND t.list_kind = 'unit_roster' AND t.header = '单位名称'
           ORDER BY t.row_no""",
        SH_FINAL,
    )
    assert [unit for (unit,) in units] == [
        "上海市普陀区财政局（本级）",
        "上海市普陀区财政局财政所",
        "上海市普陀区国库收付中心",
    ]
    assert query(
        corpus_warehouse,
        """SELECT count(*) FROM document_warning w JOIN raw_file r USING (document_id)
           WHERE r.source_file = ? AND w.kind = 'unrecognised_table'""",
        SH_FINAL,
    ) == [(0,)]


def test_a_projects_goal_is_kept_as_text_beside_its_amount(corpus_warehouse) -> None:
    """湖州市财政局 2026 项目支出绩效表 prints each project's 金额 and 项目总体绩效目标: the goal
    is text in v_text_tables, on the row of the project's fact."""
    rows = query(
        corpus_warehouse,
        """SELECT f.project_name, f.amount, t.text FROM v_budget_facts f
           JOIN v_text_tables t ON t.document_id = f.document_id AND t.template = f.template
               AND t.table_no = f.table_no AND t.row_no = f.source_row
           JOIN raw_file r ON r.document_id = f.document_id
           WHERE r.source_file = '2026_yusuan_zhejiang-huzhou_caizhengju.pdf'
               AND f.table_class = 'project_performance' AND f.project_name = '市级预算项目评审'""",
    )
    assert len(rows) == 1
    project, amount, goal = rows[0]
    assert amount == Decimal("371.00")
    assert goal.startswith("2026年，运用专业技术手段和审核方法，对财政投资项目进行审核")
