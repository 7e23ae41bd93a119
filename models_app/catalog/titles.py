def title_key(title: str) -> str:
    """What makes two titles the same for one owner (S-1): case and spacing ignored."""
    return " ".join(title.split()).casefold()
