"""One raw file in, one document's facts, table inventory and metadata out — or a quarantine.

This is the reader → document model → table recognition → long facts path for a single file.
Any failure on the way is caught here and becomes a quarantine reason that names the stage,
so one bad file never stops the others.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from pipelines.description import NATIONAL_TABLES, TEMPLATES, TableSpec
from pipelines.disclosure import not_a_disclosure, other_document
from pipelines.facts import FACT_SCHEMA, UNRECOGNISED, holds_text, table_facts, warning
from pipelines.faults import Deadline, StageFailed, TooSlow, time_limit
from pipelines.forms import is_form, parse_form
from pipelines.metadata import DocumentMetadata, document_metadata
from pipelines.narrative import canonical_subject, extract_claims
from pipelines.numbers import is_amount, to_wan_yuan
from pipelines.outline import PASSAGE_SCHEMA, outline_passages, passages_frame
from pipelines.profile import PROFILE_SCHEMA, profile_frame
from pipelines.readers import UnreadableFile, read_document
from pipelines.readers.sniff import sniff_format
from pipelines.recognise import (
    Column,
    RecognisedTable,
    empty_note,
    empty_table_explanation,
    match_title,
    recognise_tables,
    table_layouts,
)
from pipelines.repair import joined_continuations, realigned_rows
from pipelines.vocabulary import list_class

TABLE_SCHEMA = {
    "document_id": pl.String,
    "template": pl.String,
    "table_no": pl.Int16,
    "table_name": pl.String,
    "status": pl.String,
    "printed_title": pl.String,
    "printed_number": pl.String,
    "unit": pl.String,
    "explanation": pl.String,
    "fact_count": pl.Int32,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
CODE_SCHEMA = {
    "document_id": pl.String,
    "template": pl.String,
    "table_no": pl.Int16,
    "code_kind": pl.String,
    "code": pl.String,
    "printed_name": pl.String,
    "has_amounts": pl.Boolean,
    "budget_unit": pl.String,
    "source_row": pl.Int32,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
WARNING_SCHEMA = {
    "document_id": pl.String,
    "kind": pl.String,
    "template": pl.String,
    "table_no": pl.Int16,
    "source_row": pl.Int32,
    "source_column": pl.Int32,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
    "message": pl.String,
}


PROJECT_SCHEMA = {
    "document_id": pl.String,
    "form_no": pl.Int16,
    "project_name": pl.String,
    "budget_unit": pl.String,
    "total_funds": pl.Decimal(24, 6),
    "fiscal_funds": pl.Decimal(24, 6),
    "other_funds": pl.Decimal(24, 6),
    "basic_funds": pl.Decimal(24, 6),
    "project_funds": pl.Decimal(24, 6),
    "goal": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
INDICATOR_SCHEMA = {
    "document_id": pl.String,
    "form_no": pl.Int16,
    "indicator_no": pl.Int16,
    "project_name": pl.String,
    "level1": pl.String,
    "level2": pl.String,
    "level3": pl.String,
    "target_raw": pl.String,
    "operator": pl.String,
    "target_value": pl.Decimal(24, 6),
    "target_unit": pl.String,
    "target_date": pl.Date,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}
TEXT_TABLE_SCHEMA = {
    "document_id": pl.String,
    "text_table_no": pl.Int16,
    "template": pl.String,
    "table_no": pl.Int16,
    "list_kind": pl.String,
    "title": pl.String,
    "row_no": pl.Int32,
    "column_no": pl.Int16,
    "header": pl.String,
    "text": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}


CLAIM_SCHEMA = {
    "document_id": pl.String,
    "claim_no": pl.Int32,
    "section": pl.String,
    "subject": pl.String,
    "measure": pl.String,
    "function_code": pl.String,
    "economic_code": pl.String,
    "amount": pl.Decimal(24, 6),
    "unit": pl.String,
    "amount_wan": pl.Decimal(24, 6),
    "share_percent": pl.Decimal(24, 6),
    "share_base": pl.String,
    "change_amount": pl.Decimal(24, 6),
    "change_direction": pl.String,
    "change_wan": pl.Decimal(24, 6),
    "change_percent": pl.Decimal(24, 6),
    "change_percent_direction": pl.String,
    "prior_year_wan": pl.Decimal(24, 6),
    "sentence": pl.String,
    "source_file": pl.String,
    "source_line": pl.Int32,
    "source_page": pl.Int32,
}


def claims_frame(document_id: str, source_file: str, claims: list) -> pl.DataFrame:
    """A document's narrative claims, with canonical names and amounts in 万元."""
    rows = []
    for number, claim in enumerate(claims, start=1):
        canonical = canonical_subject(claim.subject)
        rows.append(
            {
                "document_id": document_id,
                "claim_no": number,
                "section": claim.section,
                "subject": claim.subject,
                "measure": canonical.measure,
                "function_code": canonical.function_code,
                "economic_code": canonical.economic_code,
                "amount": claim.amount,
                "unit": claim.unit,
                "amount_wan": to_wan_yuan(claim.amount, claim.unit)
                if claim.amount is not None
                else None,
                "share_percent": claim.share_percent,
                "share_base": claim.share_base,
                "change_amount": claim.change_amount,
                "change_direction": claim.change_direction,
                "change_wan": claim.signed_change,
                "change_percent": claim.change_percent,
                "change_percent_direction": claim.change_percent_direction,
                "prior_year_wan": claim.prior_year,
                "sentence": claim.sentence,
                "source_file": source_file,
                "source_line": claim.line,
                "source_page": claim.page,
            }
        )
    return pl.DataFrame(rows, schema=CLAIM_SCHEMA)


