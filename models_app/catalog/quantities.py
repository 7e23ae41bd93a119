"""A number with an optional unit (`1.5B`, `350 M`, `2GiB`, `1024`) read against a table of
units: the one parser behind parameter sizes (S-4) and the list's byte-size filters (S-24)."""

import re
from collections.abc import Mapping
from decimal import Decimal, localcontext
from functools import cache


class NotAQuantity(ValueError):
    """The text is not a number followed by one of the table's units. Callers turn it into
    a form error worded for what they read (a parameter size, a byte size)."""

    code = "invalid"


@cache
def _pattern(max_digits: int, max_decimals: int) -> re.Pattern:
    # \S* takes whatever follows the number; only the table decides whether it is a unit.
    return re.compile(rf"(\d{{1,{max_digits}}}(?:\.\d{{1,{max_decimals}}})?)\s*(\S*)")


def parse_quantity(
    text: str, units: Mapping[str, int], *, max_digits: int, max_decimals: int = 6
) -> Decimal | None:
    """`text` as digits (at most `max_digits` before the point and `max_decimals` after it),
    optional spaces and a unit spelled exactly as a key of `units` ("" for none), times that
    unit's size; exact, never rounded. Blank → None; anything else → NotAQuantity."""
    text = (text or "").strip()
    if not text:
        return None
    match = _pattern(max_digits, max_decimals).fullmatch(text)
    if not match or match.group(2) not in units:
        raise NotAQuantity(text)
    number, unit = match.groups()
    size = units[unit]
    # The product has at most as many digits as its two factors together.
    with localcontext(prec=len(number) + len(str(size))):
        return Decimal(number) * size
