"""Does an address fall inside an allowlist; which address is the client's (SPEC §8)."""

import ipaddress
from collections.abc import Iterable

from .parse import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str | None) -> Address | None:
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def address_allowed(networks: Iterable[Network], address: Address | None) -> bool:
    """An empty allowlist lets everyone in; otherwise the address must be inside one network."""
    networks = list(networks)
    if not networks:
        return True
    return address is not None and address_in_any(address, networks)


def client_address(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[Network]
) -> Address | None:
    """REMOTE_ADDR, unless it is a trusted proxy: then the right-most X-Forwarded-For hop
    that is not itself a trusted proxy. A hop that does not parse ends the walk with no
    address, so a garbled chain can never be mistaken for an allowed one."""
    trusted = list(trusted_proxies)
    peer = parse_address(remote_addr)
    if peer is None or not forwarded_for or not address_in_any(peer, trusted):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = parse_address(hop)
        if address is None:
            return None
        client = address
        if not address_in_any(address, trusted):
            break
    return client


def address_in_any(address: Address, networks: list[Network]) -> bool:
    return any(address.version == n.version and address in n for n in networks)
