"""The trust gate: a failed check blames the document only where gongkai's reading of what it
reads verifies; whatever the reader may have got wrong is told as gongkai's reading doubt.

Each case is a trap that made gongkai blame correct documents it had never seen, in the
smallest document that shows it."""

from __future__ import annotations

import polars as pl

from expectations.runner import judge_sql
from pipelines.extract import extract_document
from pipelines.quality import QualityInput, judged
from tests.test_quality import DOC, check, code, fact, split_row, table


def _checked(text: str) -> pl.DataFrame:
    result = extract_document(text.encode("utf-8"), "gate.txt")
    return judged(QualityInput.from_result(result), judge_sql)


def _failing(results: pl.DataFrame, check_id: str) -> list[tuple]:
    rows = results.filter((pl.col("check_id") == check_id) & (pl.col("passed") == False))  # noqa: E712
    return rows.select("severity", "status").rows()


THREE_PUBLIC = (
    "表八：\n一般公共预算“三公”经费支出情况表\n编制单位：无锡市审计局    单位：万元\n"
    "\t合计\n\t因公出国（境）费\n\t公务接待费\n\n\t45.6\n\t42\n\t3.6\n\n"
)


def test_a_running_header_of_a_city_named_wu_is_no_note_on_the_table_above() -> None:
    """无锡市审计局's page header after a table that ends its page reads like "无…预算"; it is
    the next page's header, not a note calling the table empty."""
    header = "无锡市审计局2026年部门预算公开\n"
    text = header + THREE_PUBLIC + header + "备注：无内容应公开空表并说明情况。\n" + header
    result = extract_document(text.encode("utf-8"), "header.txt")
    [row] = result.tables.filter(pl.col("table_no") == 8).to_dicts()
    assert (row["status"], row["explanation"]) == ("data", None)
    assert _failing(_checked(text), "completeness.note_agrees_with_data") == []


def test_a_conditional_sentence_under_a_table_says_nothing_of_it() -> None:
    text = THREE_PUBLIC + "注：此表如无数字则表示无此项支出。\n"
    assert _failing(_checked(text), "completeness.note_agrees_with_data") == []


def test_a_note_calling_a_table_with_data_empty_is_still_the_documents_error() -> None:
    """万里街道 2024: 47.91 万元 above "本部门2024年无“三公”经费…故本表为空表"."""
    text = THREE_PUBLIC + "注：本部门2026年无“三公”经费预算，故本表为空表。\n"
    assert _failing(_checked(text), "completeness.note_agrees_with_data") == [
        ("error", "empty_note_over_data")
    ]


EXPENDITURE = (
    "表三：\n部门支出总体情况表\n单位：万元\n"
    "\t功能分类科目编码\n\t功能分类科目名称\n\t合计\n\t基本支出\n\t项目支出\n\n"
    "\t类\n\t款\n\t项\n\t\n\t\n\t\n\t\n\n"
    "{rows}"
    "\t\n\t\n\t\n\t合计\n\t1695.33\n\t1695.33\n\t\n\n"
)


def _rows(rows: list[list[str]]) -> str:
    return "".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in rows)


def test_segments_in_columns_of_their_own_take_their_parents_from_the_rows_above() -> None:
    """类/款/项 printed each in its own column, each row printing only its own segment."""
    rows = [
        ["201", "", "", "一般公共服务支出", "1695.33", "1695.33", ""],
        ["", "03", "", "政府办公厅（室）及相关机构事务", "1695.33", "1695.33", ""],
        ["", "", "01", "行政运行", "1642.52", "1642.52", ""],
        ["", "", "50", "事业运行", "52.81", "52.81", ""],
    ]
    result = extract_document(EXPENDITURE.format(rows=_rows(rows)).encode(), "segments.txt")
    totals = result.facts.filter(pl.col("measure") == "total")
    assert totals["function_code"].to_list() == ["201", "20103", "2010301", "2010350", None]
    results = judged(QualityInput.from_result(result), judge_sql)
    in_table = results.filter((pl.col("table_no") == 3) & (pl.col("rule_family") != "completeness"))
    assert in_table.filter(pl.col("passed") == False).is_empty()  # noqa: E712


