from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Role
from models_app.catalog.models import AIModel

__all__ = ["Invitation", "Role", "Share"]


class Share(models.Model):
    """A person given a role on a model (S-34). The owner needs none: they are always admin."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["model", "user"], name="share_unique_per_user")
        ]
        # "Shared with me" without touching the table: visibility reads these ids from the index.
        indexes = [models.Index(fields=["user", "model"], name="share_model_ids_of_user")]
        verbose_name = _("share")
        verbose_name_plural = _("shares")

    def __str__(self):
        return f"{self.user} → {self.model} ({self.role})"


INVITATION_LIFETIME = timedelta(days=14)


def _invitation_expiry():
    return timezone.now() + INVITATION_LIFETIME


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations that still take effect: neither accepted, revoked nor expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An e-mail address with no account yet, invited to a model with a role (S-34).

    Only a SHA-256 digest of the token is stored; the token itself travels in the e-mail.
    """

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), db_index=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=_invitation_expiry)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # At most one open invitation per address and model: a revoked or re-roled
            # invitation cannot leave a twin behind that still gives access at sign-up.
            models.UniqueConstraint(
                fields=["model", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.model} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
