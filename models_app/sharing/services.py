"""Who a model is shared with: adding people, changing roles, invitations (S-34).

Rules are plain functions (`share_target_problem`, `role_problem`) that forms call in
`clean_*` and tests call directly; writes are `share_*` / `invitation_*` functions, each in one
transaction. Views record the audit events; the sign-up hook records its own.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.accounts.models import TenantDomain, User, normalize_email
from models_app.accounts.services import tenant_for_email
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.models import AIModel

from .models import Invitation, Role, Share

logger = logging.getLogger("modelhub.sharing")

ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class SharingError(Exception):
    """A request that would break a sharing rule; the message is shown to the user."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def role_problem(role: str) -> str | None:
    if role not in Role.values:
        labels = ", ".join(str(label) for label in Role.labels)
        return _("“%(role)s” is not a role. Choose one of: %(roles)s.") % {
            "role": role,
            "roles": labels,
        }
    return None


def share_target_problem(model: AIModel, email: str, actor) -> str | None:
    """Why `email` cannot be added to `model` by `actor`, or None if it can."""
    email = normalize_email(email)
    if actor is not None and email == normalize_email(actor.email):
        return _("You cannot share a model with yourself.")
    if email == normalize_email(model.owner.email):
        return _("%(email)s owns this model and always has full access.") % {"email": email}
    share = Share.objects.filter(model=model, user__email=email).first()
    if share is not None:
        return _(
            "%(email)s already has access as %(role)s. Change the role in the table instead."
        ) % {"email": email, "role": share.get_role_display()}
    invitation = Invitation.objects.pending().filter(model=model, email=email).first()
    if invitation is not None:
        return _(
            "%(email)s has been invited already (as %(role)s). Change the role in the table, "
            "or revoke the invitation first."
        ) % {"email": email, "role": invitation.get_role_display()}
    return None


def outside_tenant(model: AIModel, email: str):
    """The owner's tenant if `email` belongs (or would belong) to another one, else None.

    Sharing across tenants is allowed; the form only warns (S-34, SPEC §1).
    """
    home = model.owner.tenant
    if home is None:
        return None
    email = normalize_email(email)
    user = User.objects.select_related("tenant").filter(email=email).first()
    tenant = user.tenant if user is not None else tenant_for_email(email)
    return home if tenant != home else None


@dataclass
class Added:
    """What adding an address did: a share for an existing account, or an invitation."""

    share: Share | None = None
    invitation: Invitation | None = None
    token: str = ""


@transaction.atomic
def share_add(model: AIModel, email: str, role: str, actor) -> Added:
    """Shares `model` with the account of `email`, or invites the address if it has none."""
    email = normalize_email(email)
    problem = role_problem(role) or share_target_problem(model, email, actor)
    if problem:
        raise SharingError(problem)
    user = User.objects.filter(email=email).first()
    if user is not None:
        try:
            with transaction.atomic():
                share = Share.objects.create(model=model, user=user, role=role, invited_by=actor)
        except IntegrityError as exc:
            raise SharingError(share_target_problem(model, email, actor) or str(exc)) from exc
        return Added(share=share)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        model=model, email=email, role=role, token_hash=token_digest(token), invited_by=actor
    )
    return Added(invitation=invitation, token=token)


@transaction.atomic
def share_change_role(share: Share | Invitation, role: str) -> str:
    """Gives a share (or a pending invitation) another role; returns the previous one."""
    problem = role_problem(role)
    if problem:
        raise SharingError(problem)
    previous = share.role
    if previous != role:
        share.role = role
        share.save(update_fields=["role"])
    return previous


@transaction.atomic
def share_remove(share: Share) -> None:
    share.delete()


@transaction.atomic
def invitation_revoke(invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a sign-up link names, whatever its state, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("model", "invited_by")
        .filter(token_hash=token_digest(token))
        .first()
    )


