"""Personal access tokens: the rules (plain functions that forms and tests call) and the
writes, each in one transaction with its audit event. `by` is who acts: a Caller, a request
or a user."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import Caller
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import AccessToken
from .scopes import EXPIRY_DAYS, Scope

TOKEN_START = "mh_"  # noqa: S105 (the start every token shares, not a secret)
# 30 random bytes: 240 bits, well above the 160 a SHA-256 digest without salt needs.
SECRET_BYTES = 30
PREFIX_LENGTH = len(TOKEN_START) + 5
NAME_MAX = AccessToken._meta.get_field("name").max_length
# Last-used time and address are written at most this often per token (each API call
# would otherwise write a row).
LAST_USED_EVERY = timedelta(minutes=1)
KNOWN_ADDRESSES_KEPT = 100


class TokenError(Exception):
    """A request that would break a token rule; the message is shown to the user."""


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def name_problem(name: str) -> str | None:
    if not name.strip():
        return _("Give the token a name, to recognise it later.")
    if len(name) > NAME_MAX:
        return _("A token name has at most %(max)d characters.") % {"max": NAME_MAX}
    return None


def scope_problem(scope: str) -> str | None:
    if scope not in Scope.values:
        return _("“%(scope)s” is not a scope. Choose read or write.") % {"scope": scope}
    return None


def expiry_problem(expires_days) -> str | None:
    if expires_days not in EXPIRY_DAYS:
        return _("A token expires after 30, 90 or 365 days, or never.")
    return None


def token_create(*, by, user, name: str, scope: str, expires_days: int | None):
    """A new token of `user`: returns (token, secret). The secret is not kept anywhere."""
    name = name.strip()
    problem = name_problem(name) or scope_problem(scope) or expiry_problem(expires_days)
    if problem:
        raise TokenError(problem)
    secret = TOKEN_START + secrets.token_urlsafe(SECRET_BYTES)
    now = timezone.now()
    with transaction.atomic():
        token = AccessToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=secret[:PREFIX_LENGTH],
            secret_hash=token_digest(secret),
            created_at=now,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
        audit_record(
            by,
            AuditAction.TOKEN_CREATED,
            token=name,
            prefix=token.prefix,
            scope=scope,
            expires=token.expires_at.date().isoformat() if token.expires_at else "",
            user=user.email,
        )
    return token, secret


def token_revoke(token: AccessToken, *, by) -> AccessToken:
    """Revokes `token` (once: revoking it again changes nothing)."""
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                by,
                AuditAction.TOKEN_REVOKED,
                token=token.name,
                prefix=token.prefix,
                user=token.user.email,
            )
    return token


def active_token(secret: str) -> AccessToken | None:
    """The token with this secret if it is neither revoked nor expired, else None."""
    if not secret.startswith(TOKEN_START):
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(secret_hash=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired() or not token.user.is_active:
        return None
    return token


def token_used(token: AccessToken, address) -> None:
    """Notes a use of `token` from `address`: its last use at most once a minute, and an
    audit event the first time it comes from an address."""
    now = timezone.now()
    address = str(address) if address else None
    new_address = address is not None and address not in token.known_addresses
    recent = token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY
    if recent and not new_address:
        return
    with transaction.atomic():
        token.last_used_at = now
        token.last_used_address = address
        fields = ["last_used_at", "last_used_address"]
        if new_address:
            token.known_addresses = [*token.known_addresses, address][-KNOWN_ADDRESSES_KEPT:]
            fields.append("known_addresses")
        token.save(update_fields=fields)
        if new_address:
            audit_record(
                Caller(user=token.user, address=address, via="api"),
                AuditAction.TOKEN_NEW_ADDRESS,
                token=token.name,
                prefix=token.prefix,
            )
