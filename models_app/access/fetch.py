"""Fetching a model for a caller: 404 when they may not see it, 403 when they may not act."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .caller import as_caller
from .roles import DEFAULT_REFUSAL, REFUSALS, Action
from .rules import can
from .visibility import visible


def fetch_model(who, queryset, action: Action = Action.VIEW, **lookup):
    """The one model of `queryset` matching `lookup` if the caller may see it (else 404,
    whether or not it exists) and do `action` (else 403). `who`: a Caller or a request."""
    caller = as_caller(who)
    try:
        model = visible(queryset, caller.user).select_related("owner").get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such model.")) from exc
    if not can(caller, model, action):
        raise PermissionDenied(REFUSALS.get(action, DEFAULT_REFUSAL))
    return model
