import pytest
from django.core.exceptions import ValidationError

from models_app.catalog.filters import parse_byte_size
from models_app.catalog.search import fold, search_document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("0", 0),
        ("1024", 1024),
        ("500B", 500),
        ("1KB", 1024),
        ("1.5 GB", 3 * 1024**3 // 2),
        ("2GiB", 2 * 1024**3),
        ("10mb", 10 * 1024**2),
        ("1T", 1024**4),
    ],
)
def test_byte_sizes_are_read_in_the_units_the_cards_show(text, expected):
    assert parse_byte_size(text) == expected


@pytest.mark.parametrize("text", ["lots", "-1", "1.2.3GB", "5 XB", "1e9"])
def test_a_malformed_byte_size_is_an_error(text):
    with pytest.raises(ValidationError):
        parse_byte_size(text)


def test_folding_ignores_case_width_and_spacing():
    assert fold("  ＰｙＴｏｒｃｈ   Model ") == "pytorch model"


def test_the_search_document_keeps_each_part_on_its_own_line():
    assert search_document("Title", "Desc", ["b", "A"]) == "title\ndesc\na\nb"
