"""The download allowlist: text → networks, with every bad entry named (S-5, X-1).

Stored and displayed form: canonical entries joined by ", "; a single host is written
without its /32 or /128.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class EntryError:
    entry: str
    reason: str

    def __str__(self):
        return _("“%(entry)s”: %(reason)s") % {"entry": self.entry, "reason": self.reason}


def _decimal(text: str, low: int, high: int, what: str) -> tuple[int | None, str | None]:
    if not text:
        return None, _("the %(what)s is missing") % {"what": what}
    if not text.isascii() or not text.isdigit():
        return None, _("“%(part)s” is not a number") % {"part": text}
    if len(text) > 1 and text[0] == "0":
        return None, _("“%(part)s” has a leading zero, which is ambiguous") % {"part": text}
    value = int(text)
    if not low <= value <= high:
        return None, _("%(value)s is not between %(low)d and %(high)d") % {
            "value": text,
            "low": low,
            "high": high,
        }
    return value, None


def parse_entry(entry: str) -> Network | EntryError:
    """One entry → its network (host bits cleared), or the reason it is refused."""
    if any(ch.isspace() or ord(ch) < 32 for ch in entry):
        return EntryError(entry, _("spaces are not allowed inside an entry"))
    address, slash, prefix_text = entry.partition("/")
    if "/" in prefix_text:
        return EntryError(entry, _("only one “/” is allowed"))
    if ":" in address:
        if "%" in address:
            return EntryError(entry, _("zone identifiers are not allowed"))
        try:
            parsed: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv6Address(address)
        except ValueError:
            return EntryError(entry, _("not a valid IPv6 address"))
        if parsed.ipv4_mapped is not None:
            # Clients are matched by their IPv4 form, so such an entry could never match.
            return EntryError(
                entry,
                _("write IPv4-mapped addresses as IPv4 (%(ipv4)s)") % {"ipv4": parsed.ipv4_mapped},
            )
        max_prefix = 128
    else:
        parts = address.split(".")
        if len(parts) != 4:
            return EntryError(
                entry, _("an IPv4 address has four numbers separated by dots (x.x.x.x)")
            )
        for part in parts:
            _value, problem = _decimal(part, 0, 255, _("number"))
            if problem:
                return EntryError(entry, problem)
        parsed = ipaddress.IPv4Address(address)
        max_prefix = 32
    prefix = max_prefix
    if slash:
        value, problem = _decimal(prefix_text, 0, max_prefix, _("prefix length after “/”"))
        if problem:
            return EntryError(entry, problem)
        prefix = value
    return ipaddress.ip_network(f"{parsed}/{prefix}", strict=False)


def format_network(network: Network) -> str:
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def parse_allowlist(text: str, max_entries: int | None = None) -> list[Network]:
    """All networks of a comma-separated allowlist, or a ValidationError naming each bad entry."""
    max_entries = settings.MAX_ALLOWLIST_ENTRIES if max_entries is None else max_entries
    entries = [e.strip() for e in (text or "").split(",")]
    entries = [e for e in entries if e]
    networks: list[Network] = []
    errors: list[str] = []
    first_seen: dict[Network, str] = {}
    for entry in entries:
        result = parse_entry(entry)
        if isinstance(result, EntryError):
            errors.append(str(result))
            continue
        if result in first_seen:
            errors.append(
                str(
                    EntryError(
                        entry,
                        _("duplicates “%(other)s”") % {"other": first_seen[result]},
                    )
                )
            )
            continue
        first_seen[result] = entry
        networks.append(result)
    if len(entries) > max_entries:
        extra = ", ".join(f"“{e}”" for e in entries[max_entries:])
        errors.append(
            _("At most %(max)d entries are allowed; %(count)d were given (too many: %(extra)s).")
            % {"max": max_entries, "count": len(entries), "extra": extra}
        )
    if errors:
        raise ValidationError(errors)
    return networks


def normalize_allowlist(text: str) -> str:
    """The canonical text of a valid allowlist (raises ValidationError otherwise)."""
    return ", ".join(format_network(n) for n in parse_allowlist(text))


def stored_networks(stored: str) -> list[Network]:
    """Networks of an allowlist that was validated before it was stored."""
    return [ipaddress.ip_network(e.strip(), strict=False) for e in stored.split(",") if e.strip()]
