"""Refuses file content to addresses outside a model's allowlist (SPEC §8).

Every view that hands out file content is marked with `@download_route`; this middleware
runs before such a view, and a test walks the URLconf so no download route goes unmarked.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render

from models_app.catalog.models import AIModel

from .match import address_allowed, client_address
from .parse import parse_allowlist, stored_networks

logger = logging.getLogger("modelhub.allowlist")


def download_route(view):
    """Marks a view as handing out a model's file content; its URL must capture `ref`."""
    view.download_route = True
    return view


def is_download_route(view) -> bool:
    return getattr(view, "download_route", False)


def trusted_proxies():
    """MODELHUB_TRUSTED_PROXIES as networks; checked at start-up by AllowlistConfig.ready()."""
    entries = settings.TRUSTED_PROXIES
    cached = _proxy_cache.get("networks")
    if cached is None or cached[0] != entries:
        networks = parse_allowlist(",".join(entries), max_entries=max(len(entries), 1))
        cached = _proxy_cache["networks"] = (list(entries), networks)
    return cached[1]


_proxy_cache: dict = {}


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
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_download_route(view_func):
            return None
        if "ref" not in view_kwargs:
            raise ImproperlyConfigured(
                f"Download route {request.resolver_match.view_name} does not capture `ref`."
            )
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
        return render(
            request,
            "allowlist/refused.html",
            {"address": address or request.META.get("REMOTE_ADDR", "")},
            status=403,
        )
