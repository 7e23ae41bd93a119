"""OpenAI-compatible upstreams (runtime `openai`): where they may point and how to reach them.

Where the hub itself connects is the operator's choice (SPEC §7): `MODELHUB_UPSTREAM_ALLOWED`
lists URL prefixes (`https://gpu.example.com/`: that host, under that path, whatever it
resolves to) and CIDRs (`10.0.0.0/8`: any host whose every address is inside). The form
checks the URL when it is saved; `upstream_client` checks again when it connects, on the
address it is about to connect to, so a DNS answer that changed since, a redirect (never
followed) or a proxy variable (never read) cannot lead elsewhere.
"""

import ipaddress
import os
import socket
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .secrets import decrypt_secret

DEFAULT_PORTS = {"http": 80, "https": 443}
# An upstream key read from the environment must be named so: a model editor must not be able
# to send the hub's own secrets (DJANGO_SECRET_KEY, AWS_SECRET_ACCESS_KEY…) to an upstream.
KEY_ENV_PREFIX = "MODELHUB_UPSTREAM_KEY_"


class UpstreamRefused(Exception):
    """The URL or the address it resolves to is outside MODELHUB_UPSTREAM_ALLOWED; the
    message says why, for the form or the gateway's error."""


@dataclass(frozen=True)
class Allowed:
    prefixes: tuple[SplitResult, ...]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _port(parts: SplitResult) -> int:
    return parts.port or DEFAULT_PORTS.get(parts.scheme, 0)


@lru_cache(maxsize=8)
def _parse_allowed(entries: tuple[str, ...]) -> Allowed:
    prefixes, networks = [], []
    for entry in (e.strip() for e in entries):
        if not entry:
            continue
        if "://" in entry:
            parts = urlsplit(entry)
            if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
                raise ImproperlyConfigured(f"MODELHUB_UPSTREAM_ALLOWED: bad URL prefix {entry!r}")
            prefixes.append(parts)
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"MODELHUB_UPSTREAM_ALLOWED: {entry!r} is neither a URL prefix nor a CIDR"
            ) from exc
    return Allowed(tuple(prefixes), tuple(networks))


def allowed() -> Allowed:
    return _parse_allowed(tuple(settings.MODELHUB_UPSTREAM_ALLOWED))


def _under_prefix(parts: SplitResult, prefix: SplitResult) -> bool:
    if (parts.scheme, parts.hostname, _port(parts)) != (
        prefix.scheme,
        prefix.hostname,
        _port(prefix),
    ):
        return False
    base = prefix.path.rstrip("/")
    path = parts.path or "/"
    return path == base or path.startswith(base + "/")


def normalise_upstream_url(url: str) -> str:
    """The base URL the gateway adds `/v1/…` to: the URL as typed, without a trailing slash
    or `/v1` (both `http://host:8000` and `http://host:8000/v1/` are accepted). Raises
    UpstreamRefused for what is not a plain http(s) URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise UpstreamRefused(_("The upstream URL must be an http:// or https:// URL."))
    if parts.username or parts.password:
        raise UpstreamRefused(
            _("Put the upstream key in its own field, not in the URL (user:password@).")
        )
    if parts.query or parts.fragment:
        raise UpstreamRefused(_("The upstream URL must not have a query (?…) or fragment (#…)."))
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as exc:
        raise UpstreamRefused(_("The upstream URL's port is not valid.")) from exc
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return f"{parts.scheme}://{parts.netloc}{path}"


def _resolve(host: str, port: int) -> list[str]:
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UpstreamRefused(
            _("The upstream host %(host)s does not resolve.") % {"host": host}
        ) from exc
    # getaddrinfo may add a scope to a link-local IPv6 address ("fe80::1%eth0").
    return list(dict.fromkeys(info[4][0].split("%")[0] for info in infos))


def _in_networks(address: str, networks) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def check_upstream_url(url: str) -> str:
    """The normalised base URL if the hub may call it, else UpstreamRefused with the reason
    (the deploy form shows it). A URL under an allowed prefix is allowed by name; any other
    must resolve only to addresses inside the allowed CIDRs."""
    base = normalise_upstream_url(url)
    parts = urlsplit(base)
    rules = allowed()
    if any(_under_prefix(parts, prefix) for prefix in rules.prefixes):
        return base
    for address in _resolve(parts.hostname, _port(parts)):
        if not _in_networks(address, rules.networks):
            raise UpstreamRefused(
                _(
                    "The upstream %(host)s (%(address)s) is not in MODELHUB_UPSTREAM_ALLOWED; "
                    "the operator decides where the hub may connect."
                )
                % {"host": parts.hostname, "address": address}
            )
    return base


def connect_addresses(base_url: str, host: str, port: int) -> list[str]:
    """The addresses a connection to `host:port` for the upstream `base_url` may go to, at
    the moment of connecting; UpstreamRefused when there is none."""
    parts = urlsplit(base_url)
    if (host.lower(), port) != (parts.hostname, _port(parts)):
        raise UpstreamRefused(_("The upstream tried to send the hub to another host."))
    rules = allowed()
    addresses = _resolve(host, port)
    if any(_under_prefix(parts, prefix) for prefix in rules.prefixes):
        return addresses
    inside = [a for a in addresses if _in_networks(a, rules.networks)]
    if not inside:
        raise UpstreamRefused(
            _("The upstream %(host)s resolves to %(addresses)s, outside MODELHUB_UPSTREAM_ALLOWED.")
            % {"host": host, "addresses": ", ".join(addresses)}
        )
    return inside


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, base_url: str):
        self.base_url = base_url

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in connect_addresses(self.base_url, host, port):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error


class _AsyncGuardedBackend(httpcore.AnyIOBackend):
    def __init__(self, base_url: str):
        self.base_url = base_url

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in connect_addresses(self.base_url, host, port):
            try:
                return await super().connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, base_url: str, **kwargs):
        super().__init__(trust_env=False, **kwargs)
        # httpx has no parameter for the network backend; the pool it built is replaced by
        # the same pool connecting through the guard (TLS still names the upstream's host).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_GuardedBackend(base_url),
        )


class _AsyncGuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, base_url: str, **kwargs):
        super().__init__(trust_env=False, **kwargs)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            network_backend=_AsyncGuardedBackend(base_url),
        )


def upstream_client(base_url: str, *, timeout: float = 30.0) -> httpx.Client:
    """An httpx client for the upstream at `base_url` that connects only where
    MODELHUB_UPSTREAM_ALLOWED allows (checked at each new connection), never follows a
    redirect and reads no proxy settings. A refused connection raises UpstreamRefused."""
    return httpx.Client(
        transport=_GuardedTransport(base_url),
        base_url=base_url,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


def async_upstream_client(base_url: str, *, timeout: float = 30.0) -> httpx.AsyncClient:
    """`upstream_client` for asyncio code."""
    return httpx.AsyncClient(
        transport=_AsyncGuardedTransport(base_url),
        base_url=base_url,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


def upstream_key(deployment) -> str:
    """The key to send upstream as `Authorization: Bearer …` ("" when none): decrypted from
    the database, or read from the environment variable the deployment names."""
    if deployment.upstream_key_env:
        if not deployment.upstream_key_env.startswith(KEY_ENV_PREFIX):
            return ""
        return os.environ.get(deployment.upstream_key_env, "")
    return decrypt_secret(deployment.upstream_key_encrypted)
