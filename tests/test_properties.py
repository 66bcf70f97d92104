"""Properties that hold for any input: numbers round-trip through every way documents write
them, the text reader loses no line, and readers refuse bad bytes only with their own error."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipelines.document import Table
from pipelines.numbers import parse_amount
from pipelines.readers import UnreadableFile, read_document
from pipelines.readers.text_export import parse_text_export

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
FULL_WIDTH = str.maketrans("0123456789.,-()", "０１２３４５６７８９．，－（）")


def with_thousands(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(amounts)
def test_plain_numbers_parse_exactly(value: Decimal) -> None:
    assert parse_amount(f"{value}") == value


@given(amounts, st.sampled_from(["", "\u3000", " ", "\u3000\u3000"]))
def test_thousands_separators_and_padding_parse(value: Decimal, pad: str) -> None:
    assert parse_amount(pad + with_thousands(value) + pad) == value


@given(amounts)
def test_full_width_digits_parse(value: Decimal) -> None:
    assert parse_amount(with_thousands(value).translate(FULL_WIDTH)) == value


@given(amounts)
def test_negative_numbers_in_either_notation_parse(value: Decimal) -> None:
    assert parse_amount(f"({value})") == -value
    assert parse_amount(f"-{value}") == -value


@given(st.text(max_size=30))
def test_any_cell_text_is_a_number_a_blank_or_a_value_error(text: str) -> None:
    try:
        parsed = parse_amount(text)
    except ValueError:
        return
    assert parsed is None or isinstance(parsed, Decimal)


lines = st.lists(
    st.one_of(
        st.builds(
            lambda t: "\t" + t,
            st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=12),
        ),
        st.text(alphabet=st.characters(blacklist_characters="\n\r\t"), max_size=12),
        st.just(""),
    ),
    max_size=40,
)


@given(lines)
@example(["\x0c"])  # a line of a form feed alone (hypothesis found it)
def test_the_text_reader_keeps_every_line_as_a_paragraph_or_in_a_cell(text_lines) -> None:
    document = parse_text_export("\n".join(text_lines), "t")
    cells = "\n".join(
        c.text for b in document.blocks if isinstance(b, Table) for r in b.rows for c in r.cells
    )
    paragraphs = [b.text for b in document.paragraphs]
    for line in text_lines:
        content = line[1:] if line.startswith("\t") else line
        if content.strip(" \t\u3000\xa0\r"):
            assert content in cells or content.rstrip(" \t\u3000\xa0\r") in paragraphs


MAGIC = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"<html><table>",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MAGIC), st.binary(max_size=400))
def test_readers_refuse_any_bytes_only_with_their_own_error(magic: bytes, body: bytes) -> None:
    with contextlib.suppress(UnreadableFile):
        read_document(magic + body, "fuzz")


FUZZ_FINDINGS = Path(__file__).parent / "fixtures" / "fuzz"


@pytest.mark.parametrize("path", sorted(FUZZ_FINDINGS.iterdir()), ids=lambda p: p.name)
def test_files_the_fuzzer_found_are_refused_by_the_readers_own_checks(path: Path) -> None:
    """Each file here once made a reader fail in a way it did not expect (make fuzz)."""
    with pytest.raises(UnreadableFile) as refused:
        read_document(path.read_bytes(), path.name)
    assert isinstance(refused.value.__cause__, ValueError | None)
