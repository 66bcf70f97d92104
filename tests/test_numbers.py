"""Published numbers parse exactly; blank marks are blanks; anything else is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.numbers import parse_amount, to_wan_yuan


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1459.62\u3000", Decimal("1459.62")),
        ("\u3000133.6", Decimal("133.6")),
        ("17.00", Decimal("17.00")),
        ("0", Decimal("0")),
        ("19,646.98", Decimal("19646.98")),
        ("１２３.４", Decimal("123.4")),
        ("(12.50)", Decimal("-12.50")),
        ("-12.5", Decimal("-12.5")),
    ],
)
def test_numbers_as_documents_print_them(text: str, value: Decimal) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "\u3000", "—", "-", "/", "无"])
def test_blank_marks_are_no_number(text: str) -> None:
    assert parse_amount(text) is None


def test_text_in_a_number_cell_is_an_error_not_a_guess() -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_amount("约10万")


def test_yuan_convert_to_wan_yuan_exactly() -> None:
    assert to_wan_yuan(Decimal("91016775.35"), "元") == Decimal("9101.677535")
