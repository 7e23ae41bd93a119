"""Slugs that name things in repository ids (`namespace/name`, as the Hugging Face client
spells them): ASCII letters, digits, `_` and `-`, at most 96 characters (SPEC §12)."""

import itertools
import uuid
from collections.abc import Callable

from django.utils.text import slugify

SLUG_MAX_LENGTH = 96


def repo_slug(text: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """`text` as Django's `slugify` transliterates it (accents dropped, other scripts lost),
    cut to `max_length`; "" when nothing is left (e.g. a Japanese title)."""
    return slugify(text or "", allow_unicode=False)[:max_length].strip("-_")


def fallback_slug(prefix: str) -> str:
    """For a text with nothing left to slug: `prefix-` and a short random id."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def first_free_slug(
    base: str, is_taken: Callable[[str], bool], *, max_length: int = SLUG_MAX_LENGTH
) -> str:
    """`base`, else `base-2`, `base-3` … the first that `is_taken` refuses, within
    `max_length` (the base is cut to leave room for the number)."""
    for number in itertools.count(1):
        suffix = "" if number == 1 else f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-_") + suffix
        if not is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")
