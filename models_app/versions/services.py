"""Writes of versions and files. Objects are stored before the transaction that records
them and removed if it fails; objects replaced or deleted are kept for the retention period
and purged afterwards (`retention.services.purge_later`)."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import as_caller
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.models import AIModel
from models_app.retention.services import purge_later
from models_app.tags.parsing import clean_tag_names

from . import blobs
from .models import ModelVersion, StagedObject, VersionFile, VersionStatus
from .parameters import model_fill_parameter_count, stored_parameter_count
from .paths import InvalidPath, file_is_a_folder, folder_is_a_file, parent_folders
from .rules import clean_version_name

logger = logging.getLogger("modelhub.versions")


class VersionNameTaken(Exception):
    pass


class StorageFailed(Exception):
    """The storage did not take a file; nothing was recorded and nothing is left behind."""


@dataclass
class Incoming:
    """One file to store: its normalised path and where its bytes come from.

    `source` is a HashingReader (streamed and hashed on the way to storage), a part of a
    multipart form already stored and hashed by StreamingUploadHandler (a `StoredUpload`: its
    `key`, `size` and `sha256`) or a StoredCopy (copied inside the storage)."""

    path: str
    source: object
    content_type: str = ""
    sha256: str = ""
    size: int = 0
    # From the header of a safetensors or GGUF file, once stored.
    parameter_count: int | None = None


@dataclass
class StoredCopy:
    """An Incoming source already in storage (a file of another version, a verified staged
    object): copied inside the storage, its SHA-256 and size already known."""

    key: str
    sha256: str
    size: int


def latest_version(model: AIModel) -> ModelVersion | None:
    """The most recently created version (S-30), with files or not."""
    return model.versions.order_by("-created_at", "-number").first()


def downloadable_version(model: AIModel) -> ModelVersion | None:
    """The newest version that has files: what "Download model" hands out (a newer version
    still waiting for its upload would be an empty zip)."""
    has_files = Exists(VersionFile.objects.filter(version=OuterRef("pk")))
    return model.versions.filter(has_files).order_by("-created_at", "-number").first()


def next_version_name(model: AIModel) -> str:
    number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    name = f"v{number}"
    while model.versions.filter(name=name).exists():
        number += 1
        name = f"v{number}"
    return name


def _checked_status(status: str) -> str:
    if status not in VersionStatus.values:
        raise ValidationError(
            _("“%(status)s” is not a version status.") % {"status": status}, code="invalid"
        )
    return status


def _touch_model(model_id: int, delta: int = 0):
    AIModel.objects.filter(pk=model_id).update(
        storage_bytes=F("storage_bytes") + delta, updated_at=timezone.now()
    )


def version_create(
    model: AIModel,
    *,
    by,
    name: str = "",
    status: str = VersionStatus.CREATED,
    tags: list[str] = (),
    notes: str = "",
) -> ModelVersion:
    """A new version; its index is the next per model, its name `v{n}` unless given."""
    caller = as_caller(by)
    name, status = clean_version_name(name), _checked_status(status)
    try:
        with transaction.atomic():
            AIModel.objects.select_for_update().filter(pk=model.pk).first()
            number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = ModelVersion.objects.create(
                model=model,
                number=number,
                name=name or next_version_name(model),
                status=status,
                tags=clean_tag_names(tags, per_category=False),
                notes=notes,
                created_by=caller.user if caller.is_signed_in else None,
            )
            _touch_model(model.pk)
            audit_record(caller, AuditAction.VERSION_CREATED, model, version=version.name)
    except IntegrityError as exc:
        raise VersionNameTaken(_("This model already has a version with this name.")) from exc
    return version


def version_update(
    version: ModelVersion, *, by, status: str, name: str = "", tags: list[str] = (), notes=""
) -> ModelVersion:
    version.name = clean_version_name(name) or version.name
    version.status = _checked_status(status)
    version.tags = clean_tag_names(tags, per_category=False)
    version.notes = notes
    version.updated_at = timezone.now()
    try:
        with transaction.atomic():
            version.save()
            _touch_model(version.model_id)
            audit_record(by, AuditAction.VERSION_EDITED, version.model, version=version.name)
    except IntegrityError as exc:
        raise VersionNameTaken(_("This model already has a version with this name.")) from exc
    return version


def version_delete(version: ModelVersion, *, by=None) -> list[str]:
    """Deletes the version and its rows; its objects are purged after the retention period."""
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
        keys = list(locked.files.values_list("storage_key", flat=True))
        size = locked.files.aggregate(s=Sum("size_bytes"))["s"] or 0
        locked.delete()
        _touch_model(version.model_id, -size)
        audit_record(
            by, AuditAction.VERSION_DELETED, version.model, version=version.name, files=len(keys)
        )
        purge_later(keys)
    return keys


def _store(item: Incoming, model: AIModel) -> str:
    """Stores the item's bytes unless they are stored already; returns its object key."""
    source = item.source
    if not isinstance(source, (blobs.HashingReader, StoredCopy)):
        item.size, item.sha256 = source.size, source.sha256
        return source.key
    key = blobs.new_key(model)
    try:
        if isinstance(source, StoredCopy):
            blobs.copy(source.key, key)
            item.size, item.sha256 = source.size, source.sha256
            return key
        blobs.write_stream(key, source)
    except BaseException:
        blobs.delete_quietly(key)
        raise
    item.size = source.size
    item.sha256 = source.sha256.hexdigest()
    return key


