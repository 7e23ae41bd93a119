"""Parameter size (S-4): `7B`, `13b`, `1.5B`, `350M`, `1.2T` ↔ an integer count."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .quantities import NotAQuantity, parse_quantity

UNITS = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
# What may be typed: the units above in either case.
_SPELLINGS = UNITS | {unit.lower(): size for unit, size in UNITS.items()}
MAX_PARAMETERS = 10**15


def parse_parameter_count(text: str) -> int | None:
    """The parameter count typed as digits with an optional unit K, M, B or T; blank → None."""
    text = (text or "").strip()
    try:
        count = parse_quantity(text, _SPELLINGS, max_digits=16)
    except NotAQuantity as exc:
        raise ValidationError(
            _(
                "“%(value)s” is not a parameter size. "
                "Write a number with K, M, B or T, e.g. 7B, 1.5B, 350M."
            )
            % {"value": text[:40]},
            code="invalid",
        ) from exc
    if count is None:
        return None
    if count != count.to_integral_value():
        raise ValidationError(
            _("“%(value)s” is not a whole number of parameters.") % {"value": text}, code="fraction"
        )
    if not 0 < count <= MAX_PARAMETERS:
        raise ValidationError(
            _("The parameter size must be more than 0 and at most 1000T."), code="range"
        )
    return int(count)


def format_parameter_count(count: int | None) -> str:
    """The normalised form shown to users: 7000000000 → `7B`, 1500000000 → `1.5B`."""
    if not count:
        return ""
    for unit in ("T", "B", "M", "K"):
        if count >= UNITS[unit]:
            value = Decimal(count) / UNITS[unit]
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(count)


def format_parameter_count_exact(count: int | None) -> str:
    """The shortest form that parses back to exactly `count` (for editing: 1234567891 →
    `1234.567891M`), so saving an untouched form never changes the stored count."""
    if not count:
        return ""
    for unit in ("T", "B", "M", "K"):
        value = Decimal(count) / UNITS[unit]
        if value >= 1 and -value.normalize().as_tuple().exponent <= 6:
            text = f"{value.normalize():f}"
            return f"{text}{unit}"
    return str(count)