def performance_frames(document_id: str, forms: list) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The projects and indicators of a document's performance-target forms, numbered."""
    projects, indicators = [], []
    for form_no, form in enumerate(forms, start=1):
        projects.append(
            {
                "document_id": document_id,
                "form_no": form_no,
                "project_name": form.project_name,
                "budget_unit": form.budget_unit,
                "total_funds": form.total_funds,
                "fiscal_funds": form.fiscal_funds,
                "other_funds": form.other_funds,
                "basic_funds": form.basic_funds,
                "project_funds": form.project_funds,
                "goal": form.goal,
                "source_line": form.source_line,
                "source_page": form.source_page,
            }
        )
        for number, item in enumerate(form.indicators, start=1):
            indicators.append(
                {
                    "document_id": document_id,
                    "form_no": form_no,
                    "indicator_no": number,
                    "project_name": form.project_name,
                    **vars(item),
                }
            )
    return (
        pl.DataFrame(projects, schema=PROJECT_SCHEMA),
        pl.DataFrame(indicators, schema=INDICATOR_SCHEMA),
    )


TEXT_PART = "text_part"  # prose without tables, waiting for the tables file it belongs to
NOT_DISCLOSURE = "not_disclosure"  # a notice, form or web page saved under a budget's name


def document_id_of(sha256: str) -> str:
    """Documents are named by content: the same bytes are the same document wherever they lie."""
    return sha256[:16]


@dataclass
class DocumentResult:
    source_file: str
    sha256: str
    size_bytes: int
    format: str
    encoding: str | None = None
    status: str = "loaded"
    reason: str | None = None
    metadata: DocumentMetadata | None = None
    template: str | None = None
    facts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FACT_SCHEMA))
    tables: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TABLE_SCHEMA))
    codes: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CODE_SCHEMA))
    warnings: list[dict] = field(default_factory=list)
    projects: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROJECT_SCHEMA))
    indicators: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=INDICATOR_SCHEMA))
    claims: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CLAIM_SCHEMA))
    profile: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROFILE_SCHEMA))
    passages: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PASSAGE_SCHEMA))
    text_tables: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=TEXT_TABLE_SCHEMA)
    )

    @property
    def warnings_frame(self) -> pl.DataFrame:
        rows = [{"document_id": self.document_id, **w} for w in self.warnings]
        return pl.DataFrame(rows, schema=WARNING_SCHEMA)

    @property
    def document_id(self) -> str:
        return document_id_of(self.sha256)