def _stored_already(items: list[Incoming]) -> list[str]:
    """The objects a multipart upload stored while its request was read (now this write's)."""
    return [
        i.source.key for i in items if not isinstance(i.source, (blobs.HashingReader, StoredCopy))
    ]


def _refuse_conflicts(version: ModelVersion, paths: list[str]) -> None:
    """Raises PathConflict when a path would make a name both a file and a folder: one of its
    folders is a file of the version, or files of the version lie under it."""
    parents = {parent: path for path in paths for parent in parent_folders(path)}
    for parent in paths:
        if parent in parents:
            raise file_is_a_folder(parents[parent], parent)
    clash = version.files.filter(path__in=list(parents)).values_list("path", flat=True).first()
    if clash is not None:
        raise file_is_a_folder(parents[clash], clash)
    for path in paths:
        # startswith is a LIKE, case-insensitive on SQLite: the exact test is made here.
        under = version.files.filter(path__startswith=path + "/").values_list("path", flat=True)
        if any(p.startswith(path + "/") for p in under.iterator()):
            raise folder_is_a_file(path)


def files_store(version: ModelVersion, items: list[Incoming], *, by) -> list[VersionFile]:
    """Stores every item, then records them all in one transaction (replacing files with the
    same path). On any failure no row is written and every new object is removed. A path
    that would make a name both a file and a folder raises PathConflict (an InvalidPath)."""
    stored: list[str] = _stored_already(items)
    try:
        _refuse_conflicts(version, [item.path for item in items])  # before any byte is stored
    except InvalidPath:
        blobs.delete_many(stored)
        raise
    stored_now: list[str] = []
    try:
        for item in items:
            key = _store(item, version.model)
            stored_now.append(key)
            item.parameter_count = stored_parameter_count(key, item.path, item.size)
        with transaction.atomic():
            saved, replaced = _record(version, items, stored_now, as_caller(by))
            purge_later(replaced)
    except (blobs.TooLarge, blobs.Truncated, InvalidPath):
        blobs.delete_many({*stored, *stored_now})
        raise
    except Exception as exc:
        logger.exception("upload into %s failed", version)
        blobs.delete_many({*stored, *stored_now})
        raise StorageFailed(
            _("The file could not be stored; nothing was saved. Please try again later.")
        ) from exc
    return saved


def _record(version: ModelVersion, items: list[Incoming], keys: list[str], caller):
    # Model row first (as model_delete does): a delete running meanwhile either sees these
    # files and removes their objects, or has removed the model and this upload fails whole.
    AIModel.objects.select_for_update().filter(pk=version.model_id).exists()
    locked = ModelVersion.objects.select_for_update().get(pk=version.pk)
    # Read under the version lock, which file_delete takes too: these rows cannot vanish
    # before they are saved below.
    _refuse_conflicts(locked, [i.path for i in items])
    existing = {f.path: f for f in locked.files.filter(path__in=[i.path for i in items])}
    now = timezone.now()
    delta = 0
    saved, replaced = [], []
    for item, key in zip(items, keys, strict=True):
        row = existing.get(item.path)
        if row is None:
            row = VersionFile(version=locked, path=item.path, created_at=now, size_bytes=0)
        else:
            replaced.append(row.storage_key)
        is_new = row.pk is None
        delta += item.size - row.size_bytes
        row.storage_key = key
        row.size_bytes = item.size
        row.sha256 = item.sha256
        row.content_type = item.content_type[:200]
        row.parameter_count = item.parameter_count
        row.uploaded_by = caller.user if caller.is_signed_in else None
        row.modified_at = now
        # Never an insert in place of a replaced row that is gone: that would count it twice.
        row.save(force_insert=is_new, force_update=not is_new)
        saved.append(row)
        audit_record(
            caller,
            AuditAction.FILE_UPLOADED,
            locked.model,
            version=locked.name,
            path=row.path,
            size=row.size_bytes,
            sha256=row.sha256,
        )
    ModelVersion.objects.filter(pk=locked.pk).update(
        size_bytes=F("size_bytes") + delta, updated_at=now
    )
    _touch_model(locked.model_id, delta)
    _fill_parameter_count(locked)
    return saved, replaced


