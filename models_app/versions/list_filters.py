"""The list's "has a version that is" filter (S-24), added to the catalog's list filters."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .models import ModelVersion, VersionStatus


def _with_status(queryset, name, value):
    versions = ModelVersion.objects.filter(model=OuterRef("pk"), status=value)
    return queryset.filter(Exists(versions))


def status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        method=_with_status,
        label=_("Has a version that is"),
        empty_label=_("Any"),
        choices=VersionStatus.choices,
    )
