"""The list page's query (S-20…S-27): filter, sort, paginate, and turn one page into cards with
a fixed number of SQL queries whatever the page size."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.urls import reverse

from models_app.access.rules import allowed_actions, remember_role
from models_app.tags.models import TagCategory

from .cards import ModelCard, card_from_facts
from .filters import PAGE_SIZES, SORTS, ModelFilter
from .modelpage import card_menu, card_menu_parts
from .models import AIModel

# Columns a card or table row never shows: left out of the page query.
LIST_SKIPS = ("overview", "ip_allowlist", "search_text")


COUNT_AHEAD = 1000
# Up to this many matches, the page is read by the matches' ids (one key lookup each) rather
# than by walking a sort index, which costs more the rarer the matches are.
FEW_MATCHES = 300
# No list reaches this page; a larger number is treated as this one (and lands on the last).
MAX_PAGE = 100_000


class LookaheadPaginator(Paginator):
    """A paginator whose count was taken only up to `count_limit` (COUNT_AHEAD rows past the
    requested page's start).

    An exact COUNT(*) of tens of thousands of matches costs more than the whole page; past
    that point the list says "more than N" and the pages go on as the user moves forward.
    """

    def __init__(self, object_list, per_page, *, matches: int, count_limit: int):
        super().__init__(object_list, per_page)
        self.matches = matches
        self.count_limit = count_limit

    @property
    def count(self) -> int:
        return self.matches

    @property
    def count_is_exact(self) -> bool:
        return self.matches <= self.count_limit


@dataclass
class ModelList:
    filterset: ModelFilter
    page: Page
    cards: list[ModelCard]
    menu_disabled: str


def _card(model: AIModel, user, menu_entries, next_param: str) -> ModelCard:
    if hasattr(model, "my_role"):
        remember_role(model, user, model.my_role)
    card = card_from_facts(model, model, actions=allowed_actions(user, model))
    card.menu = card_menu(card, menu_entries, next_param)
    return card


def _count_limit(requested_page, per_page: int) -> int:
    try:
        start = (min(max(int(requested_page), 1), MAX_PAGE) - 1) * per_page
    except (TypeError, ValueError, OverflowError):
        start = 0
    return start + COUNT_AHEAD


def _matches(filterset: ModelFilter, user, count_limit: int) -> tuple[int, list[int]]:
    """How many models match, counted up to `count_limit` + 1, and, when they are at most
    FEW_MATCHES, their ids in no order. One query; without a filter it reads the visibility
    indexes alone."""
    if filterset.narrows():
        ids = filterset.qs.order_by().values_list("pk", flat=True)
    else:
        ids = AIModel.objects.visible_ids(user)
    try:
        sql, params = ids[: count_limit + 1].query.sql_with_params()
    except EmptyResultSet:
        return 0, []
    # The count rides on each row, so only the ids that may be used travel. `sql` is
    # Django's own compiled query, its values passed apart as `params`.
    with connections[ids.db].cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) OVER (), matches.* FROM ({sql}) matches LIMIT %s",  # noqa: S608
            (*params, FEW_MATCHES + 1),
        )
        rows = cursor.fetchall()
    return (rows[0][0] if rows else 0), [row[1] for row in rows]


def _sorted_matches(filterset: ModelFilter, user, count: int, ids: list[int], count_limit: int):
    """The matches' ids in the list's order, phrased for what PostgreSQL does fastest: few
    matches by the ids just found; many by walking the sort's index, each id tested against
    the user's owned and shared ids hashed, until the page is full."""
    if count <= min(count_limit, FEW_MATCHES):
        # The ids come from this request's visibility-scoped count: a share revoked since
        # then is as if revoked just after the request, as for any page. Testing visibility
        # again here was measured at 1.5–2 ms.
        matches = AIModel.objects.filter(pk__in=ids)
    else:
        matches = filterset.filter_queryset(AIModel.objects.visible_to(user, scan_in_order=True))
    return matches.order_by(*filterset.ordering).values("pk")


class PageOfIds:
    """What the paginator cuts a page from. A page's ids come first — from the sort's index
    alone where PostgreSQL can, without reading a row it will not show — and then only those
    rows, with their card facts: one query ("deferred join")."""

    def __init__(self, sorted_ids, rows, ordering):
        self.sorted_ids, self.rows, self.ordering = sorted_ids, rows, ordering

    def __getitem__(self, window: slice):
        return self.rows.filter(pk__in=self.sorted_ids[window]).order_by(*self.ordering)


def model_list(request) -> ModelList:
    user = request.user
    filterset = ModelFilter(request.GET, queryset=AIModel.objects.visible_to(user), request=request)
    filterset.is_valid()  # malformed parameters are reported and left out, never fatal
    requested = request.GET.get("page")
    count_limit = _count_limit(requested, filterset.page_size)
    count, ids = _matches(filterset, user, count_limit)
    # The rows are read only by the ids of a page of visible matches.
    rows = AIModel.objects.defer(*LIST_SKIPS).with_card_facts(user)
    sorted_ids = _sorted_matches(filterset, user, count, ids, count_limit)
    paginator = LookaheadPaginator(
        PageOfIds(sorted_ids, rows, filterset.ordering),
        filterset.page_size,
        matches=count,
        count_limit=count_limit,
    )
    page = paginator.get_page(requested)
    page.object_list = list(page.object_list)
    menu_disabled, menu_entries = card_menu_parts(request)
    next_param = _next_param(request)
    cards = [_card(m, user, menu_entries, next_param) for m in page.object_list]
    return ModelList(filterset, page, cards, menu_disabled)


def _next_param(request) -> str:
    """`next=` this list page, for links that come back to it (the delete page)."""
    return urlencode({"next": request.get_full_path()})


def query_without(params, *names, **changes) -> str:
    """The query string of `params` with `names` removed, `changes` applied, blanks dropped."""
    kept = [(k, v) for k in params for v in params.getlist(k) if v and k not in names]
    kept = [(k, v) for k, v in kept if k not in changes]
    kept += [(k, v) for k, v in changes.items() if v not in (None, "")]
    return urlencode(kept)


def page_range(page: Page) -> list:
    """Page numbers to link, elided; without an exact count the last page is not known."""
    paginator = page.paginator
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    if paginator.count_is_exact:
        return numbers
    ahead = [n for n in numbers if n == paginator.ELLIPSIS or n <= page.number + 2]
    return [*ahead, paginator.ELLIPSIS] if ahead[-1] != paginator.ELLIPSIS else ahead


@dataclass
class FilterInput:
    """One filter control as the template draws it (plain HTML: cheaper than form widgets)."""

    name: str
    label: str
    value: str
    input_type: str = "text"
    placeholder: str = ""
    options: list | None = None
    datalist: str = ""
    invalid: bool = False
    # A tag filter: its category, and where its suggestions come from (shown as chips).
    tag_category: str = ""
    suggest_url: str = ""


def filter_inputs(filterset: ModelFilter, skip=("q", "sort")) -> list[FilterInput]:
    form = filterset.form
    inputs = []
    for name in filterset.filters:
        if name in skip:
            continue
        field = form.fields[name]
        attrs = field.widget.attrs
        options = None
        if hasattr(field, "choices"):
            options = [(value, str(label)) for value, label in field.choices]
        is_tag = name in TagCategory.values
        inputs.append(
            FilterInput(
                name=name,
                label=str(field.label),
                value=str(filterset.data.get(name, "")),
                input_type=attrs.get("type", "text"),
                placeholder=attrs.get("placeholder", ""),
                options=options,
                datalist=attrs.get("list", ""),
                invalid=name in form.errors,
                tag_category=name if is_tag else "",
                suggest_url=reverse("catalog:tag_suggestions", args=[name]) if is_tag else "",
            )
        )
    return inputs


def list_context(request, listing: ModelList) -> dict:
    """What the list templates draw: the page, its cards, the filter panel, the chips of the
    filters in effect with their remove links, the notices of ignored parameters."""
    filterset = listing.filterset
    params = request.GET
    errors = filterset.form.errors
    return {
        "filter": filterset,
        "page": listing.page,
        "page_range": page_range(listing.page),
        "cards": listing.cards,
        "view": filterset.view,
        "filter_inputs": filter_inputs(filterset),
        "sort_options": [(key, str(label)) for key, (label, _) in SORTS.items()],
        "menu_disabled": listing.menu_disabled,
        "next_param": _next_param(request),
        "page_sizes": PAGE_SIZES,
        "page_size": filterset.page_size,
        "ignored": filterset.ignored(),
        "chips": [
            (label, value, query_without(params, name, "page"))
            for name, label, value in filterset.active_filters()
        ],
        "filtered": any(params.get(name) for name in filterset.filters if name != "sort"),
        "clear_query": query_without(
            params,
            *filterset.filters,
            *errors,
            "page",
            sort=None if "sort" in errors else params.get("sort"),
        ),
        "page_query": query_without(params, "page"),
    }
