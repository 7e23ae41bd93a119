from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.catalog.models import AIModel


class VersionStatus(models.TextChoices):
    CREATED = "created", _("Created")
    TRAINING = "training", _("Training")
    DEPLOYED = "deployed", _("Deployed")
    FAILED = "failed", _("Failed")
    ARCHIVED = "archived", _("Archived")


class ModelVersion(models.Model):
    """A version of a model (S-32, S-36): its files live in `files`."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("index"))
    name = models.CharField(_("version"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.CREATED
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    size_bytes = models.BigIntegerField(_("size"), default=0)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["model", "number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "name"], name="version_name_unique_per_model"),
            models.UniqueConstraint(
                fields=["model", "number"], name="version_number_unique_per_model"
            ),
        ]
        indexes = [models.Index(fields=["model", "-created_at"], name="version_latest")]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self):
        return f"{self.model} {self.name}"


class VersionFile(models.Model):
    """One artifact file. The user's path lives only here; storage holds it under an opaque key."""

    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(_("path"), max_length=1024)
    storage_key = models.CharField(max_length=255, unique=True)
    size_bytes = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(max_length=200, blank=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    # Read from the header of a safetensors or GGUF file when it is stored; else None.
    parameter_count = models.BigIntegerField(_("parameters"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified"), default=timezone.now)

    class Meta:
        ordering = ["version", "path"]
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="file_path_unique_per_version")
        ]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self):
        return self.path


class StagedObject(models.Model):
    """An object sent ahead of the commit that will make it a file (the Hugging Face
    client's LFS upload): announced by its SHA-256 and size, received and verified against
    both, and a file only once a commit names it. Never committed, `check_storage --repair`
    removes it after the grace period."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="staged_objects")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.BigIntegerField(_("size"))
    storage_key = models.CharField(max_length=255, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set once every byte arrived with the announced size and SHA-256.
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "sha256"], name="staged_object_unique_per_model"
            )
        ]

    def __str__(self):
        return f"{self.sha256[:12]}… ({self.size_bytes} bytes)"
