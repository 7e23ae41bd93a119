from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class TrainingCommand(models.Model):
    """A training program an administrator allows (the `command` recipe): set in the admin,
    never by a user, who only picks it by name."""

    name = models.SlugField(_("name"), max_length=60, unique=True)
    command = models.TextField(
        _("command"),
        help_text=_(
            "Run without a shell. {base_dir}, {dataset}, {output_dir} and {params} are "
            "replaced by the base files' folder, the dataset file, the folder to write the "
            "new version's files into and a JSON file of the hyperparameters; when none "
            "appears they are passed as the last four arguments."
        ),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training command")
        verbose_name_plural = _("training commands")

    def __str__(self):
        return self.name


class FineTuneJob(models.Model):
    """One training run: a base version and a dataset in, a new version out (SPEC §7)."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="finetune_jobs")
    base_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    base_version_name = models.CharField(_("base version"), max_length=100)
    # This model, or a new one made for the result (removed again if the job fails).
    output_model = models.ForeignKey(
        AIModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finetune_outputs",
    )
    # Set while the job runs and once it succeeded; None once a failed job removed it.
    output_version = models.OneToOneField(
        ModelVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finetune_job",
    )
    output_version_name = models.CharField(_("output version"), max_length=100)
    recipe = models.CharField(_("recipe"), max_length=60)
    params = models.JSONField(_("hyperparameters"), default=dict)
    dataset_name = models.CharField(_("dataset"), max_length=1024)
    # Where the dataset is: a file of the base version or of the output version (uploaded).
    dataset_version = models.ForeignKey(
        ModelVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dataset_path = models.CharField(max_length=1024)
    dataset_sha256 = models.CharField(_("dataset SHA-256"), max_length=64)
    dataset_rows = models.PositiveIntegerField(_("dataset rows"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    step = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    losses = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    log = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="finetune_running")]
        verbose_name = _("fine-tune job")
        verbose_name_plural = _("fine-tune jobs")

    def __str__(self):
        return f"{self.model} → {self.output_version_name} ({self.recipe})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def elapsed_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def eta_seconds(self) -> float | None:
        elapsed = self.elapsed_seconds
        if self.finished or not elapsed or not self.step or not self.total_steps:
            return None
        return elapsed / self.step * max(0, self.total_steps - self.step)

    @property
    def progress(self) -> dict:
        return {"step": self.step, "total": self.total_steps}
