"""A tags field is a comma-separated list of names (SPEC §9)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from models_app.folding import fold
from models_app.hidden_characters import hidden_characters, hidden_characters_message

MAX_TAG_LENGTH = 50
MAX_TAGS_PER_CATEGORY = 20


# What makes two tags the same within a category (S-13).
tag_key = fold


def clean_tag_name(raw: str) -> str:
    """One tag's name with its white space squeezed ("" for a blank one), or a ValidationError
    saying why it cannot be a tag."""
    name = " ".join((raw or "").split())
    if len(name) > MAX_TAG_LENGTH or len(tag_key(name)) > 4 * MAX_TAG_LENGTH:
        raise ValidationError(
            _("“%(tag)s…” is longer than %(max)d characters.")
            % {"tag": name[:20], "max": MAX_TAG_LENGTH},
            code="max_length",
        )
    found = hidden_characters(name)
    if found:
        raise ValidationError(hidden_characters_message(found), code="hidden_characters")
    return name


def parse_tags(text: str, *, per_category: bool = True) -> list[str]:
    """A comma-separated tags field as names (`clean_tag_names`)."""
    return clean_tag_names((text or "").split(","), per_category=per_category)


def clean_tag_names(raw_names, *, per_category: bool = True) -> list[str]:
    """Names in the order given, blanks dropped, case-insensitive duplicates folded: the rule
    for the forms (through `parse_tags`) and for the services given lists of names.
    `per_category` only words the limit: a version's tags (S-36) have no category."""
    names: list[str] = []
    seen: set[str] = set()
    problems: list[str] = []
    for raw in raw_names:
        try:
            name = clean_tag_name(raw)
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        if not name:
            continue
        if tag_key(name) not in seen:
            seen.add(tag_key(name))
            names.append(name)
    if len(names) > MAX_TAGS_PER_CATEGORY:
        limit = (
            _("At most %(max)d tags per category.") if per_category else _("At most %(max)d tags.")
        )
        problems.append(limit % {"max": MAX_TAGS_PER_CATEGORY})
    if problems:
        raise ValidationError(problems)
    return names
