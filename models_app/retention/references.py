"""Which storage keys live rows still name. The apps that own rows with storage keys register
a check (catalog: avatars; versions: files and staged objects); the purge asks them all before
deleting an object, so an object whose rows a restore brought back is never purged."""

from collections.abc import Callable, Iterable

ReferenceCheck = Callable[[list[str]], Iterable[str]]

_checks: list[ReferenceCheck] = []


def register_reference_check(check: ReferenceCheck) -> None:
    """`check(keys)` returns those of `keys` that a row of its app still names."""
    if check not in _checks:
        _checks.append(check)


def referenced(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for check in _checks:
        found.update(check(keys))
    return found