def test_a_row_number_column_is_no_amounts() -> None:
    """决算 tables number their rows (行次): 1, 2, 3 are no figures of the document."""
    text = (
        "表三：\n部门支出总体情况表\n单位：万元\n"
        "\t功能分类科目编码\n\t功能分类科目名称\n\t行次\n\t合计\n\t基本支出\n\t项目支出\n\n"
        "\t类\n\t款\n\t项\n\t\n\t\n\t\n\t\n\t\n\n"
        + _rows(
            [
                ["201", "03", "01", "行政运行", "1", "1642.52", "1642.52", ""],
                ["201", "03", "50", "事业运行", "2", "52.81", "52.81", ""],
                ["", "", "", "合计", "3", "1695.33", "1695.33", ""],
            ]
        )
    )
    result = extract_document(text.encode(), "rows.txt")
    assert sorted(result.facts["raw_text"].unique()) == ["1642.52", "1695.33", "52.81"]


def test_two_codes_run_together_are_two_classifications() -> None:
    """30201 办公费 beside 50201 办公经费, read as one cell: the row's department code, and a
    government economic code checked against its own list."""
    text = (
        "表六：\n一般公共预算基本支出情况表\n单位：万元\n"
        "\t经济分类科目编码\n\t经济分类科目名称\n\t小计\n\t人员经费\n\t公用经费\n\n"
        + _rows([["3020150201", "办公费", "16", "", "16"], ["", "合计", "16", "", "16"]])
    )
    result = extract_document(text.encode(), "glued.txt")
    assert result.facts["economic_code"].drop_nulls().unique().to_list() == ["30201"]
    assert sorted(result.codes.select("code_kind", "code").rows()) == [
        ("economic", "30201"),
        ("gov_economic", "50201"),
    ]
    results = _checked(text)
    assert results.filter(
        (pl.col("rule_family") == "code_validity") & (pl.col("passed") == False)  # noqa: E712
    ).is_empty()


def test_codes_cut_to_one_segment_are_gongkais_doubt_not_malformed_codes() -> None:
    codes = [
        code(3, "function", "201", "一般公共服务支出", row=1),
        code(3, "function", "03", "政府办公厅（室）及相关机构事务", row=2),
        code(3, "function", "01", "行政运行", row=3),
    ]
    results = check(codes=codes, tables=[table(3)])
    failing = _failing(results, "code.in_classification")
    assert failing == [("info", "reading_doubt"), ("info", "reading_doubt")]
    message = results.filter(pl.col("status") == "reading_doubt")["message_zh"][0]
    assert "只读到一段" in message


def test_one_odd_code_among_well_formed_ones_is_the_documents_error() -> None:
    """A code one digit short in a column of codes that nest as they should."""
    codes = [
        code(3, "function", value, name, row=row)
        for row, (value, name) in enumerate(
            [
                ("201", "一般公共服务支出"),
                ("20103", "政府办公厅（室）及相关机构事务"),
                ("2010301", "行政运行"),
                ("201035", "事业运行"),
                ("20101", "人大事务"),
                ("2010101", "行政运行"),
            ],
            start=1,
        )
    ]
    results = check(codes=codes, tables=[table(3)])
    assert _failing(results, "code.in_classification") == [("error", "malformed")]


def test_a_row_printing_text_where_an_amount_was_read_is_a_doubt_not_an_error() -> None:
    """行政运行's 基本支出 printed as words: its row and its column cannot be added up."""
    facts = split_row("1642.52", "0", "0", row=5) + split_row("52.81", "52.81", "0", row=6)
    facts = [f for f in facts if not (f["source_row"] == 5 and f["measure"] != "total")]
    warning = {
        "document_id": DOC,
        "kind": "unparsed_cell",
        "template": "budget_2020",
        "table_no": 3,
        "source_row": 5,
        "source_column": 6,
        "source_line": 105,
        "source_page": None,
        "message": "not a number in column '支出预算/基本支出': '详见说明'",
    }
    results = check(facts=facts, warnings=[warning])
    blamed = results.filter(
        (pl.col("passed") == False) & pl.col("severity").is_in(["error", "warning"])  # noqa: E712
    )
    assert blamed.is_empty()
    assert _failing(results, "plausibility.cell_parses") == [("info", "reading_doubt")]


