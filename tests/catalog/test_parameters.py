import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from models_app.catalog.parameters import format_parameter_count, parse_parameter_count


@pytest.mark.parametrize(
    "text, count, shown",
    [
        ("7B", 7_000_000_000, "7B"),
        ("13b", 13_000_000_000, "13B"),
        ("1.5B", 1_500_000_000, "1.5B"),
        ("350M", 350_000_000, "350M"),
        ("70b", 70_000_000_000, "70B"),
        ("1.2T", 1_200_000_000_000, "1.2T"),
        (" 7 B ", 7_000_000_000, "7B"),
        ("125k", 125_000, "125K"),
        ("5.3M", 5_300_000, "5.3M"),
        ("7000000000", 7_000_000_000, "7B"),
    ],
)
def test_sizes_parse_and_display_normalised(text, count, shown):
    assert parse_parameter_count(text) == count
    assert format_parameter_count(count) == shown


def test_blank_size_is_none():
    assert parse_parameter_count("  ") is None


@pytest.mark.parametrize("text", ["7X", "B7", "seven", "7BB", "-7B", "0B", "1.5", "7,5B", "1e9"])
def test_garbage_is_a_form_error(text):
    with pytest.raises(ValidationError):
        parse_parameter_count(text)


@given(st.integers(1, 10**15))
def test_display_parses_back_to_about_the_same_count(count):
    shown = format_parameter_count(count)
    assert abs(parse_parameter_count(shown) - count) <= count * 0.01
