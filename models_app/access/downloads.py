"""The download check: file content goes only to callers inside the model's allowlist (SPEC §8).

Every view that hands out a model's file content is declared with `@download_route(find)`,
naming the route's own model lookup. The lookup runs once (404 / 403 as for any page), the
allowlist check reads the model it found and the caller's address worked out for the request,
and the view gets that model: one visibility query per download, whatever the route's shape
(`<uuid:ref>` today, a repository id tomorrow). `ContentGuardMiddleware` is the last net: file
content from a view that was neither declared nor exempt raises instead of being sent, and a
test walks the URLconf so a content route cannot go undeclared.
"""

import logging
from functools import wraps

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal
from django.http import FileResponse
from django.shortcuts import render

from models_app.allowlist.match import address_allowed
from models_app.allowlist.parse import stored_networks

from .caller import caller_of
from .roles import Action

logger = logging.getLogger("modelhub.allowlist")

# Sent when the allowlist refuses a download: (caller, model, path). The audit log listens.
download_refused = Signal()

_CHECKED = "download_checked"


def download_allowed(caller, model) -> bool:
    return address_allowed(stored_networks(model.ip_allowlist), caller.address)


def check_download(request, model):
    """None when the caller's address may download `model`'s files, else the 403 page naming
    that address (and the refusal is logged and announced)."""
    caller = caller_of(request)
    setattr(request, _CHECKED, True)
    if not model.ip_allowlist or download_allowed(caller, model):
        return None
    logger.warning(
        "download refused: model=%s address=%s path=%s", model.uuid, caller.address, request.path
    )
    download_refused.send(sender=check_download, caller=caller, model=model, path=request.path)
    shown = caller.address or request.META.get("REMOTE_ADDR", "")
    return render(request, "allowlist/refused.html", {"address": shown}, status=403)


def download_route(find_model):
    """Declares a view as handing out file content of the model that
    `find_model(request, action, **route_kwargs)` finds; the view is called with that model
    as `model=` besides the route's own arguments."""

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            model = find_model(request, Action.DOWNLOAD, **kwargs)
            refused = check_download(request, model)
            if refused is not None:
                return refused
            return view(request, *args, model=model, **kwargs)

        guarded.download_route = True
        return guarded

    return decorate


def allowlist_exempt(view):
    """Marks a view that sends a file which is not one of a model's artifacts (its avatar,
    shown on every card): the allowlist guards downloads, not pictures."""
    view.allowlist_exempt = True
    return view


def is_download_route(view) -> bool:
    return getattr(view, "download_route", False)


def hands_out_content(response) -> bool:
    """File content: a FileResponse, or any response its view flagged `hands_out_content`
    (streamed zips, presigned redirects)."""
    return isinstance(response, FileResponse) or getattr(response, "hands_out_content", False)


class ContentGuardMiddleware:
    """Refuses to send file content that did not pass the download check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if hands_out_content(response) and not getattr(request, _CHECKED, False):
            response.close()
            raise ImproperlyConfigured(
                f"{request.path} returned file content from a view not declared @download_route"
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "allowlist_exempt", False):
            setattr(request, _CHECKED, True)
