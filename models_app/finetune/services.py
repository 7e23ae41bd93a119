"""Writes of fine-tune jobs: create (the output version with status *training*, the uploaded
dataset stored in it like any artifact, the job queued once all of it is committed), cancel,
finish, and failing the jobs whose worker is gone. A job that does not succeed leaves no
version and no stored object behind."""

import logging
from pathlib import PurePosixPath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app import queue
from models_app.access.caller import as_caller
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.services import model_create, model_delete
from models_app.versions import blobs
from models_app.versions.models import ModelVersion, VersionStatus
from models_app.versions.paths import normalize_path
from models_app.versions.services import Incoming, files_store, version_create, version_delete

from .jobs import remove_output
from .models import FineTuneJob, JobState
from .recipes import Recipe
from .tasks import run_finetune_job

logger = logging.getLogger("modelhub.finetune")

DATASETS_FOLDER = "datasets"


def uploaded_dataset_path(filename: str) -> str:
    """Where an uploaded dataset is stored in the new version; InvalidPath for a name no
    file may have."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "dataset"
    return normalize_path(f"{DATASETS_FOLDER}/{name}")


def job_create(
    *,
    by,
    model,
    base_version: ModelVersion,
    recipe: Recipe,
    params: dict,
    dataset_upload=None,
    dataset_path: str = "",
    output_version: str = "",
    output_model_title: str = "",
) -> FineTuneJob:
    """A queued job and its output version (status *training*). The caller has checked the
    values (forms.FineTuneForm / rules); a dataset upload is stored into the output
    version under datasets/ with its SHA-256. On any failure nothing is left behind."""
    caller = as_caller(by)
    target = model
    if output_model_title:
        target = model_create(
            by=caller,
            owner=caller.user,
            title=output_model_title,
            description=_("Fine-tuned from %(model)s %(version)s.")
            % {"model": model.title, "version": base_version.name},
            base_model=model.title,
        )
    version = version_create(
        target,
        by=caller,
        name=output_version,
        status=VersionStatus.TRAINING,
        notes=_("Fine-tuned from %(base)s with %(recipe)s.")
        % {"base": base_version.name, "recipe": recipe.key},
    )
    try:
        if dataset_upload is not None:
            path = uploaded_dataset_path(dataset_upload.name)
            reader = blobs.HashingReader(dataset_upload.open("rb"))
            (stored,) = files_store(
                version, [Incoming(path=path, source=reader, content_type="")], by=caller
            )
            dataset_version, dataset_file = version, stored
        else:
            dataset_version = base_version
            dataset_file = base_version.files.get(path=dataset_path)
        with transaction.atomic():
            job = FineTuneJob.objects.create(
                model=model,
                output_model=target,
                base_version=base_version,
                base_version_name=base_version.name,
                output_version=version,
                output_version_name=version.name,
                recipe=recipe.key,
                params=params,
                dataset_name=PurePosixPath(dataset_file.path).name,
                dataset_version=dataset_version,
                dataset_path=dataset_file.path,
                dataset_sha256=dataset_file.sha256,
                created_by=caller.user if caller.is_signed_in else None,
            )
            audit_record(
                caller,
                AuditAction.FINETUNE_QUEUED,
                model,
                job=job.pk,
                recipe=recipe.key,
                base=base_version.name,
                version=version.name,
                dataset=dataset_file.path,
            )
            transaction.on_commit(lambda: _enqueue(job.pk))
    except BaseException:
        version_delete(version, by=caller)
        if target is not model:
            model_delete(target, by=caller)
        raise
    return job


def _enqueue(job_id: int) -> None:
    result = queue.enqueue(run_finetune_job, job_id)
    FineTuneJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def job_cancel(job: FineTuneJob, *, by) -> FineTuneJob:
    """A queued job is cancelled at once (its version removed); a running one is flagged,
    and its worker stops the training within a second or two."""
    caller = as_caller(by)
    with transaction.atomic():
        locked = FineTuneJob.objects.select_for_update().get(pk=job.pk)
        if locked.finished or locked.cancel_requested:
            return locked
        audit_record(caller, AuditAction.FINETUNE_CANCELLED, locked.model, job=locked.pk)
        if locked.state == JobState.QUEUED:
            locked.state = JobState.CANCELLED
            locked.finished_at = timezone.now()
            locked.error = _("Cancelled before it started.")
            locked.save(update_fields=["state", "finished_at", "error"])
            remove_output(locked, by=caller)
        else:
            locked.cancel_requested = True
            locked.save(update_fields=["cancel_requested"])
    return locked
