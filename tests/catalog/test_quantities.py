"""The one "number + unit" parser, and the parameter and byte sizes built on it."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from hypothesis import example, given
from hypothesis import strategies as st

from models_app.catalog.filters import BYTE_UNITS, parse_byte_size
from models_app.catalog.parameters import (
    MAX_PARAMETERS,
    format_parameter_count_exact,
    parse_parameter_count,
)
from models_app.catalog.quantities import NotAQuantity, parse_quantity

UNITS = {"": 1, "k": 1000, "Mi": 1024**2}


def numbers(max_digits=15, max_decimals=6):
    """The decimal spellings the parser admits: `7`, `0.5`, `0012.340`."""
    whole = st.text("0123456789", min_size=1, max_size=max_digits)
    fraction = st.text("0123456789", min_size=1, max_size=max_decimals)
    return st.one_of(whole, st.builds(lambda w, f: f"{w}.{f}", whole, fraction))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", None),
        ("   ", None),
        ("7", Decimal(7)),
        ("7k", Decimal(7000)),
        (" 1.5 Mi ", Decimal(1024**2 * 3 // 2)),
        ("0.001k", Decimal(1)),
    ],
)
def test_a_number_times_its_unit(text, expected):
    assert parse_quantity(text, UNITS, max_digits=4) == expected


@pytest.mark.parametrize(
    "text",
    ["k", "7K", "7mi", "7 k i", "12345", "1.1234567", "1.", ".5", "-1", "1e3", "1,5", "1.2.3"],
)
def test_anything_else_is_not_a_quantity(text):
    with pytest.raises(NotAQuantity) as info:
        parse_quantity(text, UNITS, max_digits=4)
    assert info.value.code == "invalid"


def test_the_product_is_exact_even_past_the_default_decimal_precision():
    value = parse_quantity("999999999999999.999999P", BYTE_UNITS, max_digits=15)
    assert Fraction(value) == Fraction(999999999999999999999 * 1024**5, 10**6)


@given(numbers(), st.sampled_from(sorted(UNITS)), st.sampled_from(["", " ", "  "]))
def test_every_number_and_unit_reads_back_exactly(number, unit, space):
    assert parse_quantity(f"{number}{space}{unit}", UNITS, max_digits=15) == (
        Decimal(number) * UNITS[unit]
    )


@given(st.text())
@example("٧k")
@example("7\u00a0k")
def test_arbitrary_text_is_a_quantity_or_refused(text):
    try:
        value = parse_quantity(text, UNITS, max_digits=15)
    except NotAQuantity:
        return
    assert value is None or value >= 0


@given(st.text())
@example("1ıB")  # a dotless i is no binary prefix
def test_arbitrary_text_is_a_size_or_a_form_error(text):
    for parse in (parse_parameter_count, parse_byte_size):
        try:
            value = parse(text)
        except ValidationError:
            continue
        assert value is None or (isinstance(value, int) and value >= 0)


@given(st.integers(1, MAX_PARAMETERS))
def test_the_editing_form_of_a_parameter_count_reads_back_exactly(count):
    assert parse_parameter_count(format_parameter_count_exact(count)) == count


@given(st.integers(1024, 1024**5 * 999))
def test_the_sizes_the_cards_show_read_back_to_about_the_same_bytes(size):
    shown = filesizeformat(size)
    assert abs(parse_byte_size(shown) - size) <= size * 0.05


@pytest.mark.parametrize("text", ["2KIB", "2kIB", "1ıB", "1 K B", "1KBB", "1iB"])
def test_byte_units_are_spelled_as_before(text):
    with pytest.raises(ValidationError):
        parse_byte_size(text)
