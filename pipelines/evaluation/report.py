"""`benchmarks/results/eval.md`: the evaluation as a reader of the project sees it."""

from __future__ import annotations

import statistics

import polars as pl

from pipelines.evaluation import CORE_CLASSES, Evaluation, _percent
from pipelines.evaluation.metrics import METADATA_FIELDS

METADATA_LETTERS = dict(zip(METADATA_FIELDS, "DRCYKS", strict=True))


def _targets(evaluation: Evaluation) -> list[list[str]]:
    """The targets the reading and trust work is measured against, beside today's figures."""
    errors = evaluation.errors_per_document()
    refused = evaluation.files.filter(pl.col("status") == "not_disclosure").height
    return [
        ["number coverage", "≥ 99.5%", _percent(evaluation.coverage_share())],
        [
            "sum, balance and cross-table checks passing",
            "≥ 99%",
            f"{_percent(evaluation.arithmetic_share())} to the cent, "
            f"{_percent(evaluation.arithmetic_share(within_rounding=True))} within rounding",
        ],
        [
            "median error findings per document",
            "0",
            str(statistics.median(errors)) if errors else "—",
        ],
        [
            "error findings that are real (hand-checked on the page)",
            "≥ 95%",
            evaluation.error_precision(),
        ],
        [
            "hand-read key figures found with their meaning",
            "≥ 99%",
            _percent(evaluation.key_figure_share()),
        ],
        [
            "files that are not disclosures",
            "every one refused with a reason",
            f"{refused} refused as not_disclosure, each with its evidence (see Files)",
        ],
    ]


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = ["" if cell is None else str(cell).replace("|", "\\|") for cell in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({_percent(part / whole)})" if whole else "—"


def _accounting(evaluation: Evaluation) -> str:
    counts = (
        evaluation.files.group_by("status")
        .len()
        .sort(["len", "status"], descending=[True, False])  # ties in a fixed order
    )
    refused = evaluation.files.filter(pl.col("status").is_in(["quarantined", "not_disclosure"]))
    return "\n\n".join(
        [
            _table(["status", "files"], [list(row) for row in counts.iter_rows()]),
            "Files not loaded, with the reason:",
            _table(
                ["file", "status", "reason"],
                [
                    [f, s, (r or "")[:160]]
                    for f, s, r in refused.select("source_file", "status", "reason").iter_rows()
                ],
            ),
        ]
    )


def _coverage(evaluation: Evaluation) -> str:
    coverage = evaluation.coverage
    by_file = (
        coverage.group_by("source_file")
        .agg(pl.col("printed", "read", "facts", "facts_unprinted").sum(), pages=pl.len())
        .sort("source_file")
    )
    short = coverage.filter(pl.col("read") < pl.col("printed")).sort("source_file", "page")
    read, printed = int(coverage["read"].sum() or 0), int(coverage["printed"].sum() or 0)
    lines = [
        f"Printed amounts read (facts, and performance forms' funds): **{_share(read, printed)}** "
        f"on {coverage.height} table pages of {by_file.height} files. Facts that no printed "
        f"amount of their page accounts for: {int(coverage['facts_unprinted'].sum() or 0)} "
        f"(of {int(coverage['facts'].sum() or 0)}).",
        f"Pages below 100% ({short.height}):",
        _table(
            ["file", "page", "printed", "read", "missing", "facts not printed there"],
            [
                [f, p, n, r, n - r, u]
                for f, p, n, r, _, u in short.select(
                    "source_file", "page", "printed", "read", "facts", "facts_unprinted"
                ).iter_rows()
            ],
        ),
    ]
    return "\n\n".join(lines)


def _consistency(evaluation: Evaluation) -> str:
    documents = evaluation.documents
    errors = evaluation.errors_per_document()
    checks = int(documents["arithmetic_checks"].sum() or 0)
    passed = int(documents["arithmetic_passed"].sum() or 0)
    rounding = int(documents["arithmetic_rounding"].sum() or 0)
    if not errors:
        return "No document was loaded."
    clean = sum(1 for count in errors if count == 0)
    warnings = int(documents["warnings"].sum() or 0)
    return "\n".join(
        [
            f"- sum, balance and cross-table checks passing: **{_share(passed, checks)}**; "
            f"with the {rounding} that fail by no more than the printed figures' rounding "
            f"allows, {_share(passed + rounding, checks)}",
            f"- error findings per document: median **{statistics.median(errors)}**, "
            f"mean {statistics.mean(errors):.1f}",
            f"- documents with zero error findings: {_share(clean, len(errors))}",
            f"- warnings in all: {warnings}, errors in all: {sum(errors)}",
            f"- narrative claims read: {int(documents['claims'].sum() or 0)}; documents with "
            f"none: {_share(int((documents['claims'] == 0).sum()), len(errors))} (their "
            "narrative rules are not evaluated, not passed)",
        ]
    )


def _recognition(evaluation: Evaluation) -> str:
    documents = evaluation.documents
    missing_core = []
    for row in documents.iter_rows(named=True):
        absent = [c for c in CORE_CLASSES if c not in (row["classes"] or [])]
        if absent:
            missing_core.append([row["source_file"], ", ".join(absent)])
    unrecognised = [
        [row["source_file"], title]
        for row in documents.iter_rows(named=True)
        for title in row["unrecognised"] or []
    ]
    return "\n\n".join(
        [
            f"Documents with every core class ({', '.join(CORE_CLASSES)}): "
            f"{_share(documents.height - len(missing_core), documents.height)}. A class a "
            "document does not print is listed here too: read the list, not only the count.",
            _table(["file", "core classes not found"], missing_core),
            f"Tables left unrecognised ({len(unrecognised)}):",
            _table(["file", "title as printed"], unrecognised),
            *_text_tables(documents),
        ]
    )


def _text_tables(documents) -> list[str]:
    """How many tables print text, not amounts: kept as text (v_text_tables), never counted
    as unrecognised disclosure tables."""
    if "text_tables" not in documents.columns:
        return []
    tables = int(documents["text_tables"].sum() or 0)
    holding = int((documents["text_tables"] > 0).sum())
    rosters = int(documents["unit_rosters"].sum() or 0)
    return [
        f"Tables of text, kept as text (`v_text_tables`), not as disclosure tables: {tables} "
        f"in {holding} documents, {rosters} of them unit rosters (单位构成)."
    ]


def _metadata(evaluation: Evaluation) -> str:
    documents = evaluation.documents
    filled = [
        [name, _share(int(documents[name].is_not_null().sum()), documents.height)]
        for name in METADATA_FIELDS
    ]
    truth = evaluation.metadata_truth
    wrong = truth.filter(~pl.col("right"))
    return "\n\n".join(
        [
            "Filled, of the loaded documents:",
            _table(["field", "filled"], filled),
            "Right against the metadata truth, on the loaded files it covers (a text part "
            "joined to its tables or a file not loaded has no metadata of its own): "
            f"**{_share(int(truth['right'].sum()), truth.height)}** fields. Wrong or missing:",
            _table(
                ["file", "field", "truth", "read"],
                [
                    list(row)
                    for row in wrong.select("source_file", "field", "expected", "read").iter_rows()
                ],
            ),
        ]
    )


def _key_figures(evaluation: Evaluation) -> str:
    figures = evaluation.key_figures
    missed = figures.filter(~pl.col("found"))
    elsewhere = int(figures["amount_elsewhere"].sum())
    return "\n\n".join(
        [
            f"Found with their meaning (table class, side, row, measure, basis): "
            f"**{_share(int(figures['found'].sum()), figures.height)}**; of the rest, "
            f"{elsewhere} stand in the document under another meaning.",
            _table(
                ["file", "class", "side", "row", "measure", "basis", "万元", "amount elsewhere"],
                [
                    [
                        r["file"],
                        r["table_class"],
                        r["section"],
                        r["row"],
                        r["measure"],
                        r["basis"],
                        r["amount_wan"],
                        "yes" if r["amount_elsewhere"] else "no",
                    ]
                    for r in missed.iter_rows(named=True)
                ],
            ),
        ]
    )


def _known_findings(evaluation: Evaluation) -> str:
    known = evaluation.known_findings
    real = known.filter(pl.col("kind") == "real")
    traps = known.filter(pl.col("kind") == "trap")
    found = int((real["outcome"] == "found").sum())
    return "\n\n".join(
        [
            f"Real inconsistencies found: **{_share(found, real.height)}**, "
            f"with the expected class: {_share(int(real['class_right'].sum()), real.height)}. "
            f"Reading traps held (no error or warning): "
            f"**{_share(int((traps['outcome'] == 'held').sum()), traps.height)}**.",
            _table(
                [
                    "file",
                    "kind",
                    "class",
                    "subject",
                    "expected",
                    "outcome",
                    "checks",
                    "told as",
                    "what",
                ],
                [
                    [
                        r["file"],
                        r["kind"],
                        r["table_class"],
                        r["subject"],
                        r["expected_class"],
                        r["outcome"],
                        r["matching_checks"],
                        r["severities"],
                        r["note"][:90],
                    ]
                    for r in known.iter_rows(named=True)
                ],
            ),
        ]
    )


def _error_verdicts(evaluation: Evaluation) -> str:
    verdicts = evaluation.error_verdicts
    return "\n\n".join(
        [
            f"{evaluation.error_precision()}. A finding is hand-checked where it matches a row of "
            "`tests/corpus/truth/findings.csv` read on the page: `real` (the document "
            "contradicts itself), `misreading` (gongkai's reading was wrong); `unchecked` "
            "findings are new and need a look at their page.",
            _table(
                ["file", "check", "table", "subject", "verdict", "why"],
                [
                    [
                        r["source_file"],
                        r["check_id"],
                        r["table_no"],
                        r["subject"],
                        r["verdict"],
                        (r["note"] or r["message_zh"])[:110],
                    ]
                    for r in verdicts.sort("verdict", "source_file").iter_rows(named=True)
                ],
            ),
        ]
    )


def _per_document(evaluation: Evaluation) -> str:
    coverage = evaluation.coverage.group_by("source_file").agg(pl.col("printed", "read").sum())
    documents = evaluation.documents.join(coverage, on="source_file", how="left")
    rows = []
    for r in documents.iter_rows(named=True):
        meta = "".join(
            letter if r[name] is not None else "·" for name, letter in METADATA_LETTERS.items()
        )
        rows.append(
            [
                r["source_file"],
                r["template"],
                _share(r["read"] or 0, r["printed"] or 0),
                _share(r["arithmetic_passed"], r["arithmetic_checks"]),
                r["errors"],
                r["warnings"],
                r["claims"],
                len(r["classes"] or []),
                len(r["unrecognised"] or []),
                meta,
            ]
        )
    return "\n\n".join(
        [
            "Metadata letters: D department, R region, C division code, Y fiscal year, K kind, "
            "S scope; · where missing.",
            _table(
                [
                    "file",
                    "family",
                    "coverage",
                    "sum checks",
                    "errors",
                    "warnings",
                    "claims",
                    "classes",
                    "unrecognised",
                    "metadata",
                ],
                rows,
            ),
        ]
    )


def render(evaluation: Evaluation, command: str) -> str:
    """The whole evaluation as Markdown, its summary line first and last."""
    sections = [
        ("Targets", _table(["measure", "target", "now"], _targets(evaluation))),
        ("Files", _accounting(evaluation)),
        ("Number coverage (label-free)", _coverage(evaluation)),
        ("Self-consistency (label-free)", _consistency(evaluation)),
        ("Recognition", _recognition(evaluation)),
        ("Metadata", _metadata(evaluation)),
        ("Key figures (hand-read truth)", _key_figures(evaluation)),
        ("Error findings and their verdicts (hand-checked)", _error_verdicts(evaluation)),
        ("Known findings and reading traps (hand-read truth)", _known_findings(evaluation)),
        ("Per document", _per_document(evaluation)),
    ]
    body = "\n\n".join(f"## {title}\n\n{text}" for title, text in sections)
    return (
        f"# Real-corpus evaluation\n\nMade by `{command}`. What each measure means: README, "
        f"“Evaluation on real documents”.\n\n`{evaluation.summary_line()}`\n\n{body}\n"
    )
