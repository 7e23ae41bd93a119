"""Where roles on a model come from, besides ownership: the grant sources that higher apps
register (sharing registers its shares). Access reads them; it never imports those apps.

A source has two methods:
- `model_ids(user)`: a queryset of the ids of the models it grants `user` a role on
  (a subquery: it must not be evaluated);
- `role(user, model)`: the role it grants `user` on `model`, or None;
- `drop(user, model)`: withdraws what it grants `user` on `model` (the model's new owner
  needs no grant: ownership gives every right).
"""

from typing import Protocol

from .roles import ROLE_RANK


class GrantSource(Protocol):
    def model_ids(self, user): ...

    def role(self, user, model) -> str | None: ...

    def drop(self, user, model) -> None: ...


_sources: list[GrantSource] = []


def register(source: GrantSource) -> None:
    """Adds a grant source (from an AppConfig.ready()); registering it twice adds it once."""
    if source not in _sources:
        _sources.append(source)


def sources() -> list[GrantSource]:
    return list(_sources)


def granted_model_ids(user) -> list:
    """One id subquery per source, for the models granted to `user`."""
    return [source.model_ids(user) for source in _sources]


def granted_role(user, model) -> str | None:
    """The highest role any source grants `user` on `model`."""
    roles = [role for source in _sources if (role := source.role(user, model))]
    return max(roles, key=ROLE_RANK.__getitem__, default=None)


def drop(user, model) -> None:
    """Withdraws every grant of `user` on `model` (for its new owner)."""
    for source in _sources:
        source.drop(user, model)
