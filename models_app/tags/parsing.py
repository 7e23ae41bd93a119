"""A tags field is a comma-separated list of names (SPEC §9)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from models_app.folding import fold

MAX_TAG_LENGTH = 50
MAX_TAGS_PER_CATEGORY = 20


# What makes two tags the same within a category (S-13).
tag_key = fold


def parse_tags(text: str, *, per_category: bool = True) -> list[str]:
    """Names in the order typed, blanks dropped, case-insensitive duplicates folded.
    `per_category` only words the limit: a version's tags (S-36) have no category."""
    names: list[str] = []
    seen: set[str] = set()
    problems: list[str] = []
    for raw in (text or "").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH or len(tag_key(name)) > 4 * MAX_TAG_LENGTH:
            problems.append(
                _("“%(tag)s…” is longer than %(max)d characters.")
                % {"tag": name[:20], "max": MAX_TAG_LENGTH}
            )
            continue
        if any(ord(ch) < 32 for ch in name):
            problems.append(_("Tags may not contain control characters."))
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