def test_a_column_of_last_year_read_as_this_years_is_a_doubt() -> None:
    """A 2019 三公 column beside 2020's: a cross-table gap it makes is not the document's."""
    facts = [
        fact(8, "total", "45.6", row=3, column=1, column_label="2020年预算数/合计"),
        fact(8, "reception", "3.6", row=3, column=2, column_label="2020年预算数/公务接待费"),
        fact(8, "abroad", "42", row=3, column=3, column_label="2020年预算数/因公出国（境）费"),
        fact(8, "reception", "3.2", row=3, column=5, column_label="2019年预算数/公务接待费"),
        fact(6, "total", "3.6", row=5, economic_code="30217"),
        fact(6, "total", "3.6", row=6, role="total"),
    ]
    results = check(facts=facts, tables=[table(6), table(7), table(8)])
    failed = results.filter(
        (pl.col("rule_family") == "cross_table") & (pl.col("passed") == False)  # noqa: E712
    )
    assert failed.height and set(failed["status"]) == {"reading_doubt"}
    assert "2019年" in failed["message_zh"][0]


PUBLISHED = [table(number) for number in (1, 2, 3, 4, 5, 6, 7, 9)]


def test_a_table_missing_where_a_table_was_left_unrecognised_is_a_doubt() -> None:
    """A table printed under a title no description knows may be the one 'not published'; and
    that table is gongkai's reading to doubt, not the document's fault."""
    unknown = {**table(1, "unrecognised"), "template": "unrecognised", "table_name": "未识别表1"}
    results = check(tables=[*PUBLISHED, table(8, "missing"), unknown])
    assert _failing(results, "completeness.table_published") == [
        ("info", "reading_doubt"),
        ("info", "reading_doubt"),
    ]


def test_a_table_missing_under_no_title_of_its_class_is_the_documents_error() -> None:
    """Every table read, or the one left unrecognised titled as another class (项目支出绩效
    目标表): the 三公 table is not published."""
    form = {
        **table(1, "unrecognised"),
        "template": "unrecognised",
        "table_name": "项目支出绩效目标表",
    }
    for tables in ([*PUBLISHED, table(8, "missing")], [*PUBLISHED, table(8, "missing"), form]):
        failing = _failing(check(tables=tables), "completeness.table_published")
        assert ("error", "missing") in failing


def test_a_gap_against_a_table_with_nothing_to_test_is_a_doubt() -> None:
    """Table 5 prints one figure and no sum: its reading is not verified, so a gap between it
    and a verified table is not yet the document's."""
    facts = [
        *split_row("10", "6", "4", row=5),
        fact(3, "total", "10", row=6, column=5, role="total"),
        fact(3, "basic_expenditure", "6", row=6, column=6, role="total"),
        fact(3, "project_expenditure", "4", row=6, column=7, role="total"),
        fact(5, "total", "12", row=5, column=5, role="total"),
    ]
    facts = [{**f, "function_code": "2010301"} if f["row_role"] == "item" else f for f in facts]
    results = check(facts=facts, tables=[table(3), table(5)])
    failed = results.filter(
        (pl.col("rule_family") == "cross_table") & (pl.col("passed") == False)  # noqa: E712
    )
    assert set(failed["status"]) <= {"reading_doubt"}


def test_a_seven_digit_economic_code_under_a_national_kuan_is_a_local_sub_code() -> None:
    """3010201 基本工资（在职） under 30102: the national list stops at 款; a department's own
    refinement is no malformed code, and its sum into 30102 is checked as a level."""
    codes = [
        code(6, "economic", "30102", "津贴补贴", row=1),
        code(6, "economic", "3010201", "津贴补贴（在职）", row=2),
        code(6, "economic", "3010202", "津贴补贴（离退休）", row=3),
    ]
    facts = [
        fact(6, "total", "10", row=1, economic_code="30102"),
        fact(6, "total", "6", row=2, economic_code="3010201"),
        fact(6, "total", "4", row=3, economic_code="3010202"),
    ]
    results = check(facts=facts, codes=codes, tables=[table(6)])
    judged_codes = results.filter(pl.col("check_id") == "code.in_classification")
    assert judged_codes.select("subject", "status", "passed").rows() == [
        ("30102", "match", True),
        ("3010201", "local_subcode", True),
        ("3010202", "local_subcode", True),
    ]
    [level] = results.filter(pl.col("check_id") == "down.level_is_sum_of_next_level").to_dicts()
    assert (level["subject"].split()[0], level["passed"]) == ("30102", True)


