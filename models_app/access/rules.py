"""A caller's role on a model and what it allows them to do (SPEC §1, S-34)."""

from .caller import as_caller
from .grants import granted_role
from .roles import OWNER, ROLE_ACTIONS, Action, Role

# Roles already read, kept on the model object for the rest of the request.
_ROLES = "_roles"


def role_of(who, model) -> str | None:
    """`owner`, a granted role, `admin` for a superuser, or None for someone with no access.
    `who` is a Caller, a request or a user."""
    user = as_caller(who).user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if model.owner_id == user.pk:
        return OWNER
    if user.is_superuser:
        return Role.ADMIN
    known = model.__dict__.setdefault(_ROLES, {})
    if user.pk not in known:
        known[user.pk] = granted_role(user, model)
    return known[user.pk]


def remember_role(model, user, role: str | None) -> None:
    """Tells `role_of` the role `user` was granted on `model`, read along with it (the list
    reads each card's role in its page query, not one query per card)."""
    model.__dict__.setdefault(_ROLES, {})[user.pk] = role


def forget_roles(model) -> None:
    """Drops the roles remembered on this model object, after its grants changed."""
    model.__dict__.pop(_ROLES, None)


def allowed_actions(who, model) -> frozenset[Action]:
    """What the caller's role allows, within the scope of their token if they use one."""
    role = role_of(who, model)
    if not role:
        return frozenset()
    scope = as_caller(who).scope
    return ROLE_ACTIONS[role] if scope is None else ROLE_ACTIONS[role] & scope


def can(who, model, action: Action) -> bool:
    return action in allowed_actions(who, model)