def invitation_send(invitation: Invitation, signup_url: str) -> bool:
    """E-mails the sign-up link; False (and a log line) if the mail could not be handed over."""
    context = {
        "invitation": invitation,
        "model": invitation.model,
        "inviter": invitation.invited_by,
        "signup_url": signup_url,
    }
    subject = render_to_string("sharing/email/invitation_subject.txt", context).strip()
    body = render_to_string("sharing/email/invitation_body.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except OSError:
        logger.exception("Could not send the invitation e-mail to %s", invitation.email)
        return False
    return True


@transaction.atomic
def invitations_accept(user) -> list[Share]:
    """Turns every pending invitation for the user's address into a share.

    Called for every new user (the `on_user_created` hook), whichever way they were created.
    An existing share keeps the higher of its role and the invited one.
    """
    shares = []
    now = timezone.now()
    pending = (
        Invitation.objects.pending(now)
        .select_for_update(of=("self",))
        .select_related("model", "invited_by")
        .filter(email=normalize_email(user.email))
    )
    for invitation in pending:
        model = invitation.model
        if model.owner_id == user.pk:
            invitation.accepted_at = now
            invitation.save(update_fields=["accepted_at"])
            continue
        share, created = Share.objects.get_or_create(
            model=model,
            user=user,
            defaults={"role": invitation.role, "invited_by": invitation.invited_by},
        )
        if not created and ROLE_RANK[invitation.role] > ROLE_RANK[share.role]:
            share.role = invitation.role
            share.save(update_fields=["role"])
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            None,
            AuditAction.SHARED,
            model,
            actor=user,
            email=user.email,
            role=share.role,
            invitation=invitation.pk,
        )
        shares.append(share)
    return shares


@dataclass
class Row:
    """One line of the sharing table: the owner, a share, or a pending invitation."""

    kind: str
    email: str
    role: str
    role_label: str
    tenant: object = None
    name: str = ""
    invited_at: object = None
    expires_at: object = None
    invited_by: object = None
    error: str = ""

    @property
    def is_owner(self) -> bool:
        return self.kind == "owner"

    @property
    def is_pending(self) -> bool:
        return self.kind == "invitation"


def sharing_rows(model: AIModel) -> list[Row]:
    """The owner, then everyone the model is shared with, then pending invitations."""
    owner = model.owner
    rows = [
        Row(
            kind="owner",
            email=owner.email,
            role="owner",
            role_label=_("Owner"),
            tenant=owner.tenant,
            name=owner.display_name,
            invited_at=model.created_at,
        )
    ]
    shares = Share.objects.filter(model=model).select_related("user__tenant", "invited_by")
    rows += [
        Row(
            kind="share",
            email=s.user.email,
            role=s.role,
            role_label=s.get_role_display(),
            tenant=s.user.tenant,
            name=s.user.display_name,
            invited_at=s.created_at,
            invited_by=s.invited_by,
        )
        for s in shares
    ]
    invitations = list(
        Invitation.objects.pending().filter(model=model).select_related("invited_by")
    )
    domains = {i.email.rpartition("@")[2] for i in invitations}
    tenants = {
        d.domain: d.tenant
        for d in TenantDomain.objects.filter(domain__in=domains).select_related("tenant")
    }
    rows += [
        Row(
            kind="invitation",
            email=i.email,
            role=i.role,
            role_label=i.get_role_display(),
            tenant=tenants.get(i.email.rpartition("@")[2]),
            invited_at=i.created_at,
            expires_at=i.expires_at,
            invited_by=i.invited_by,
        )
        for i in invitations
    ]
    return rows


def share_or_invitation(model: AIModel, email: str) -> Share | Invitation | None:
    """What a row of the table names: a share of that address, else its pending invitation."""
    email = normalize_email(email)
    share = Share.objects.select_related("user").filter(model=model, user__email=email).first()
    if share is not None:
        return share
    return Invitation.objects.pending().filter(model=model, email=email).first()
