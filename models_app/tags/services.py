from .models import Tag
from .parsing import tag_key


def tags_get_or_create(category: str, names: list[str]) -> list[Tag]:
    """The tags of a category by name, creating those that are new; the first spelling wins."""
    keys = {tag_key(n): n for n in names}
    existing = {t.key: t for t in Tag.objects.filter(category=category, key__in=keys)}
    for key, name in keys.items():
        if key not in existing:
            existing[key], _ = Tag.objects.get_or_create(
                category=category, key=key, defaults={"name": name}
            )
    return [existing[k] for k in keys]
