"""The client's address of a request, believing X-Forwarded-For only from trusted proxies."""

from functools import lru_cache

from django.conf import settings

from .match import Address, client_address
from .parse import parse_allowlist

__all__ = ["Address", "request_client_address", "request_client_ip", "trusted_proxies"]


def trusted_proxies():
    """MODELHUB_TRUSTED_PROXIES as networks; checked at start-up by AllowlistConfig.ready()."""
    return _parse_proxies(tuple(settings.TRUSTED_PROXIES))


@lru_cache(maxsize=4)
def _parse_proxies(entries: tuple[str, ...]):
    return parse_allowlist(",".join(entries), max_entries=max(len(entries), 1))


def request_client_address(request) -> Address | None:
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies(),
    )


def request_client_ip(request) -> str | None:
    """The same address as text: what sign-in throttling (django-axes) counts failures by, so
    a forged X-Forwarded-For cannot dodge it."""
    address = request_client_address(request)
    return str(address) if address is not None else None
