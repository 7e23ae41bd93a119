"""Characters no name may hold: titles, version names and tags are shown in pages, file names
and zip names, where a control character or a text-direction override (after U+202E the rest
of a name shows backwards: a zip's name can end in what reads as `.exe`) makes a name lie."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Unicode's Bidi_Control characters: embeddings, overrides, isolates and the direction marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _is_hidden(ch: str) -> bool:
    return ch in BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs")


def hidden_characters(text: str) -> list[str]:
    """The control and text-direction characters in `text`, as `U+202E`, each once."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in text or "" if _is_hidden(ch)))


def hidden_characters_message(found: list[str]) -> str:
    return _(
        "Control characters and characters that change the text direction are not allowed "
        "(found %(found)s)."
    ) % {"found": ", ".join(found)}


def refuse_hidden_characters(text: str) -> None:
    found = hidden_characters(text)
    if found:
        raise ValidationError(hidden_characters_message(found), code="hidden_characters")


def without_hidden_characters(text: str) -> str:
    """For names saved before the rule: what is shown of them, without those characters."""
    return "".join(ch for ch in text if not _is_hidden(ch))
