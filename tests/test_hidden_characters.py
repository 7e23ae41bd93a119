"""Titles, version names and tags refuse control and text-direction characters."""

import pytest
from django.core.exceptions import ValidationError

from models_app.catalog.fields import clean_title
from models_app.hidden_characters import hidden_characters, without_hidden_characters
from models_app.tags.parsing import parse_tags
from models_app.versions.rules import clean_version_name

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
HIDDEN = [
    "\u202e",
    "\u202d",
    "\u202a",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u061c",
    "\x00",
    "\x1b",
    "\x7f",
    "\x9b",
]


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("rule", [clean_title, clean_version_name, parse_tags])
def test_each_name_rule_refuses_the_character_by_its_code_point(rule, hidden):
    with pytest.raises(ValidationError) as refused:
        rule(f"model{hidden}piz.exe")
    message = " ".join(refused.value.messages)
    assert f"U+{ord(hidden):04X}" in message
    assert "not allowed" in message


@pytest.mark.parametrize(
    "name",
    ["日本語のモデル", "مدل\u200cها", "👨\u200d👩\u200d👧 family", "Ünïcödé", "עברית model"],
)
def test_titles_in_any_script_still_pass(name):
    assert clean_title(name) == name
    assert parse_tags(name) == [name]


def test_each_character_is_named_once():
    assert hidden_characters("a\u202eb\u202ec\x00") == ["U+202E", "U+0000"]


def test_a_name_saved_before_the_rule_is_shown_without_them():
    assert without_hidden_characters(f"model{RIGHT_TO_LEFT_OVERRIDE}piz.exe") == "modelpiz.exe"
