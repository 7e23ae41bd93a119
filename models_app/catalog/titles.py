import unicodedata

MAX_TITLE_KEY_LENGTH = 600


def title_key(title: str) -> str:
    """What makes two titles the same for one owner (S-1): case, width and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", title).split()).casefold()
