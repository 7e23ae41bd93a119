"""The one rule for when two pieces of user text are "the same": titles per owner (S-1), tags
(S-13) and search (S-22) all compare NFKC-normalised, case-folded text with runs of white
space collapsed, so case, full-width forms and spacing never make a difference."""

import unicodedata


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
