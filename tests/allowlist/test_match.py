import pytest

from models_app.allowlist.match import address_allowed, client_address, parse_address
from models_app.allowlist.parse import parse_allowlist


@pytest.mark.parametrize(
    "allowlist, address, allowed",
    [
        ("", "203.0.113.9", True),
        ("", "2001:db8::1", True),
        ("10.0.0.0/8", "10.255.255.255", True),
        ("10.0.0.0/8", "11.0.0.0", False),
        ("10.0.0.0/8", "9.255.255.255", False),
        ("192.168.1.0/24", "192.168.1.0", True),
        ("192.168.1.0/24", "192.168.2.1", False),
        ("203.0.113.7", "203.0.113.7", True),
        ("203.0.113.7", "203.0.113.8", False),
        ("0.0.0.0/0", "8.8.8.8", True),
        ("10.0.0.0/8", "2001:db8::1", False),
        ("2001:db8::/32", "2001:db8:ffff::1", True),
        ("2001:db8::/32", "2001:db9::1", False),
        ("2001:db8::/32", "10.0.0.1", False),
        ("10.0.0.0/8", "::ffff:10.1.2.3", True),
        ("10.0.0.0/8", None, False),
    ],
)
def test_allowlist_against_address(allowlist, address, allowed):
    assert address_allowed(parse_allowlist(allowlist), parse_address(address)) is allowed


PROXIES = parse_allowlist("10.0.0.0/8")


def test_remote_addr_is_the_client_without_trusted_proxies():
    assert str(client_address("198.51.100.1", "10.9.9.9", [])) == "198.51.100.1"


def test_forged_forwarded_for_from_an_untrusted_peer_changes_nothing():
    assert str(client_address("198.51.100.1", "10.1.1.1", PROXIES)) == "198.51.100.1"


def test_trusted_proxy_forwards_the_client():
    assert str(client_address("10.0.0.2", "203.0.113.5", PROXIES)) == "203.0.113.5"


def test_proxy_chain_resolves_to_the_rightmost_untrusted_hop():
    forwarded = "1.1.1.1, 203.0.113.5, 10.0.0.7"
    assert str(client_address("10.0.0.2", forwarded, PROXIES)) == "203.0.113.5"


def test_chain_of_only_trusted_hops_gives_the_leftmost():
    assert str(client_address("10.0.0.2", "10.0.0.9, 10.0.0.8", PROXIES)) == "10.0.0.9"


def test_garbled_hop_gives_no_address():
    assert client_address("10.0.0.2", "203.0.113.5, nonsense", PROXIES) is None
