"""API endpoint keys (`mhk_…`): the rules (plain functions that forms and tests call) and the
writes, each in one transaction with its audit row. A key is hashed and checked as personal
access tokens are (`models_app.api.services`); it is bound to one model and acts as its
creator may, narrowed to viewing (what calling the gateway needs)."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import Caller, as_caller
from models_app.access.roles import Action
from models_app.api.services import SECRET_BYTES, token_digest
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import EndpointKey

KEY_START = "mhk_"  # noqa: S105 (the start every endpoint key shares, not a secret)
PREFIX_LENGTH = len(KEY_START) + 5
NAME_MAX = EndpointKey._meta.get_field("name").max_length
RATE_LIMIT_MAX = 100_000
EXPIRY_DAYS_MAX = 3650
# What a key lets the gateway do for its creator.
KEY_SCOPE = frozenset({Action.VIEW})


class EndpointKeyError(Exception):
    """A request that would break a key rule; the message is shown next to the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def name_problem(name: str) -> str | None:
    if not name.strip():
        return _("Give the key a name, to recognise it later.")
    if len(name) > NAME_MAX:
        return _("A key name has at most %(max)d characters.") % {"max": NAME_MAX}
    return None


def rate_limit_problem(rate_limit_rpm) -> str | None:
    if not isinstance(rate_limit_rpm, int) or not 1 <= rate_limit_rpm <= RATE_LIMIT_MAX:
        return _("The rate limit is a whole number of requests per minute, 1 to %(max)d.") % {
            "max": RATE_LIMIT_MAX
        }
    return None


def expiry_problem(expires_days) -> str | None:
    if expires_days is None:
        return None
    if not isinstance(expires_days, int) or not 1 <= expires_days <= EXPIRY_DAYS_MAX:
        return _("A key expires after 1 to %(max)d days, or never (leave it empty).") % {
            "max": EXPIRY_DAYS_MAX
        }
    return None


def key_create(*, by, model, name: str, rate_limit_rpm: int, expires_days: int | None):
    """A new key for `model`: returns (key, secret). The secret is not kept anywhere."""
    name = name.strip()
    for field, problem in (
        ("name", name_problem(name)),
        ("rate_limit_rpm", rate_limit_problem(rate_limit_rpm)),
        ("expires_days", expiry_problem(expires_days)),
    ):
        if problem:
            raise EndpointKeyError(field, problem)
    # The key acts as its creator; made by a command (no one signed in), as the model's owner.
    creator = as_caller(by).user
    if not getattr(creator, "is_authenticated", False):
        creator = model.owner
    secret = KEY_START + secrets.token_urlsafe(SECRET_BYTES)
    now = timezone.now()
    with transaction.atomic():
        key = EndpointKey.objects.create(
            model=model,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            secret_hash=token_digest(secret),
            rate_limit_rpm=rate_limit_rpm,
            created_by=creator,
            created_at=now,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
        audit_record(
            by,
            AuditAction.ENDPOINT_KEY_CREATED,
            model=model,
            key=name,
            prefix=key.prefix,
            rate_limit_rpm=rate_limit_rpm,
            expires=key.expires_at.date().isoformat() if key.expires_at else "",
        )
    return key, secret


def key_revoke(key: EndpointKey, *, by) -> EndpointKey:
    """Revokes `key` (once: revoking it again changes nothing)."""
    with transaction.atomic():
        key = EndpointKey.objects.select_for_update().select_related("model").get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_record(
                by,
                AuditAction.ENDPOINT_KEY_REVOKED,
                model=key.model,
                key=key.name,
                prefix=key.prefix,
            )
    return key


def key_usable(key: EndpointKey, now=None) -> bool:
    """A key works while it is neither revoked nor expired and its creator is still an
    active user."""
    if key.revoked_at is not None or key.is_expired(now):
        return False
    return key.created_by is not None and key.created_by.is_active


def key_caller(key: EndpointKey, address) -> Caller:
    return Caller(user=key.created_by, address=address, via="endpoint key", scope=KEY_SCOPE)
