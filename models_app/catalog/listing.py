"""The list page's query (S-20…S-27): filter, sort, paginate, and turn one page into cards with
a fixed number of SQL queries whatever the page size."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Subquery

from models_app.sharing.policy import allowed_actions

from .cards import ModelCard, card_for
from .filters import ModelFilter
from .models import AIModel

ROLE_CACHE = "_roles"
# Columns a card or table row never shows: left out of the page query.
LIST_SKIPS = ("overview", "ip_allowlist", "search_text")


@dataclass
class ModelList:
    filterset: ModelFilter
    page: Page
    cards: list[ModelCard]


def _with_my_role(queryset, user):
    """Annotates the user's share role so the ⋮ menu asks the policy without a query per card."""
    if user.is_superuser:
        return queryset
    shares = apps.get_model("sharing", "Share").objects.filter(model=OuterRef("pk"), user=user)
    return queryset.annotate(my_role=Subquery(shares.values("role")[:1]))


def _card(model: AIModel, user) -> ModelCard:
    if hasattr(model, "my_role"):
        model.__dict__.setdefault(ROLE_CACHE, {})[user.pk] = model.my_role
    return card_for(
        model,
        versions_count=model.versions_total,
        access_count=1 + model.shares_total,
        latest_version=model.latest_version_name or "",
        actions=allowed_actions(user, model),
    )


def model_list(request) -> ModelList:
    user = request.user
    filterset = ModelFilter(request.GET, queryset=AIModel.objects.visible_to(user), request=request)
    queryset = _with_my_role(
        filterset.qs.select_related("owner")
        .defer(*LIST_SKIPS)
        .prefetch_related("tags")
        .with_card_facts(),
        user,
    )
    page = Paginator(queryset, filterset.page_size).get_page(request.GET.get("page"))
    return ModelList(filterset, page, [_card(m, user) for m in page.object_list])


def query_without(params, *names, **changes) -> str:
    """The query string of `params` with `names` removed, `changes` applied, blanks dropped."""
    kept = [(k, v) for k in params for v in params.getlist(k) if v and k not in names]
    kept = [(k, v) for k, v in kept if k not in changes]
    kept += [(k, v) for k, v in changes.items() if v not in (None, "")]
    return urlencode(kept)
