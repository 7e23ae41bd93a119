"""The write path of deployments: deploy, stop, start, move to another version, delete. Each
checks the rules, writes in one transaction and records its audit row there. The supervisor
does the rest (starting, stopping and watching processes)."""

from django.db import transaction
from django.utils import timezone

from models_app.access.caller import as_caller
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import LOCAL_RUNTIMES, Deployment, Desired, State
from .rules import check_local_capacity, clean_deployment
from .secrets import encrypt_secret
from .status import version_maybe_undeployed


def _details(deployment: Deployment) -> dict:
    details = {
        "deployment": deployment.pk,
        "version": deployment.version.name,
        "runtime": deployment.runtime,
    }
    if deployment.file_path:
        details["file"] = deployment.file_path
    if deployment.upstream_url:
        details["upstream"] = deployment.upstream_url
    return details


def deployment_create(
    *,
    by,
    model,
    version,
    runtime: str,
    file_path: str = "",
    task: str = "",
    threads=1,
    context_size=2048,
    max_concurrency=1,
    upstream_url: str = "",
    upstream_model: str = "",
    upstream_key: str = "",
    upstream_key_env: str = "",
) -> Deployment:
    """A deployment of `version` wanting to run; the supervisor picks it up. The upstream
    key is stored encrypted and is never shown or recorded again."""
    caller = as_caller(by)
    if version.model_id != model.pk:
        raise ValueError("the version is not the model's")
    cleaned = clean_deployment(
        version=version,
        runtime=runtime,
        file_path=file_path,
        task=task,
        threads=threads,
        context_size=context_size,
        max_concurrency=max_concurrency,
        upstream_url=upstream_url,
        upstream_model=upstream_model,
        upstream_key_env=upstream_key_env,
    )
    with transaction.atomic():
        if cleaned["runtime"] in LOCAL_RUNTIMES:
            # Serialises concurrent deploys on the limit (PostgreSQL locks the rows read).
            list(Deployment.objects.select_for_update().local().wanted_running().values("pk"))
            check_local_capacity()
        deployment = Deployment.objects.create(
            model=model,
            version=version,
            upstream_key_encrypted=encrypt_secret(upstream_key.strip())
            if not cleaned["upstream_key_env"]
            else "",
            created_by=caller.user if caller.is_signed_in else None,
            **cleaned,
        )
        audit_record(caller, AuditAction.DEPLOYED, model, **_details(deployment))
    return deployment


def deployment_stop(deployment: Deployment, *, by) -> Deployment:
    """Out of the gateway at once; the supervisor ends its process."""
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        was_ready = locked.state == State.READY
        locked.desired = Desired.STOPPED
        locked.state = State.STOPPED
        locked.base_url = ""
        locked.updated_at = timezone.now()
        locked.save(update_fields=["desired", "state", "base_url", "updated_at"])
        audit_record(by, AuditAction.DEPLOYMENT_STOPPED, locked.model, **_details(locked))
        if was_ready:
            version_maybe_undeployed(locked.version_id)
    return locked


def deployment_start(deployment: Deployment, *, by) -> Deployment:
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        if locked.desired == Desired.RUNNING:
            return locked
        if locked.is_local:
            list(Deployment.objects.select_for_update().local().wanted_running().values("pk"))
            check_local_capacity(exclude_pk=locked.pk)
        locked.desired = Desired.RUNNING
        locked.state = State.STARTING
        locked.error = ""
        locked.updated_at = timezone.now()
        locked.save(update_fields=["desired", "state", "error", "updated_at"])
        audit_record(by, AuditAction.DEPLOYMENT_STARTED, locked.model, **_details(locked))
    return locked


def deployment_redeploy(deployment: Deployment, *, by, version) -> Deployment:
    """Moves the deployment to `version` (a newer one), the same runtime and settings, the
    file found again in that version; the supervisor restarts it there."""
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        previous_version = locked.version
        same_name = (
            locked.file_path
            if locked.file_path in set(version.files.values_list("path", flat=True))
            else ""
        )
        cleaned = clean_deployment(
            version=version,
            runtime=locked.runtime,
            file_path=same_name,
            task=locked.task if locked.runtime != "openai" else "",
            threads=locked.threads,
            context_size=locked.context_size,
            max_concurrency=locked.max_concurrency,
            upstream_url=locked.upstream_url,
            upstream_model=locked.upstream_model,
            upstream_key_env=locked.upstream_key_env,
        )
        was_ready = locked.state == State.READY
        for name, value in cleaned.items():
            setattr(locked, name, value)
        locked.version = version
        locked.state = State.STARTING if locked.desired == Desired.RUNNING else State.STOPPED
        locked.base_url = ""
        locked.error = ""
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(
            by,
            AuditAction.DEPLOYMENT_REDEPLOYED,
            locked.model,
            from_version=previous_version.name,
            **_details(locked),
        )
        if was_ready:
            version_maybe_undeployed(previous_version.pk, locked.version_status_before)
            Deployment.objects.filter(pk=locked.pk).update(version_status_before="")
    return locked


def deployment_delete(deployment: Deployment, *, by) -> None:
    """The row goes; the supervisor that ran it sees that and ends the process."""
    with transaction.atomic():
        locked = Deployment.objects.select_for_update().get(pk=deployment.pk)
        details = _details(locked)
        model, version_id = locked.model, locked.version_id
        remembered = locked.version_status_before
        locked.delete()
        audit_record(by, AuditAction.DEPLOYMENT_DELETED, model, **details)
        version_maybe_undeployed(version_id, remembered)
