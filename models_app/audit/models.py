from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Role
from models_app.catalog.models import AIModel


class AuditAction(models.TextChoices):
    MODEL_CREATED = "model_created", _("Model created")
    MODEL_EDITED = "model_edited", _("Model edited")
    MODEL_DELETED = "model_deleted", _("Model deleted")
    SHARED = "shared", _("Shared")
    UNSHARED = "unshared", _("Unshared")
    ROLE_CHANGED = "role_changed", _("Role changed")
    INVITED = "invited", _("Invited")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    VERSION_CREATED = "version_created", _("Version created")
    VERSION_EDITED = "version_edited", _("Version edited")
    VERSION_DELETED = "version_deleted", _("Version deleted")
    FILE_UPLOADED = "file_uploaded", _("File uploaded")
    FILE_DELETED = "file_deleted", _("File deleted")
    DOWNLOADED = "downloaded", _("Downloaded")
    DOWNLOAD_REFUSED = "download_refused", _("Download refused by the allowlist")
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out", _("Sign-in locked out")
    TOKEN_CREATED = "token_created", _("Access token created")
    TOKEN_REVOKED = "token_revoked", _("Access token revoked")
    TOKEN_NEW_ADDRESS = "token_new_address", _("Access token used from a new address")
    DEPLOYED = "deployed", _("Deployed")
    DEPLOYMENT_STOPPED = "deployment_stopped", _("Deployment stopped")
    DEPLOYMENT_STARTED = "deployment_started", _("Deployment started")
    DEPLOYMENT_REDEPLOYED = "deployment_redeployed", _("Deployment moved to another version")
    DEPLOYMENT_DELETED = "deployment_deleted", _("Deployment deleted")
    ENDPOINT_KEY_CREATED = "endpoint_key_created", _("API endpoint key created")
    ENDPOINT_KEY_REVOKED = "endpoint_key_revoked", _("API endpoint key revoked")
    FINETUNE_QUEUED = "finetune_queued", _("Fine-tune queued")
    FINETUNE_CANCELLED = "finetune_cancelled", _("Fine-tune cancelled")
    FINETUNE_FINISHED = "finetune_finished", _("Fine-tune finished")


# Labels for the detail keys the apps record; an unknown key is shown as it is.
DETAIL_LABELS = {
    "email": _("e-mail"),
    "role": _("role"),
    "previous": _("previous role"),
    "pending": _("pending invitation"),
    "invitation": _("invitation"),
    "version": _("version"),
    "path": _("path"),
    "size": _("size"),
    "sha256": _("SHA-256"),
    "files": _("files"),
    "zip": _("as a zip"),
    "via": _("via"),
    "failures": _("failed sign-ins"),
    "page": _("page"),
    "token": _("token"),
    "prefix": _("token prefix"),
    "scope": _("scope"),
    "expires": _("expires"),
    "user": _("user"),
    "deployment": _("deployment"),
    "runtime": _("runtime"),
    "file": _("file"),
    "upstream": _("upstream"),
    "from_version": _("previous version"),
    "key": _("endpoint key"),
    "rate_limit_rpm": _("requests per minute"),
    "job": _("job"),
    "recipe": _("recipe"),
    "base": _("base version"),
    "dataset": _("dataset"),
    "state": _("state"),
}
SIZE_KEYS = {"size"}
ROLE_KEYS = {"role", "previous"}


def _display_value(key: str, value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if key in SIZE_KEYS and isinstance(value, int):
        return filesizeformat(value)
    if key in ROLE_KEYS and value in Role.values:
        return str(Role(value).label)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


class AuditEvent(models.Model):
    """Who did what, when, from where. Names are copied so the record outlives the model."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(_("who"), max_length=254, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    model = models.ForeignKey(
        AIModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    model_ref = models.UUIDField(_("model reference"), null=True, blank=True, db_index=True)
    model_title = models.CharField(_("model"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["model_ref", "-created_at"], name="audit_model_recent")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.model_title}"
        )

    def detail_items(self) -> list[tuple[str, str]]:
        """The details as (label, value) pairs for people to read."""
        items = []
        for key, value in sorted(self.details.items()):
            label = DETAIL_LABELS.get(key, key.replace("_", " "))
            items.append((label, _display_value(key, value)))
        return items
