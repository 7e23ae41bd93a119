"""The list's state (S-22…S-27): search, filters, sort, page size and view, all from the URL.

A malformed value never fails the page: its field reports an error (shown as a notice) and
is left out, the rest still applies, and sort, page size and view fall back to defaults.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from models_app.access.visibility import granted_ids
from models_app.tags.models import Tag, TagCategory
from models_app.tags.parsing import tag_key

from .models import AIModel
from .parameters import parse_parameter_count
from .quantities import NotAQuantity, parse_quantity
from .search import MAX_QUERY_LENGTH

PAGE_SIZES = [4, 8, 12, 24, 48]
DEFAULT_PAGE_SIZE = 12
DEFAULT_SORT = "-updated"
VIEWS = [("cards", gettext_lazy("Cards")), ("table", gettext_lazy("Table"))]


def _order(field, descending, nulls=False):
    """Sort by `field` then id; a model without a parameter size goes last either way."""
    if descending:
        return (F(field).desc(nulls_last=True) if nulls else F(field).desc(), F("id").desc())
    return (F(field).asc(nulls_last=True) if nulls else F(field).asc(), F("id").asc())


SORTS = {
    "-updated": (gettext_lazy("Last updated, newest first"), _order("updated_at", True)),
    "updated": (gettext_lazy("Last updated, oldest first"), _order("updated_at", False)),
    "-storage": (gettext_lazy("Storage size, largest first"), _order("storage_bytes", True)),
    "storage": (gettext_lazy("Storage size, smallest first"), _order("storage_bytes", False)),
    "-parameters": (
        gettext_lazy("Parameters, most first"),
        _order("parameter_count", True, nulls=True),
    ),
    "parameters": (
        gettext_lazy("Parameters, fewest first"),
        _order("parameter_count", False, nulls=True),
    ),
    "name": (gettext_lazy("Name, A to Z"), _order("title_key", False)),
    "-name": (gettext_lazy("Name, Z to A"), _order("title_key", True)),
    "-created": (gettext_lazy("Created, newest first"), _order("created_at", True)),
    "created": (gettext_lazy("Created, oldest first"), _order("created_at", False)),
    "-views": (gettext_lazy("Views, most first"), _order("view_count", True)),
    "-downloads": (gettext_lazy("Downloads, most first"), _order("download_count", True)),
}

# 1 KB = 1024 bytes, as the cards show sizes; the unit letter in either case, alone or with
# B (`MB`), or as a binary prefix (`MiB`); B or nothing for bytes.
_BINARY_PREFIXES = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5}
BYTE_UNITS = {"": 1, "B": 1, "b": 1} | {
    letter + suffix: size
    for prefix, size in _BINARY_PREFIXES.items()
    for letter in (prefix, prefix.lower())
    for suffix in ("", "B", "b", "iB", "ib")
}


def parse_byte_size(text: str) -> int | None:
    """`500MB`, `1.5 GB`, `2GiB`, `1024` → bytes (a fraction of a byte is dropped)."""
    text = (text or "").strip()
    try:
        size = parse_quantity(text, BYTE_UNITS, max_digits=15)
    except NotAQuantity as exc:
        raise ValidationError(
            _("“%(value)s” is not a size. Write a number with B, KB, MB, GB or TB, e.g. 500MB.")
            % {"value": text[:40]},
            code="invalid",
        ) from exc
    return None if size is None else int(size)


class ParameterSizeField(forms.CharField):
    def clean(self, value):
        return parse_parameter_count(super().clean(value))


class ByteSizeField(forms.CharField):
    def clean(self, value):
        return parse_byte_size(super().clean(value))


class ParameterSizeFilter(django_filters.Filter):
    field_class = ParameterSizeField


class ByteSizeFilter(django_filters.Filter):
    field_class = ByteSizeField


class ListForm(forms.Form):
    """The parts of the state that are not filters: how many per page and how to show them."""

    page_size = forms.TypedChoiceField(
        label=gettext_lazy("Per page"),
        choices=[(n, n) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )
    view = forms.ChoiceField(label=gettext_lazy("View"), choices=VIEWS, required=False)


def _text(label, **attrs):
    return {"label": label, "widget": forms.TextInput(attrs={"autocomplete": "off", **attrs})}


class ModelFilter(django_filters.FilterSet):
    """Every filter of the list page (S-24); `request.user` scopes "mine" and "shared"."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=gettext_lazy("Search"),
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    base_model = django_filters.CharFilter(
        field_name="base_model",
        lookup_expr="iexact",
        **_text(gettext_lazy("Base model"), list="filter-base-models"),
    )
    framework = django_filters.CharFilter(method="filter_tag", **_text(TagCategory.FRAMEWORK.label))
    architecture = django_filters.CharFilter(
        method="filter_tag", **_text(TagCategory.ARCHITECTURE.label)
    )
    domain = django_filters.CharFilter(method="filter_tag", **_text(TagCategory.DOMAIN.label))
    task = django_filters.CharFilter(method="filter_tag", **_text(TagCategory.TASK.label))
    other = django_filters.CharFilter(method="filter_tag", **_text(TagCategory.OTHER.label))
    params_min = ParameterSizeFilter(
        field_name="parameter_count",
        lookup_expr="gte",
        **_text(gettext_lazy("Parameters from"), placeholder="1B"),
    )
    params_max = ParameterSizeFilter(
        field_name="parameter_count",
        lookup_expr="lte",
        **_text(gettext_lazy("Parameters up to"), placeholder="70B"),
    )
    storage_min = ByteSizeFilter(
        field_name="storage_bytes",
        lookup_expr="gte",
        **_text(gettext_lazy("Storage from"), placeholder="100MB"),
    )
    storage_max = ByteSizeFilter(
        field_name="storage_bytes",
        lookup_expr="lte",
        **_text(gettext_lazy("Storage up to"), placeholder="10GB"),
    )
    owner = django_filters.CharFilter(
        field_name="owner__email",
        lookup_expr="iexact",
        **_text(gettext_lazy("Owner (e-mail)"), type="email"),
    )
    scope = django_filters.ChoiceFilter(
        method="filter_scope",
        label=gettext_lazy("Whose"),
        empty_label=gettext_lazy("All I can see"),
        choices=[("mine", gettext_lazy("Mine")), ("shared", gettext_lazy("Shared with me"))],
    )
    sort = django_filters.ChoiceFilter(
        method="filter_sort",
        label=gettext_lazy("Sort by"),
        empty_label=None,
        choices=[(key, sort[0]) for key, sort in SORTS.items()],
    )

    class Meta:
        model = AIModel
        fields = []
        form = ListForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tag ids by (category, names): filter_queryset may run twice (the list phrases
        # visibility two ways), the lookup once.
        self._tag_ids = {}

    def get_form_class(self):
        """One form class for every list request (the fields never depend on the request);
        each form still gets its own copy of the fields."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, value in data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by(*self.ordering)

    def narrows(self) -> bool:
        """Whether any filter in effect leaves out some of the models the user can see."""
        data = self.form.cleaned_data
        return any(data.get(name) not in (None, "") for name in self.filters if name != "sort")

    @property
    def ordering(self) -> tuple:
        return SORTS[self.sort_key][1]

    @property
    def sort_key(self) -> str:
        return (self.form.cleaned_data.get("sort") if self.is_bound else None) or DEFAULT_SORT

    @property
    def page_size(self) -> int:
        return self.form.cleaned_data.get("page_size") or DEFAULT_PAGE_SIZE

    @property
    def view(self) -> str:
        return self.form.cleaned_data.get("view") or "cards"

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_tag(self, queryset, name, value):
        """Models carrying every tag named (comma-separated) in this category. The tag ids
        are looked up first so PostgreSQL plans with the real frequency of each tag."""
        keys = frozenset(tag_key(part) for part in value.split(",") if part.strip())
        if (name, keys) not in self._tag_ids:
            tags = Tag.objects.filter(category=name, key__in=keys)
            self._tag_ids[name, keys] = list(tags.values_list("pk", flat=True))
        ids = self._tag_ids[name, keys]
        if len(ids) < len(keys):
            return queryset.none()
        through = AIModel.tags.through
        for tag_id in ids:
            queryset = queryset.filter(
                pk__in=through.objects.filter(tag_id=tag_id).values("aimodel_id")
            )
        return queryset

    def filter_scope(self, queryset, name, value):
        user = self.request.user
        if value == "mine":
            return queryset.filter(owner=user)
        return queryset.filter(pk__in=granted_ids(user))

    def filter_sort(self, queryset, name, value):
        return queryset

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(parameter, label, value shown) of each filter in effect, for the chips."""
        if not self.is_bound:
            return []
        active = []
        for name, value in self.form.cleaned_data.items():
            if name in ("q", "sort") or name not in self.filters or value in (None, ""):
                continue
            shown = self.data.get(name, "")
            if isinstance(self.filters[name], django_filters.ChoiceFilter):
                shown = dict(self.form.fields[name].choices).get(value, value)
            active.append((name, self.filters[name].label, shown))
        return active

    def ignored(self) -> list[str]:
        """One message per malformed parameter that was left out."""
        return [
            _("%(field)s: %(error)s (ignored)")
            % {"field": self.form.fields[name].label, "error": " ".join(errors)}
            for name, errors in self.form.errors.items()
        ]


def register_list_filter(name: str, list_filter: django_filters.Filter) -> None:
    """Adds a filter drawn from another app's data to the list (versions adds "has a version
    that is"), placed before the sort; from an AppConfig.ready(), before the first request."""
    filters = dict(ModelFilter.base_filters)
    filters.pop(name, None)
    sort = filters.pop("sort")
    ModelFilter.base_filters = {**filters, name: list_filter, "sort": sort}
    if "_form_class" in ModelFilter.__dict__:
        del ModelFilter._form_class