def _fill_parameter_count(version: ModelVersion) -> None:
    """The model's parameter count from the newest version's weight files (parameters.py)."""
    newest = latest_version(version.model)
    if newest is not None and newest.pk == version.pk:
        model_fill_parameter_count(version)


def file_delete(file: VersionFile, *, by=None, storage_key: str | None = None) -> bool:
    """Deletes the file now at `file`'s path, re-read under the model and version locks (the
    order `_record` takes them), so an upload replacing it meanwhile is deleted whole; its
    object is purged after the retention period. With `storage_key`, only while the row still
    holds that object. False when there is nothing (left) to delete."""
    versions = ModelVersion.objects.filter(pk=file.version_id)
    model_id = versions.values_list("model_id", flat=True).first()
    if model_id is None:
        return False
    with transaction.atomic():
        AIModel.objects.select_for_update().filter(pk=model_id).exists()
        locked = ModelVersion.objects.select_for_update().filter(pk=file.version_id).first()
        if locked is None:
            return False
        row = VersionFile.objects.select_for_update().filter(version=locked, path=file.path).first()
        if row is None or (storage_key is not None and row.storage_key != storage_key):
            return False
        key, size = row.storage_key, row.size_bytes
        row.delete()
        audit_record(by, AuditAction.FILE_DELETED, locked.model, version=locked.name, path=row.path)
        ModelVersion.objects.filter(pk=locked.pk).update(size_bytes=F("size_bytes") - size)
        _touch_model(locked.model_id, -size)
        _fill_parameter_count(locked)
        purge_later([key])
    return True


def _count_model_download(model_id) -> None:
    # The model's own count serves the list's "most downloaded first" from an index; it
    # grows with its files' and versions' counts, in the same transaction.
    AIModel.objects.filter(pk=model_id).update(download_count=F("download_count") + 1)


def file_count_download(file_id: int) -> None:
    with transaction.atomic():
        VersionFile.objects.filter(pk=file_id).update(download_count=F("download_count") + 1)
        _count_model_download(
            Subquery(VersionFile.objects.filter(pk=file_id).values("version__model_id")[:1])
        )


def version_count_download(version_id: int) -> None:
    with transaction.atomic():
        ModelVersion.objects.filter(pk=version_id).update(download_count=F("download_count") + 1)
        _count_model_download(
            Subquery(ModelVersion.objects.filter(pk=version_id).values("model_id")[:1])
        )


def sizes_recompute() -> int:
    """Rebuilds every version's and model's size from the file rows; returns how many changed."""
    changed = 0
    with transaction.atomic():
        for version in ModelVersion.objects.annotate(total=Sum("files__size_bytes")):
            total = version.total or 0
            if version.size_bytes != total:
                ModelVersion.objects.filter(pk=version.pk).update(size_bytes=total)
                changed += 1
        for model in AIModel.objects.annotate(total=Sum("versions__files__size_bytes")):
            total = model.total or 0
            if model.storage_bytes != total:
                AIModel.objects.filter(pk=model.pk).update(storage_bytes=total)
                changed += 1
    return changed


def model_storage_keys(model: AIModel) -> list[str]:
    """Every object key of a model's files and staged objects (for deleting the model, S-62)."""
    files = VersionFile.objects.filter(version__model=model).values_list("storage_key", flat=True)
    staged = StagedObject.objects.filter(model=model).values_list("storage_key", flat=True)
    return [*files, *staged]


def referenced_keys(keys: list[str]) -> set[str]:
    """Those of `keys` that a file or a staged object names (the purge keeps them)."""
    files = VersionFile.objects.filter(storage_key__in=keys).values_list("storage_key", flat=True)
    staged = StagedObject.objects.filter(storage_key__in=keys)
    return {*files, *staged.values_list("storage_key", flat=True)}
