"""The rules of a version's fields (S-36), written once for the form and the services."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from models_app.hidden_characters import refuse_hidden_characters

NAME_PATTERN = re.compile(r"^[\w.+-]+\Z")
RESERVED_NAMES = {"new", ".", ".."}
MAX_NAME_LENGTH = 100


def clean_version_name(name: str) -> str:
    """The identifier trimmed; empty means "the next v{n}"."""
    name = (name or "").strip()
    if not name:
        return ""
    refuse_hidden_characters(name)
    if (
        len(name) > MAX_NAME_LENGTH
        or not NAME_PATTERN.match(name)
        or name.lower() in RESERVED_NAMES
    ):
        raise ValidationError(
            _("“%(name)s” is not a valid identifier: use letters, digits, “.”, “_”, “+” and “-”.")
            % {"name": name},
            code="invalid",
        )
    return name
