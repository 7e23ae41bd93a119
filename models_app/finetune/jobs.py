"""The end of a job, shared by the worker and the pages: finishing it (its version kept or
removed) and failing the jobs whose worker is gone."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import Caller
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.models import AIModel
from models_app.catalog.services import model_delete
from models_app.versions.models import ModelVersion, VersionStatus
from models_app.versions.services import version_delete

from .models import FineTuneJob, JobState


def remove_output(job: FineTuneJob, by=None) -> None:
    version = ModelVersion.objects.filter(pk=job.output_version_id).first()
    if version is not None:
        version_delete(version, by=by)
        if job.dataset_version_id == version.pk:
            job.dataset_version = None
    # The delete set the row's reference to NULL; the instance in hand must not write it back.
    job.output_version = None
    made_for_job = job.output_model_id and job.output_model_id != job.model_id
    if made_for_job:
        target = AIModel.objects.filter(pk=job.output_model_id).first()
        if target is not None and not target.versions.exists():
            model_delete(target, by=by)


def job_finish(
    job_id: int, *, state: str, error: str = "", metrics=None, lost_before=None
) -> FineTuneJob | None:
    """Ends a job: on success its version becomes *created*; otherwise the version and its
    objects go. Audited as the job's creator, through the worker."""
    with transaction.atomic():
        job = FineTuneJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None  # its model was deleted meanwhile, and the job with it
        if job.finished:
            return job
        if lost_before is not None and (
            job.heartbeat_at is None or job.heartbeat_at >= lost_before
        ):
            return job  # its worker reported again meanwhile
        by = Caller(user=job.created_by, via="finetune")
        job.state = state
        job.error = error
        job.finished_at = timezone.now()
        if metrics:
            job.metrics = {**job.metrics, **metrics}
        if state == JobState.SUCCEEDED:
            ModelVersion.objects.filter(pk=job.output_version_id).update(
                status=VersionStatus.CREATED, updated_at=timezone.now()
            )
        else:
            remove_output(job, by=by)
        job.save(
            update_fields=[
                "state",
                "error",
                "finished_at",
                "metrics",
                "output_version",
                "dataset_version",
            ]
        )
        audit_record(by, AuditAction.FINETUNE_FINISHED, job.model, job=job.pk, state=state)
    return job


def reap_lost_jobs() -> int:
    """Fails the running jobs whose worker stopped reporting (killed, machine gone): never
    `running` forever. Returns how many."""
    limit = timezone.now() - timedelta(seconds=settings.FINETUNE_HEARTBEAT_TIMEOUT)
    lost = list(
        FineTuneJob.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=limit).values_list(
            "pk", flat=True
        )
    )
    for job_id in lost:
        job_finish(
            job_id,
            state=JobState.FAILED,
            error=_("Worker lost: the worker stopped reporting while the job ran."),
            lost_before=limit,
        )
    return len(lost)
