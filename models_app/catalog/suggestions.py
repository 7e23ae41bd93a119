"""Suggestions for the create/edit form, drawn only from models the user may see."""

from django.db.models import Count

from models_app.tags.models import Tag, TagCategory

from .models import AIModel, BaseModel

MAX_SUGGESTIONS_PER_CATEGORY = 200


def tag_suggestions(user) -> dict[str, list[str]]:
    """Per category, names of tags on models visible to `user`, most used first."""
    visible = AIModel.objects.visible_to(user).values("pk")
    rows = (
        Tag.objects.filter(models__in=visible)
        .annotate(uses=Count("models"))
        .order_by("category", "-uses", "key")
        .values_list("category", "name")
    )
    suggestions: dict[str, list[str]] = {category: [] for category in TagCategory.values}
    for category, name in rows:
        if len(suggestions[category]) < MAX_SUGGESTIONS_PER_CATEGORY:
            suggestions[category].append(name)
    return suggestions


def base_model_suggestions() -> list[str]:
    return list(BaseModel.objects.values_list("name", flat=True))