def _choose_template(document) -> tuple[str | None, list[RecognisedTable]]:
    """The template family that reads the document best, and its tables recognised against
    that family alone (titles such as 收支预算总表 recur across families).

    A table the national class titles name but the family's own titles do not is the family's
    table only where the family's description reads it (`_reads`); otherwise it is left
    unrecognised rather than forced into a layout it does not have. The family whose own titles
    name the most tables wins, then the one reading the most tables, then the one reading the
    most numbers with a known measure: that count reads every table's facts, so it is made only
    for the families still tied."""
    layouts = table_layouts(document)
    candidates: list[tuple[tuple[int, int], str, list[RecognisedTable], int]] = []
    for template, specs in TEMPLATES.items():
        recognised, known = [], 0
        for table in recognise_tables(document, specs, layouts):
            if table.spec is not None and table.by_class:
                reads, count = _reads(table)
                if not reads:
                    table = replace(table, spec=None, title="", by_class=False)
                known += count
            recognised.append(table)
        found = (
            len({table.spec.number for table in recognised if table.spec and not table.by_class}),
            len({table.spec.number for table in recognised if table.spec}),
        )
        candidates.append((found, template, recognised, known))
    top = max(found for found, *_ in candidates)
    tied = [candidate for candidate in candidates if candidate[0] == top]

    def known_measures(candidate) -> int:
        _, _, recognised, known = candidate
        return known + sum(
            _reads(table)[1] for table in recognised if table.spec and not table.by_class
        )

    # the first of equals, in TEMPLATES' order
    best = max(tied, key=known_measures) if len(tied) > 1 or top == (0, 0) else tied[0]
    if top == (0, 0) and known_measures(best) == 0:
        return None, []
    return best[1], best[2]


READ_SAMPLE_ROWS = 400  # the data rows a family's reading of a table is judged on


def _reads(table: RecognisedTable) -> tuple[bool, int]:
    """Whether a family's description reads a table, and how many of its numbers it gives a
    known measure. A table named by the family's own title is read; one named only by a class
    title is read where no column the description requires is missing and at least half its
    numbers have a known measure. Judged on the table's first `READ_SAMPLE_ROWS` data rows:
    choosing a family reads each table once per family, and a table of 100,000 rows would be
    read whole several times over only to be compared."""
    if len(table.data_rows) > READ_SAMPLE_ROWS:
        rows = table.table.rows[: table.header_rows + READ_SAMPLE_ROWS]
        table = replace(table, table=replace(table.table, rows=rows))
    built = table_facts(table, "", table.unit or "万元")
    known = sum(1 for fact in built.facts if fact["measure"] != UNRECOGNISED)
    if not table.by_class:
        return True, known
    missing = any(w["kind"] == "missing_column" for w in built.warnings)
    return not missing and 2 * known >= len(built.facts), known


def _national(table: RecognisedTable, printed_classes: set[str | None]) -> RecognisedTable | None:
    """A table of a class the document's family has no table of (苏州's 国有资本经营预算支出
    预算表, 上海's 财政拨款支出预算表), read as the class's national table: by its title's class
    and the vocabulary's header words, where that reads at least half its numbers."""
    spec, caption, _ = match_title(table.captions, NATIONAL_TABLES)
    if spec is None or spec.topic in printed_classes:
        return None
    named = replace(table, spec=spec, title=caption, by_class=True)
    return named if _reads(named)[0] else None


def _unrecognised_spec(number: int, table: RecognisedTable) -> TableSpec:
    """A stand-in description for a table no family describes: its numbers still become facts."""
    caption = table.title or next(
        (c.strip() for c in reversed(table.captions) if re.search(r"表", c)), ""
    )
    return TableSpec(UNRECOGNISED, number, caption or f"未识别表{number}", (), "grid")


FLATTENED_AMOUNTS = 6  # prose writes 万元 after its figures; a flattened table does not


