from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.catalog.models import AIModel
from models_app.versions.models import ModelVersion


class Runtime(models.TextChoices):
    LLAMA_CPP = "llama.cpp", _("llama.cpp (GGUF)")
    ONNXRUNTIME = "onnxruntime", _("ONNX Runtime")
    OPENAI = "openai", _("OpenAI-compatible upstream")


class Task(models.TextChoices):
    # llama.cpp and upstreams serve chat, completions and embeddings alike.
    CHAT = "chat", _("Chat and completions")
    FEATURE_EXTRACTION = "feature-extraction", _("Feature extraction (embeddings)")
    TEXT_CLASSIFICATION = "text-classification", _("Text classification")
    RAW = "raw", _("Raw tensors")


class Desired(models.TextChoices):
    RUNNING = "running", _("Running")
    STOPPED = "stopped", _("Stopped")


class State(models.TextChoices):
    STARTING = "starting", _("Starting")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")


LOCAL_RUNTIMES = (Runtime.LLAMA_CPP, Runtime.ONNXRUNTIME)


class DeploymentQuerySet(models.QuerySet):
    def ready(self):
        """Deployments the gateway may send requests to now."""
        return self.filter(state=State.READY, desired=Desired.RUNNING).exclude(base_url="")

    def local(self):
        return self.filter(runtime__in=LOCAL_RUNTIMES)

    def wanted_running(self):
        return self.filter(desired=Desired.RUNNING)


class Deployment(models.Model):
    """A version of a model served by a runtime. The user sets `desired`; the supervisor
    (`run_deployments`) owns the process and reports `state`."""

    model = models.ForeignKey(AIModel, on_delete=models.CASCADE, related_name="deployments")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="deployments")
    runtime = models.CharField(_("runtime"), max_length=20, choices=Runtime.choices)
    task = models.CharField(_("task"), max_length=30, choices=Task.choices, default=Task.CHAT)
    file_path = models.CharField(_("file"), max_length=1024, blank=True)
    threads = models.PositiveSmallIntegerField(_("threads"), default=1)
    context_size = models.PositiveIntegerField(_("context size"), default=2048)
    max_concurrency = models.PositiveSmallIntegerField(_("concurrent requests"), default=1)
    upstream_url = models.URLField(_("upstream URL"), max_length=500, blank=True)
    upstream_model = models.CharField(_("upstream model"), max_length=200, blank=True)
    # Fernet token (`secrets.encrypt_secret`); never shown after saving.
    upstream_key_encrypted = models.TextField(blank=True, editable=False)
    # Or the name of an environment variable of the processes that call the upstream.
    upstream_key_env = models.CharField(_("upstream key variable"), max_length=100, blank=True)
    desired = models.CharField(
        _("desired"), max_length=10, choices=Desired.choices, default=Desired.RUNNING
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.STARTING
    )
    error = models.TextField(_("error"), blank=True)
    log_tail = models.TextField(_("last log lines"), blank=True)
    # Where the gateway reaches it while ready: "http://127.0.0.1:PORT" for a local runner,
    # the upstream's base URL for an upstream.
    base_url = models.CharField(max_length=500, blank=True)
    # The run_deployments instance that owns it ("host:pid"), empty when nobody does.
    supervisor = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    restarts = models.PositiveIntegerField(_("restarts"), default=0)
    # The status its version had before this deployment made it "deployed", given back
    # when no deployment of the version is ready any more (`status.py`).
    version_status_before = models.CharField(max_length=10, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["desired", "runtime"], name="deployment_work"),
            models.Index(fields=["model", "state"], name="deployment_model_state"),
        ]
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")

    def __str__(self):
        return f"{self.gateway_name()} ({self.runtime})"

    def gateway_name(self) -> str:
        """The `model` field of a gateway request that reaches exactly this version."""
        return f"{self.model.repo_id}:{self.version.name}"

    @property
    def is_local(self) -> bool:
        return self.runtime in LOCAL_RUNTIMES


class EndpointKey(models.Model):
    """An API endpoint key (`mhk_…`): lets an application call the gateway for one model, as
    its creator may (view only), within a rate limit. Only a hash of the secret is kept."""

    model = models.ForeignKey(
        AIModel, on_delete=models.CASCADE, related_name="endpoint_keys", verbose_name=_("model")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_rpm = models.PositiveIntegerField(_("requests per minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("endpoint key")
        verbose_name_plural = _("endpoint keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()


class GatewayCall(models.Model):
    """One request through the gateway, for the usage figures. Rows are only ever inserted:
    counters updated in place would be one hot row every request of a busy key locks."""

    deployment = models.ForeignKey(
        Deployment, on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    key = models.ForeignKey(
        EndpointKey, on_delete=models.CASCADE, null=True, blank=True, related_name="calls"
    )
    at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField()
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["deployment", "-id"], name="call_deployment_recent"),
            models.Index(fields=["key", "-id"], name="call_key_recent"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status} {self.latency_ms} ms"
