"""Who a model is shared with: adding people, changing roles, invitations (S-34).

Rules are plain functions (`share_target_problem`, `role_problem`) that forms call in
`clean_*` and tests call directly; writes are `share_*` / `invitation_*` functions, each in one
transaction with its audit event. `by` is who acts: a Caller, a request or a user.
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

from models_app.access.caller import Caller, as_caller
from models_app.access.roles import ROLE_RANK
from models_app.accounts.models import TenantDomain, User, normalize_email
from models_app.accounts.services import tenant_for_email
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.models import AIModel

from .models import Invitation, Role, Share

logger = logging.getLogger("modelhub.sharing")


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


def _user_of(by):
    return as_caller(by).user if by is not None else None


def share_target_problem(model: AIModel, email: str, by) -> str | None:
    """Why `email` cannot be added to `model` by `by`, or None if it can."""
    email = normalize_email(email)
    actor = _user_of(by)
    if getattr(actor, "email", None) and email == normalize_email(actor.email):
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


def _lock_model(model: AIModel) -> None:
    """Locks the model's row until the transaction ends, so that changes to who may use it
    happen one after another; raises SharingError if the model has gone meanwhile."""
    if AIModel.objects.select_for_update().filter(pk=model.pk).first() is None:
        raise SharingError(_("This model no longer exists."))


def _open_invitations(model: AIModel, email: str):
    """Invitations for `email` that were neither accepted nor revoked (expired ones too)."""
    return Invitation.objects.filter(
        model=model, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    )


def _refusal(model: AIModel, email: str, by) -> SharingError:
    """A clear message for a write the database refused because a share or invitation for
    `email` appeared meanwhile."""
    problem = share_target_problem(model, email, by)
    return SharingError(
        problem or _("%(email)s was added by someone else just now.") % {"email": email}
    )


@transaction.atomic
def share_add(model: AIModel, email: str, role: str, by) -> Added:
    """Shares `model` with the account of `email`, or invites the address if it has none.

    The model row is locked first, so a second "Share" for the same address (a double click,
    another admin) waits and then finds the first one.
    """
    email = normalize_email(email)
    problem = role_problem(role)
    if problem:
        raise SharingError(problem)
    _lock_model(model)
    problem = share_target_problem(model, email, by)
    if problem:
        raise SharingError(problem)
    actor = _user_of(by)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    user = User.objects.filter(email=email).first()
    if user is not None:
        try:
            with transaction.atomic():
                share = Share.objects.create(model=model, user=user, role=role, invited_by=actor)
        except IntegrityError as exc:
            raise _refusal(model, email, by) from exc
        audit_record(by, AuditAction.SHARED, model, email=email, role=role)
        return Added(share=share)
    # An expired invitation is superseded by the new one: at most one may stay open.
    now = timezone.now()
    _open_invitations(model, email).filter(expires_at__lte=now).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                model=model,
                email=email,
                role=role,
                token_hash=token_digest(token),
                invited_by=actor,
            )
    except IntegrityError as exc:
        raise _refusal(model, email, by) from exc
    audit_record(by, AuditAction.INVITED, model, email=email, role=role)
    return Added(invitation=invitation, token=token)


class NoAccess(SharingError):
    """The address has neither a share nor a pending invitation (any more)."""


@dataclass
class Changed:
    """What a change did to an address: `pending` if it had only an invitation."""

    email: str
    role: str
    pending: bool


def _no_access(email: str) -> NoAccess:
    return NoAccess(_("%(email)s no longer has access.") % {"email": email})


@transaction.atomic
def share_change_role(model: AIModel, email: str, role: str, by=None) -> Changed:
    """Gives the address another role: its share and every pending invitation for it.

    Returns the previous role. Raises NoAccess if the address has lost access meanwhile.
    """
    email = normalize_email(email)
    problem = role_problem(role)
    if problem:
        raise SharingError(problem)
    _lock_model(model)
    share = Share.objects.filter(model=model, user__email=email).first()
    invitations = Invitation.objects.pending().filter(model=model, email=email)
    previous = share.role if share is not None else None
    if previous is None:
        previous = invitations.values_list("role", flat=True).first()
    if previous is None:
        raise _no_access(email)
    if share is not None and not Share.objects.filter(pk=share.pk).update(role=role):
        raise _no_access(email)
    invitations.update(role=role)
    if previous != role:
        # `pending` only for an invitation: a share's change reads as before.
        pending = {"pending": True} if share is None else {}
        details = {"email": email, "previous": previous, "role": role, **pending}
        audit_record(by, AuditAction.ROLE_CHANGED, model, **details)
    return Changed(email=email, role=previous, pending=share is None)


@transaction.atomic
def share_remove(model: AIModel, email: str, by=None) -> Changed:
    """Takes access away from the address: deletes its share and revokes every pending
    invitation for it, so that none can give access back later.

    Returns the role it had. Raises NoAccess if it had none (any more).
    """
    email = normalize_email(email)
    _lock_model(model)
    share = Share.objects.filter(model=model, user__email=email).first()
    invitations = Invitation.objects.pending().filter(model=model, email=email)
    role = share.role if share is not None else invitations.values_list("role", flat=True).first()
    deleted = Share.objects.filter(pk=share.pk).delete()[0] if share is not None else 0
    revoked = invitations.update(revoked_at=timezone.now())
    if not (deleted or revoked):
        raise _no_access(email)
    if deleted:
        audit_record(by, AuditAction.UNSHARED, model, email=email, role=role)
    else:
        audit_record(by, AuditAction.INVITATION_REVOKED, model, email=email)
    return Changed(email=email, role=role, pending=not deleted)


@transaction.atomic
def invitation_revoke(invitation: Invitation, by=None) -> None:
    """Revokes the invitation and any other pending one for the same model and address."""
    _lock_model(invitation.model)
    revoked = (
        Invitation.objects.pending()
        .filter(model=invitation.model_id, email=invitation.email)
        .update(revoked_at=timezone.now())
    )
    invitation.refresh_from_db(fields=["revoked_at"])
    if revoked:
        audit_record(by, AuditAction.INVITATION_REVOKED, invitation.model, email=invitation.email)


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


def _accept(invitation: Invitation, user, now) -> Share | None:
    """Turns one pending invitation into a share of `user` (the owner needs none)."""
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    model = invitation.model
    if model.owner_id == user.pk:
        return None
    share, created = Share.objects.get_or_create(
        model=model,
        user=user,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    if not created and ROLE_RANK[invitation.role] > ROLE_RANK[share.role]:
        share.role = invitation.role
        share.save(update_fields=["role"])
    audit_record(
        Caller(user=user),
        AuditAction.SHARED,
        model,
        email=user.email,
        role=share.role,
        invitation=invitation.pk,
    )
    return share


@transaction.atomic
def invitations_accept(user) -> list[Share]:
    """Turns every pending invitation for the user's address into a share.

    Called for every new user (`accounts.signals.user_created`), whichever way they were
    created. An existing share keeps the higher of its role and the invited one.
    """
    now = timezone.now()
    pending = (
        Invitation.objects.pending(now)
        .select_for_update(of=("self",))
        .select_related("model", "invited_by")
        .filter(email=normalize_email(user.email))
    )
    shares = [_accept(invitation, user, now) for invitation in pending]
    return [share for share in shares if share is not None]


def accept_invitations_of_new_user(sender, *, user, **kwargs) -> None:
    """Receiver of `accounts.signals.user_created`."""
    invitations_accept(user)


def invitation_accept_problem(invitation: Invitation, user) -> str | None:
    """Why `user` may not accept `invitation` through its link, or None if they may."""
    if not getattr(user, "is_authenticated", False):
        return _("Sign in as %(email)s to accept this invitation.") % {"email": invitation.email}
    if normalize_email(user.email) != invitation.email:
        return _(
            "This invitation is for %(email)s, but you are signed in as %(current)s. "
            "Sign out and sign in as %(email)s to accept it."
        ) % {"email": invitation.email, "current": user.email}
    return None


@transaction.atomic
def invitation_accept(invitation: Invitation, user) -> Share | None:
    """`user` accepts `invitation` through its link: it must be for their address and still
    pending. Returns the share (None for the model's owner)."""
    problem = invitation_accept_problem(invitation, user)
    if problem:
        raise SharingError(problem)
    _lock_model(invitation.model)
    now = timezone.now()
    current = (
        Invitation.objects.pending(now)
        .select_related("model", "invited_by")
        .filter(pk=invitation.pk)
        .first()
    )
    if current is None:
        raise SharingError(_("This invitation can no longer be used."))
    return _accept(current, user, now)


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