def test_codes_repeated_block_after_block_are_a_doubt_not_duplicates() -> None:
    """A 部门 (汇总) table listing the department's classes, then 本级's, then a unit's: each
    code printed three times is no duplicate of the document's."""
    rows = [("2010301", "行政运行"), ("2010350", "事业运行"), ("2080505", "养老保险缴费")]
    codes = [
        code(3, "function", value, name, row=block * 10 + index)
        for block in range(3)
        for index, (value, name) in enumerate(rows)
    ]
    failing = _failing(check(codes=codes, tables=[table(3)]), "code.unique_in_table")
    assert failing == [("info", "reading_doubt")] * 3


def test_one_code_printed_twice_is_the_documents_own() -> None:
    """克州 2020 表六 prints 30201 办公费 twice among some twenty codes."""
    codes = [code(6, "economic", f"301{n:02d}", "x", row=n) for n in range(1, 20)]
    codes.append(code(6, "economic", "30101", "x", row=30))
    failing = _failing(check(codes=codes, tables=[table(6)]), "code.unique_in_table")
    assert failing == [("warning", "repeated")]


def _prose_rows(outcomes: list[bool]) -> pl.DataFrame:
    from pipelines.quality.frame import CHECK_SCHEMA
    from pipelines.quality.narrative import prose_read

    rows = [
        {
            "document_id": DOC,
            "check_id": "narrative.amount_matches_table",
            "rule_family": "narrative",
            "severity": "error",
            "table_no": 5,
            "subject": f"subject {line}",
            "expected": "1",
            "observed": "2",
            "difference": None,
            "status": None,
            "message_zh": "m",
            "message_en": "m",
            "source_line": line,
            "reads": [prose_read({"source_page": None, "source_line": line})],
            "passed": passed,
        }
        for line, passed in enumerate(outcomes, start=1)
    ]
    return pl.DataFrame(rows, schema={**CHECK_SCHEMA, "passed": pl.Boolean})


def _gated_prose(outcomes: list[bool]) -> list[str | None]:
    from pipelines.quality.gate import ReadingEvidence, gated

    results = _prose_rows(outcomes)
    data = QualityInput.from_result(extract_document(THREE_PUBLIC.encode(), "p.txt"))
    evidence = ReadingEvidence(results, [], data.facts, data.codes, data.warnings, data.documents)
    return gated(results, evidence).filter(~pl.col("passed"))["status"].to_list()


def test_a_narrative_whose_figures_mostly_disagree_with_the_tables_is_misread() -> None:
    """Four of five figures against the tables: the wrong table, year or unit matched, not a
    publisher's four slips."""
    assert _gated_prose([False, False, False, False, True]) == ["reading_doubt"] * 4


def test_one_narrative_figure_against_verified_tables_is_the_documents_error() -> None:
    assert _gated_prose([False, True, True, True, True]) == [None]


def test_two_tables_exactly_ten_thousand_times_apart_are_a_misread_unit() -> None:
    """表一 read in 元 as if in 万元 (its unit line printed for another table): its total is
    10,000 times 表三's, which is no figure of the document's."""
    facts = [
        fact(1, "total", "16953300", row=30, role="total", section="expense", row_label="支出总计"),
        fact(1, "total", "16953300", row=30, column=2, role="total", section="income"),
        fact(3, "total", "1695.33", row=9, column=5, role="total", row_label="合计"),
    ]
    results = check(facts=facts, tables=[table(1), table(3)])
    failed = results.filter(
        (pl.col("rule_family") == "cross_table") & (pl.col("passed") == False)  # noqa: E712
    )
    assert failed.height and set(failed["status"]) == {"reading_doubt"}
    assert "10,000倍" in failed["message_zh"][0]