def _flattened(document) -> str | None:
    """Why a file whose tables survive only as running text cannot be read: a line holding a
    table's title and many bare amounts, its rows and cells gone (a document-sharing site's
    preview: 一、一般公共服务支出 二、外交支出 … 2020年预算数 12,204.85 七、…), where an amount
    cannot be put with its row without guessing."""
    for paragraph in document.paragraphs:
        words = paragraph.text.split()
        amounts = sum(1 for word in words if is_amount(word) and not word.isdigit())
        if amounts >= FLATTENED_AMOUNTS and re.search(r"表\s*\d*\s*\S{2,20}表", paragraph.text):
            return (
                "read: the tables survive only as running text (a line holding a table's "
                f"title and {amounts} amounts, no rows or cells): an amount cannot be put with "
                "its row without guessing; the original file is needed"
            )
    return None


def _has_amounts(table: RecognisedTable) -> bool:
    """Whether a table prints an amount outside its label columns (a roster's 序号 1, 2, 3 is
    none)."""
    keys = {column.index for column in table.columns if column.is_key}
    return any(
        is_amount(text)
        for row in table.data_rows
        for index, text in enumerate(row.texts)
        if index not in keys
    )


def text_tables_frame(
    document_id: str,
    tables: list[RecognisedTable],
    read: Sequence[RecognisedTable] = (),
) -> pl.DataFrame:
    """Every text cell of a document: all of each table of text (rosters, lists), with the
    kind of list its caption names (`vocabulary.list_class`), then the cells of the text
    columns of each table read as facts (the 绩效目标 beside a project's 金额), with that
    table's template and number; numbered in that order. A cell's row is its row in the table
    (1-based, header included), as a fact's `source_row`."""
    rows = []
    numbered = [(table, None) for table in tables] + [
        (table, columns) for table in read if (columns := _text_columns(table))
    ]
    for number, (table, columns) in enumerate(numbered, start=1):
        headers = {column.index: "/".join(column.path) for column in table.columns}
        title = next((c.strip() for c in reversed(table.captions) if c.strip()), None)
        kind = list_class(table.captions) if columns is None else None
        spec = table.spec if columns is not None else None
        for row_no, row in enumerate(table.data_rows, start=table.header_rows + 1):
            for column_no, cell in enumerate(row.cells, start=1):
                if cell.clean and (columns is None or column_no - 1 in columns):
                    rows.append(
                        {
                            "document_id": document_id,
                            "text_table_no": number,
                            "template": spec.template if spec else None,
                            "table_no": spec.number if spec else None,
                            "list_kind": kind,
                            "title": title,
                            "row_no": row_no,
                            "column_no": column_no,
                            "header": headers.get(column_no - 1) or None,
                            "text": cell.clean,
                            "source_line": cell.position.line,
                            "source_page": cell.position.page,
                        }
                    )
    return pl.DataFrame(rows, schema=TEXT_TABLE_SCHEMA)


def _text_columns(table: RecognisedTable) -> set[int]:
    """The columns of a table read as facts that print text besides what its facts keep (the
    first naming the rows, each fact's row label; 项目名称, its project_name; codes; both
    sides' labels of a two-sided table): a project's 绩效目标 beside its 金额, a procurement
    item's 采购品目名称 and 采购组织形式."""
    if table.spec.layout == "two_sided":
        return set()
    texts = [
        column
        for column in table.columns
        if column.path
        and not column.is_code_part
        and (column.is_key or holds_text(table, column))
        and not _codes_only(table, column)
    ]
    return {column.index for column in texts[1:] if column.leaf != "项目名称"}


def _codes_only(table: RecognisedTable, column: Column) -> bool:
    """A key column printing only codes (科目编码 201, 20101 …) or nothing, not names."""
    texts = [r.texts[column.index] for r in table.data_rows if column.index < len(r.texts)]
    return all(not text or text.isdigit() for text in texts)


def _inventory_row(
    document_id: str, spec: TableSpec, table: RecognisedTable | None, fact_count: int
) -> dict:
    if table is None:
        status, explanation = "missing", None
    elif spec.template == UNRECOGNISED:
        status, explanation = UNRECOGNISED, None
    elif fact_count:
        status, explanation = "data", empty_note(table)
    else:
        explanation = empty_table_explanation(table)
        status = "empty_explained" if explanation else "empty_unexplained"
    return {
        "document_id": document_id,
        "template": spec.template,
        "table_no": spec.number,
        "table_name": spec.name,
        "status": status,
        "printed_title": table.title if table else None,
        "printed_number": table.printed_number if table else None,
        "unit": table.unit if table else None,
        "explanation": explanation,
        "fact_count": fact_count,
        "source_line": table.table.position.line if table else None,
        "source_page": table.table.position.page if table else None,
    }


