"""What a model card shows (S-20, S-30): one shape for the list, the detail page and the preview."""

from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace

from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from models_app.tags.models import TagCategory

from .avatars import data_url, placeholder_colour, placeholder_initial
from .dates import relative_time
from .facts import card_facts, tags_from
from .links import model_url, tag_filter_url
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
    dated: bool = True
    actions: frozenset = frozenset()
    menu: str = ""

    @property
    def parameter_size(self) -> str:
        return format_parameter_count(self.model.parameter_count)

    @property
    def placeholder_colour(self) -> int:
        return placeholder_colour(self.model.title)

    @property
    def initial(self) -> str:
        return placeholder_initial(self.model.title)

    @property
    def url(self) -> str:
        return model_url("catalog:detail", self.model)

    @property
    def edit_url(self) -> str:
        return model_url("catalog:edit", self.model)

    @property
    def delete_url(self) -> str:
        return model_url("catalog:delete", self.model)

    @cached_property
    def tags_html(self) -> str:
        """The tag groups (S-20): each tag a link to the list filtered by it, or a plain
        label on a preview. Built here rather than in template loops, as the facts are."""
        groups = []
        for label, tags in self.tag_groups:
            items = "".join(
                format_html('<a class="tag tag-{}" href="{}">{}</a>', tag.category, url, tag.name)
                if (url := getattr(tag, "filter_url", ""))
                else format_html('<span class="tag tag-{}">{}</span>', tag.category, tag.name)
                for tag in tags
            )
            groups.append(
                format_html(
                    '<div class="tag-group"><dt>{}</dt><dd>{}</dd></div>',
                    label,
                    mark_safe(items),  # noqa: S308 — items are format_html's
                )
            )
        return mark_safe("".join(groups))  # noqa: S308 — each group is format_html's

    @cached_property
    def facts(self) -> dict[str, str]:
        """The facts line (S-20), worded here: a list page shows dozens, and template tags
        (or a loop) would cost more than the rest of the card."""
        model = self.model
        versions, views, people = self.versions_count, model.view_count, self.access_count
        downloads = model.download_count
        return {
            "versions": ngettext("%(counter)s version", "%(counter)s versions", versions)
            % {"counter": versions},
            "storage": filesizeformat(model.storage_bytes),
            "views": ngettext("%(counter)s view", "%(counter)s views", views) % {"counter": views},
            "downloads": ngettext("%(counter)s download", "%(counter)s downloads", downloads)
            % {"counter": downloads},
            "people": ngettext("%(counter)s person", "%(counter)s people", people)
            % {"counter": people},
            "updated": relative_time(model.updated_at, gettext("updated %(when)s")),
        }


def avatar_url(model: AIModel) -> str:
    """The avatar through the hub (permission-checked); the file name busts caches on change."""
    if not model.avatar:
        return ""
    version = model.avatar.name.rsplit("/", 1)[-1].split(".")[0]
    return model_url("catalog:avatar", model) + f"?v={version}"


def card_for(model: AIModel, tags=None, **facts) -> ModelCard:
    """The card of a saved model; `tags` and `facts` are what the caller already read.
    Each tag links to the list filtered by it (a preview's tags do not: they are unsaved)."""
    groups = model.tags_by_category(tags)
    for _label, members in groups:
        for tag in members:
            tag.filter_url = tag_filter_url(tag.category, tag.name)
    return ModelCard(model=model, tag_groups=groups, avatar_url=avatar_url(model), **facts)


def card_from_facts(model: AIModel, facts, **extra) -> ModelCard:
    """The card of a model read with its card facts (`AIModel.objects.with_card_facts`):
    `facts` is the annotated model or a dict of the annotations."""
    get = facts.get if isinstance(facts, dict) else lambda name: getattr(facts, name, None)
    return card_for(
        model,
        tags=tags_from(get("tag_rows")),
        versions_count=get("versions_total") or 0,
        access_count=1 + (get("shares_total") or 0),
        latest_version=get("latest_version_name") or "",
        **extra,
    )


def detail_card(model: AIModel) -> ModelCard:
    """The header card of every page of one model, its counts and tags read in one query."""
    facts = AIModel.objects.with_card_facts().filter(pk=model.pk).values(*card_facts()).get()
    return card_from_facts(model, facts)


def saved_preview_card(model: AIModel) -> ModelCard:
    """What the edit page's preview shows before the first keystroke: the saved model."""
    card = detail_card(model)
    card.is_preview = True
    return card


def preview_card(
    model: AIModel,
    tags_by_category: dict[str, list[str]],
    avatar_file,
    dated: bool = False,
    latest_version: str = "",
) -> ModelCard:
    """The card of an unsaved model built from the form as typed; `latest_version` is the
    saved model's, for an edit."""
    groups = []
    for value, label in TagCategory.choices:
        names = tags_by_category.get(value) or []
        if names:
            groups.append((label, [SimpleNamespace(name=n, category=value) for n in names]))
    avatar_url = data_url(avatar_file) if avatar_file is not None else ""
    return ModelCard(
        model=model,
        tag_groups=groups,
        avatar_url=avatar_url,
        is_preview=True,
        dated=dated,
        latest_version=latest_version,
    )
