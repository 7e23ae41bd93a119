import ipaddress

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from models_app.allowlist.parse import normalize_allowlist, parse_allowlist


def errors_of(text):
    with pytest.raises(ValidationError) as info:
        parse_allowlist(text)
    return " ".join(info.value.messages)


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("", ""),
        ("192.168.0.0", "192.168.0.0"),
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("203.0.113.7/32", "203.0.113.7"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("255.255.255.255", "255.255.255.255"),
        ("192.168.1.5/24", "192.168.1.0/24"),
        (" 10.0.0.1 , 10.0.0.2 ,", "10.0.0.1, 10.0.0.2"),
        ("10.0.0.1,,10.0.0.2", "10.0.0.1, 10.0.0.2"),
        ("2001:db8::/32", "2001:db8::/32"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("2001:db8::1/64", "2001:db8::/64"),
        ("::/0", "::/0"),
    ],
)
def test_valid_allowlists_are_stored_in_canonical_form(text, canonical):
    assert normalize_allowlist(text) == canonical


@pytest.mark.parametrize(
    "entry, reason",
    [
        ("192.168.300.1", "300 is not between 0 and 255"),
        ("10.0.0.0/33", "33 is not between 0 and 32"),
        ("1.2.3", "four numbers"),
        ("a.b.c.d", "not a number"),
        ("01.2.3.4", "leading zero"),
        ("1.2.3.4/", "missing"),
        ("1.2.3.4/a", "not a number"),
        ("1.2.3.4/8/8", "only one"),
        ("1.2.3.4.5", "four numbers"),
        ("-1.2.3.4", "not a number"),
        ("１.2.3.4", "not a number"),
        ("2001:db8::/129", "129 is not between 0 and 128"),
        ("2001:db8:::1", "not a valid IPv6"),
        ("fe80::1%eth0", "zone"),
    ],
)
def test_invalid_entry_is_named_with_its_reason(entry, reason):
    message = errors_of(f"10.0.0.0/8, {entry}")
    assert f"“{entry}”" in message
    assert reason in message
    assert "10.0.0.0/8" not in message


def test_every_invalid_entry_is_named():
    message = errors_of("192.168.300.1, 10.0.0.0/8, 1.2.3, 10.0.0.0/33")
    for bad in ("192.168.300.1", "1.2.3", "10.0.0.0/33"):
        assert f"“{bad}”" in message


def test_ten_entries_are_accepted():
    text = ",".join(f"10.0.0.{i}" for i in range(10))
    assert len(parse_allowlist(text)) == 10


def test_an_eleventh_entry_is_refused_and_named():
    text = ",".join(f"10.0.0.{i}" for i in range(11))
    message = errors_of(text)
    assert "At most 10" in message
    assert "“10.0.0.10”" in message


def test_empty_entries_do_not_count_towards_the_limit():
    text = ",".join(f"10.0.0.{i}" for i in range(10)) + ", , ,"
    assert len(parse_allowlist(text)) == 10


def test_duplicates_are_refused():
    message = errors_of("10.0.0.1, 10.0.0.1")
    assert "duplicates" in message


def test_entries_equal_after_canonicalisation_are_duplicates():
    message = errors_of("192.168.1.0/24, 192.168.1.5/24")
    assert "“192.168.1.5/24”" in message


def test_spaces_inside_an_entry_are_refused():
    assert "spaces" in errors_of("10.0.0 .1")


octet = st.integers(0, 255)


@given(octet, octet, octet, octet, st.integers(0, 32))
def test_ipv4_cidr_agrees_with_ipaddress(a, b, c, d, prefix):
    text = f"{a}.{b}.{c}.{d}/{prefix}"
    assert parse_allowlist(text) == [ipaddress.ip_network(text, strict=False)]


@given(st.ip_addresses(v=6).filter(lambda a: a.ipv4_mapped is None), st.integers(0, 128))
def test_ipv6_cidr_agrees_with_ipaddress(address, prefix):
    text = f"{address}/{prefix}"
    assert parse_allowlist(text) == [ipaddress.ip_network(text, strict=False)]


@given(st.text(alphabet="0123456789./:abcdef ", max_size=24))
def test_any_accepted_entry_is_what_ipaddress_reads(text):
    try:
        networks = parse_allowlist(text)
    except ValidationError:
        return
    entries = [e.strip() for e in text.split(",") if e.strip()]
    assert networks == [ipaddress.ip_network(e, strict=False) for e in entries]


@given(st.integers(256, 99999), octet, octet, octet)
def test_out_of_range_octets_are_refused(big, b, c, d):
    with pytest.raises(ValidationError):
        parse_allowlist(f"{big}.{b}.{c}.{d}")


@given(st.lists(st.ip_addresses(v=4).map(str), min_size=11, max_size=20, unique=True))
def test_more_than_ten_entries_are_refused(entries):
    with pytest.raises(ValidationError):
        parse_allowlist(", ".join(entries))


@given(st.ip_addresses(v=6).filter(lambda a: a.ipv4_mapped is None), st.integers(0, 128))
def test_uncompressed_upper_case_ipv6_agrees_with_ipaddress(address, prefix):
    text = f"{address.exploded.upper()}/{prefix}"
    assert parse_allowlist(text) == [ipaddress.ip_network(text, strict=False)]


def test_ipv4_mapped_entries_are_refused_with_their_ipv4_form():
    assert "10.0.0.0" in errors_of("::ffff:10.0.0.0/104")
