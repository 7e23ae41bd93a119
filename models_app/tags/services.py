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


def tag_suggestions(category: str, limit: int = 200) -> list[str]:
    """Names of tags of the category that are in use, most used first."""
    from django.db.models import Count

    return list(
        Tag.objects.filter(category=category)
        .annotate(uses=Count("models"))
        .filter(uses__gt=0)
        .order_by("-uses", "key")
        .values_list("name", flat=True)[:limit]
    )
