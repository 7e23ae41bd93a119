"""The reverse proxy's X-Forwarded-Proto and X-Forwarded-Host, believed only from the proxies
that MODELHUB_TRUSTED_PROXIES names (SPEC §8): anyone else could otherwise pose as having
come over HTTPS, or make the hub build its links and redirects on a host of their choosing."""

import ipaddress

from .client import trusted_proxies
from .match import address_in_any, parse_address

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")
# With no proxy configured, a proxy on the same machine is believed, as gunicorn does by
# default (forwarded_allow_ips): what a first install behind a local nginx needs.
LOOPBACK = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


def forwarding_proxy(remote_addr: str | None) -> bool:
    """Whether a request from this peer may say which scheme and host the browser used."""
    peer = parse_address(remote_addr)
    return peer is not None and address_in_any(peer, list(trusted_proxies()) or LOOPBACK)


class ForwardedHeadersMiddleware:
    """First in MIDDLEWARE: drops the forwarded scheme and host from untrusted peers before
    SecurityMiddleware (the https redirect) or anything else reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not forwarding_proxy(request.META.get("REMOTE_ADDR")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
