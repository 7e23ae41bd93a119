"""Refuses file content to addresses outside a model's allowlist (SPEC §8).

Every view that hands out file content is marked with `@download_route`; this middleware
runs before such a view, and a test walks the URLconf so no download route goes unmarked.
As a last net, file content (a FileResponse, or a response flagged `hands_out_content`)
coming from an unmarked view under a model's `ref` raises ImproperlyConfigured (a 500)
instead of being sent.
"""

import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse
from django.shortcuts import render

from models_app.catalog.models import AIModel

from .match import address_allowed, client_address
from .parse import parse_allowlist, stored_networks

logger = logging.getLogger("modelhub.allowlist")


def download_route(view):
    """Marks a view as handing out a model's file content; its URL must capture `ref`."""
    view.download_route = True
    return view


def allowlist_exempt(view):
    """Marks a view under /models/<ref>/ that sends a file which is not one of the model's
    artifacts (its avatar, shown on every card): the allowlist guards downloads, not pictures."""
    view.allowlist_exempt = True
    return view


def is_download_route(view) -> bool:
    return getattr(view, "download_route", False)


def trusted_proxies():
    """MODELHUB_TRUSTED_PROXIES as networks; checked at start-up by AllowlistConfig.ready()."""
    return _parse_proxies(tuple(settings.TRUSTED_PROXIES))


@lru_cache(maxsize=4)
def _parse_proxies(entries: tuple[str, ...]):
    return parse_allowlist(",".join(entries), max_entries=max(len(entries), 1))


def request_client_address(request):
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies(),
    )


class DownloadAllowlistMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            hands_out_content(response)
            and _names_a_model(request)
            and not getattr(request, "allowlist_checked", False)
        ):
            # A content view that was not declared a download route: fail loudly rather
            # than hand out bytes the allowlist never saw.
            response.close()
            raise ImproperlyConfigured(
                f"{request.path} returned file content from a view not marked @download_route"
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "allowlist_exempt", False):
            request.allowlist_checked = True
            return None
        if not is_download_route(view_func):
            return None
        if "ref" not in view_kwargs:
            raise ImproperlyConfigured(
                f"Download route {request.resolver_match.view_name} does not capture `ref`."
            )
        request.allowlist_checked = True
        # Only a model the caller may see is checked here; for any other the view answers 404,
        # so a refusal never reveals that a model exists.
        allowlist = (
            AIModel.objects.visible_to(request.user)
            .filter(uuid=view_kwargs.get("ref"))
            .values_list("ip_allowlist", flat=True)
            .first()
        )
        if not allowlist:
            return None
        address = request_client_address(request)
        if address_allowed(stored_networks(allowlist), address):
            return None
        logger.warning(
            "download refused: model=%s address=%s path=%s",
            view_kwargs.get("ref"),
            address,
            request.path,
        )
        request.allowlist_refused_address = address
        _record_refusal(request, view_kwargs.get("ref"), address)
        return render(
            request,
            "allowlist/refused.html",
            {"address": address or request.META.get("REMOTE_ADDR", "")},
            status=403,
        )


def hands_out_content(response) -> bool:
    """File content: a FileResponse, or any response its view flagged `hands_out_content`
    (streamed zips, presigned redirects)."""
    return isinstance(response, FileResponse) or getattr(response, "hands_out_content", False)


def _names_a_model(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and "ref" in match.kwargs


def _record_refusal(request, ref, address):
    from models_app.audit.models import AuditAction
    from models_app.audit.services import audit_record

    model = AIModel.objects.filter(uuid=ref).first()
    audit_record(request, AuditAction.DOWNLOAD_REFUSED, model, path=request.path)
