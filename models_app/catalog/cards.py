"""What a model card shows (S-20, S-30): one shape for the list, the detail page and the preview."""

import base64
from dataclasses import dataclass, field
from types import SimpleNamespace

from models_app.tags.models import TagCategory

from .avatars import placeholder_colour, placeholder_initial
from .models import AIModel
from .parameters import format_parameter_count


@dataclass
class ModelCard:
    model: AIModel
    tag_groups: list = field(default_factory=list)
    avatar_url: str = ""
    versions_count: int = 0
    access_count: int = 1
    latest_version: str = ""
    is_preview: bool = False
    actions: set = field(default_factory=set)

    @property
    def parameter_size(self) -> str:
        return format_parameter_count(self.model.parameter_count)

    @property
    def placeholder_colour(self) -> int:
        return placeholder_colour(self.model.title)

    @property
    def initial(self) -> str:
        return placeholder_initial(self.model.title)


def card_for(model: AIModel, **facts) -> ModelCard:
    """The card of a saved model; `facts` carry annotated counts where the caller has them."""
    avatar_url = model.avatar.url if model.avatar else ""
    return ModelCard(
        model=model, tag_groups=model.tags_by_category(), avatar_url=avatar_url, **facts
    )


def preview_card(model: AIModel, tags_by_category: dict[str, list[str]], avatar_file) -> ModelCard:
    """The card of an unsaved model built from the form as typed."""
    groups = []
    for value, label in TagCategory.choices:
        names = tags_by_category.get(value) or []
        if names:
            groups.append((label, [SimpleNamespace(name=n, category=value) for n in names]))
    avatar_url = ""
    if avatar_file is not None:
        avatar_url = "data:image/webp;base64," + base64.b64encode(avatar_file.read()).decode()
    return ModelCard(model=model, tag_groups=groups, avatar_url=avatar_url, is_preview=True)
