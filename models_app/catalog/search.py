"""Search text (S-22): title, description and tag names folded once, matched as a substring.

Both the stored document and the query are NFKC-normalised and case-folded in Python, so
matching is case-insensitive for every script (and full-width ＡＢＣ finds abc) on SQLite and
PostgreSQL alike; PostgreSQL serves the substring match from a pg_trgm GIN index.
"""

from models_app.folding import fold

MAX_QUERY_LENGTH = 100


def search_document(title: str, description: str, tag_names) -> str:
    """What `q` is matched against; one line per part so a match never spans two parts."""
    return "\n".join(fold(part) for part in [title, description, *sorted(tag_names)])
