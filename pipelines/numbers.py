"""Published numbers: parsing cell text into exact decimals, and units into 万元."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

BLANK_MARKS = {"", "-", "—", "–", "／", "/", "无", "——", "--"}
NUMBER = re.compile(r"^\(?-?\d+(\.\d+)?\)?$")
PERCENTAGE = re.compile(r"^-?\d+(\.\d+)?%$")
UNIT_TO_WAN = {
    "万元": Decimal(1),
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "亿元": Decimal(10000),
}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s,]", "", text)


def is_amount(text: str) -> bool:
    """True when the cell holds a number (not a blank mark such as `—` or `无`)."""
    return bool(NUMBER.match(_normalise(text)))


def parse_amount(text: str) -> Decimal | None:
    """The exact value of a published number; None for a blank cell or blank mark.

    Thousands separators, full-width digits and padding are accepted; `(12.5)` is negative.
    Raises ValueError for text that is neither a number nor a blank mark.
    """
    cleaned = _normalise(text)
    if cleaned in BLANK_MARKS:
        return None
    if not NUMBER.match(cleaned):
        raise ValueError(f"not a number: {text!r}")
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    try:
        value = Decimal(cleaned.strip("()"))
    except InvalidOperation as error:
        raise ValueError(f"not a number: {text!r}") from error
    return -value if negative else value


def is_percentage(text: str) -> bool:
    """True when the cell holds a percentage (增减率 -10.97%): a number, but not an amount."""
    return bool(PERCENTAGE.match(_normalise(text)))


def parse_percentage(text: str) -> Decimal | None:
    """The percentage a cell prints (-10.97% → -10.97), or its amount where it prints the
    number without the sign (a column headed 增减%); None for a blank cell or blank mark."""
    cleaned = _normalise(text)
    return Decimal(cleaned[:-1]) if PERCENTAGE.match(cleaned) else parse_amount(text)


def to_wan_yuan(value: Decimal, unit: str) -> Decimal:
    """Convert an amount published in `unit` to 万元, exactly."""
    return value * UNIT_TO_WAN[unit]
