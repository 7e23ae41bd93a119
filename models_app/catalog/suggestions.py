"""Suggestions for the create/edit form, drawn only from models the user may see."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from models_app.tags.models import Tag, TagCategory

from .models import AIModel, KnownBaseModel

MAX_SUGGESTIONS_PER_CATEGORY = 200


def tag_suggestions(user, category: str | None = None) -> dict[str, list[str]]:
    """Per category (or for `category` alone), names of tags on models visible to `user`,
    most used first: a tag only on models hidden from them is never suggested."""
    visible = AIModel.objects.visible_to(user).values("pk")
    tags = Tag.objects.filter(models__in=visible)
    if category is not None:
        tags = tags.filter(category=category)
    rows = (
        tags.annotate(uses=Count("models"))
        .order_by("category", "-uses", "key")
        .values_list("category", "name")
    )
    categories = TagCategory.values if category is None else [category]
    suggestions: dict[str, list[str]] = {name: [] for name in categories}
    for category, name in rows:
        if len(suggestions[category]) < MAX_SUGGESTIONS_PER_CATEGORY:
            suggestions[category].append(name)
    return suggestions


BASE_MODELS_CACHE_KEY = "catalog:base-model-names"
BASE_MODELS_CACHE_SECONDS = 300


def base_model_suggestions() -> list[str]:
    """The names of the known base models. The list page and the forms show them on every
    request and an admin edits them rarely: each process keeps them a few minutes, and a
    change through the ORM clears the copy of the process that made it at once."""
    names = cache.get(BASE_MODELS_CACHE_KEY)
    if names is None:
        names = list(KnownBaseModel.objects.values_list("name", flat=True))
        cache.set(BASE_MODELS_CACHE_KEY, names, BASE_MODELS_CACHE_SECONDS)
    return names


def forget_base_model_suggestions(**kwargs):
    """At once, and again once the change is committed: another thread of this process may
    have read the old names in between."""
    cache.delete(BASE_MODELS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(BASE_MODELS_CACHE_KEY))