def _missing_row(document_id: str, spec: TableSpec, recognised: list[RecognisedTable]) -> dict:
    """The inventory row of a described table no table was read as: `unread` where a table the
    description does not read carries the class's title (printed, in another layout), else
    `missing`."""
    for table in recognised:
        if table.spec is None and (named := match_title(table.captions, (spec,)))[0]:
            return {
                **_inventory_row(document_id, spec, table, 0),
                "status": "unread",
                "printed_title": named[1],
                "explanation": None,
            }
    return _inventory_row(document_id, spec, None, 0)


def extract_document(data: bytes, source_file: str, seconds: float | None = None) -> DocumentResult:
    """Read, recognise and turn into facts one disclosure file's bytes, within `seconds`.

    A file the reader refuses is quarantined here with the reader's reason; an exception
    raised at any stage is raised as `StageFailed`, naming the stage (read, recognise,
    narrative, facts) — the one it was at when the time ran out included."""
    with time_limit(seconds) as deadline:
        try:
            return _extract_document(data, source_file, deadline)
        except TooSlow as error:
            raise StageFailed(deadline.at, error) from None


def _extract_document(data: bytes, source_file: str, deadline: Deadline) -> DocumentResult:
    sha256 = hashlib.sha256(data).hexdigest()
    result = DocumentResult(
        source_file=source_file, sha256=sha256, size_bytes=len(data), format=sniff_format(data)
    )
    with deadline.stage("read"):
        try:
            document = read_document(data, source_file)
        except UnreadableFile as error:
            result.status, result.reason = "quarantined", f"read: {error}"
            return result
    result.encoding = document.encoding
    with deadline.stage("recognise"):
        result.template, recognised = _choose_template(document)
        metadata = document_metadata(document, recognised)
    with deadline.stage("narrative"):
        claims = extract_claims(document, metadata.department)
        passages = outline_passages(document, metadata.printed_department, metadata.fiscal_year)
    with deadline.stage("recognise"):
        other = other_document(document) if result.template else None
    if other:  # tables read as a disclosure's, in a report or notice
        result.status, result.reason = NOT_DISCLOSURE, f"not a disclosure: {other}"
        return result
    text_part = result.template is None and bool(
        claims and metadata.department and metadata.fiscal_year and metadata.kind
    )
    with deadline.stage("recognise"):
        narrative_only = (
            result.template is None
            and not text_part
            and bool(claims)
            and _flattened(document) is None
            and not_a_disclosure(document) is None
        )
    if result.template is None and not (text_part or narrative_only):
        with deadline.stage("recognise"):
            _not_read(result, document)
        return result
    with deadline.stage("narrative"):
        result.claims = claims_frame(result.document_id, source_file, claims)
        result.profile = profile_frame(document, result.document_id)
        result.passages = passages_frame(result.document_id, source_file, passages)
    result.metadata = metadata
    if text_part:
        result.status = TEXT_PART
        result.reason = (
            "a text part: its narrative has no tables here, and joins the tables file of "
            f"{metadata.department} {metadata.fiscal_year} {metadata.kind}"
        )
        return result
    if narrative_only:
        result.reason = narrative_only_reason(result.passages, None)
        return result
    with deadline.stage("facts"):
        _read_tables(result, recognised, metadata)
    return result


NARRATIVE_ONLY = "narrative_only"  # the part a file is, loaded with no tables of its own


def narrative_only_reason(passages: pl.DataFrame, sought: str | None) -> str:
    """Why a disclosure's narrative is loaded without tables: its tables are in no file of the
    build (`sought`: the tables file looked for), and where the attachments it links are."""
    attachments = passages.filter(pl.col("kind") == "attachment")["item"].to_list()
    where = (
        f"; it links {len(attachments)} attachment(s), where its tables are: "
        + ", ".join(attachments[:5])
        if attachments
        else ""
    )
    return (
        "narrative only: its tables are not in this file"
        + (f" nor in a tables file of {sought} in this build" if sought else "")
        + "; its narrative's figures, profile and outline are loaded"
        + where
    )


def _not_read(result: DocumentResult, document) -> None:
    """Why a file without a described table and no narrative to join to a tables file is not
    read: no disclosure at all (with the evidence), or a disclosure gongkai cannot read."""
    flattened = _flattened(document)
    evidence = None if flattened else not_a_disclosure(document)
    if evidence:
        result.status, result.reason = NOT_DISCLOSURE, f"not a disclosure: {evidence}"
        return
    result.status = "quarantined"
    result.reason = flattened or (
        f"recognise: none of the {len(document.tables)} tables in the file "
        "matches a described disclosure table"
    )


def _read_tables(result: DocumentResult, recognised: list, metadata: DocumentMetadata) -> None:
    """The facts, codes, inventory, forms and text cells of a document's recognised tables."""
    unit = metadata.unit or "万元"
    basis = {"budget": "budget", "final_accounts": "actual"}.get(metadata.kind or "")
    year = metadata.fiscal_year
    recognised, joins = joined_continuations(recognised, unit, basis)
    recognised, realigned = realigned_rows(recognised, unit, basis)
    result.warnings.extend(joins + realigned)
    facts, codes, inventory, read = [], [], [], []
    for spec in TEMPLATES[result.template]:
        matches = [table for table in recognised if table.spec == spec]
        for table in matches:
            read.append(table)
            built = table_facts(table, result.document_id, unit, basis, year)
            facts.extend(built.facts)
            codes.extend(built.codes)
            result.warnings.extend(built.warnings)
        fact_count = sum(1 for fact in facts if fact["table_no"] == spec.number)
        if matches:
            inventory.append(_inventory_row(result.document_id, spec, matches[0], fact_count))
        else:
            inventory.append(_missing_row(result.document_id, spec, recognised))
    unrecognised = [table for table in recognised if table.spec is None]
    forms = [t for t in unrecognised if is_form(t.captions, t.table)]
    result.projects, result.indicators = performance_frames(
        result.document_id, [parse_form(t.table, t.captions) for t in forms]
    )
    unknown = [t for t in unrecognised if t not in forms and _has_amounts(t)]
    texts = [t for t in unrecognised if t not in forms and t not in unknown]
    printed_classes = {spec.topic for spec in TEMPLATES[result.template]}
    for table in list(unknown):
        national = _national(table, printed_classes)
        if national is None:
            continue
        unknown.remove(table)
        read.append(national)
        built = table_facts(national, result.document_id, unit, basis, year)
        facts.extend(built.facts)
        codes.extend(built.codes)
        result.warnings.extend(built.warnings)
        inventory.append(
            _inventory_row(result.document_id, national.spec, national, len(built.facts))
        )
    for number, table in enumerate(unknown, start=1):
        spec = _unrecognised_spec(number, table)
        read.append(replace(table, spec=spec))
        built = table_facts(replace(table, spec=spec), result.document_id, unit, basis, year)
        facts.extend(built.facts)
        result.warnings.extend(built.warnings)
        inventory.append(_inventory_row(result.document_id, spec, table, len(built.facts)))
        result.warnings.append(
            warning(
                "unrecognised_table",
                spec,
                table.table.position,
                f"a table of {len(table.table.rows)} rows matches no described table "
                f"(caption: {spec.name!r}); its numbers are kept as {UNRECOGNISED} facts "
                f"numbered {number}",
            )
        )
    result.text_tables = text_tables_frame(result.document_id, texts, read)
    result.facts = pl.DataFrame(facts, schema=FACT_SCHEMA)
    result.tables = pl.DataFrame(inventory, schema=TABLE_SCHEMA)
    result.codes = pl.DataFrame(codes, schema=CODE_SCHEMA)


def extract_file(path: Path, raw_dir: Path, seconds: float | None = None) -> DocumentResult:
    """Extract a file under `raw_dir`; its provenance is its path relative to `raw_dir`."""
    return extract_document(path.read_bytes(), path.relative_to(raw_dir).as_posix(), seconds)
