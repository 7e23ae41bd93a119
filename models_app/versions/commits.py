"""A commit as the Hugging Face client sends it, applied to versions (SPEC §12).

A commit to `main` makes the next version: the newest version's files with the commit
applied. A commit to a version's name changes that version in place. Every file row owns
its storage object (`storage_key` is unique and deleting a row deletes its object), so the
files carried over into a new version are copies of their objects, made inside the storage
(a hard link on local files, CopyObject on S3): every existing delete path stays correct and
no byte passes through the hub.
"""

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from . import blobs, staging
from .models import ModelVersion, StagedObject, VersionStatus
from .paths import normalize_path
from .revisions import MAIN, newest_version
from .services import (
    Incoming,
    StoredCopy,
    file_delete,
    files_store,
    version_create,
    version_delete,
)


class CommitRefused(ValueError):
    """The commit cannot be applied; nothing was written. `code` is the client's error code."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


@dataclass
class Commit:
    summary: str = ""
    description: str = ""
    # path -> the file's bytes, or the staged object holding them
    additions: dict = field(default_factory=dict)
    deleted_files: list[str] = field(default_factory=list)
    deleted_folders: list[str] = field(default_factory=list)

    @property
    def notes(self) -> str:
        return "\n\n".join(part for part in (self.summary, self.description) if part)


def _incoming(path: str, source) -> Incoming:
    if isinstance(source, StagedObject):
        copy = StoredCopy(key=source.storage_key, sha256=source.sha256, size=source.size_bytes)
        return Incoming(path=path, source=copy)
    return Incoming(path=path, source=blobs.HashingReader(io.BytesIO(source), expected=len(source)))


def _is_deleted(path: str, commit: Commit) -> bool:
    return path in commit.deleted_files or any(
        path.startswith(folder.rstrip("/") + "/") for folder in commit.deleted_folders
    )


def _check_deletions(version: ModelVersion | None, commit: Commit) -> None:
    paths = set(version.files.values_list("path", flat=True)) if version else set()
    for path in commit.deleted_files:
        if path not in paths:
            raise CommitRefused(
                _("“%(path)s” is not a file of this revision: nothing to delete.") % {"path": path},
                "EntryNotFound",
            )


def normalized(commit: Commit) -> Commit:
    """The commit with its paths through the path rules (InvalidPath otherwise)."""
    commit.additions = {normalize_path(p): s for p, s in commit.additions.items()}
    commit.deleted_files = [normalize_path(p) for p in commit.deleted_files]
    commit.deleted_folders = [normalize_path(p) for p in commit.deleted_folders]
    return commit


def commit_apply(model, revision: str, commit: Commit, *, by) -> ModelVersion:
    """Applies `commit` to `revision` of `model`; returns the version it made or changed."""
    commit = normalized(commit)
    staged = [s for s in commit.additions.values() if isinstance(s, StagedObject)]
    if revision == MAIN:
        version = _commit_new_version(model, commit, by=by)
    else:
        version = model.versions.filter(name=revision).first()
        if version is None:
            raise CommitRefused(
                _("This model has no revision “%(rev)s”.") % {"rev": revision}, "RevisionNotFound"
            )
        _commit_in_place(version, commit, by=by)
    with transaction.atomic():
        staging.staged_discard(staged)
    return version


def _commit_new_version(model, commit: Commit, *, by) -> ModelVersion:
    base = newest_version(model)
    _check_deletions(base, commit)
    carried = []
    if base is not None:
        for row in base.files.order_by("path"):
            if row.path not in commit.additions and not _is_deleted(row.path, commit):
                carried.append(_carried(row))
    items = carried + [_incoming(path, source) for path, source in commit.additions.items()]
    version = version_create(model, by=by, status=VersionStatus.CREATED, notes=commit.notes)
    try:
        if items:
            files_store(version, items, by=by)
    except BaseException:
        version_delete(version, by=by)
        raise
    return version


def _carried(row) -> Incoming:
    copy = StoredCopy(key=row.storage_key, sha256=row.sha256, size=row.size_bytes)
    return Incoming(path=row.path, source=copy, content_type=row.content_type)


def branch_create(model, name: str, *, by, base: ModelVersion | None = None) -> ModelVersion:
    """A version named `name` holding copies of `base`'s files, by default the newest
    version's (the client's `create_branch` from `main`); empty when there is none."""
    base = base or newest_version(model)
    items = [_carried(row) for row in base.files.order_by("path")] if base else []
    version = version_create(model, by=by, name=name)
    try:
        if items:
            files_store(version, items, by=by)
    except BaseException:
        version_delete(version, by=by)
        raise
    return version


def _commit_in_place(version: ModelVersion, commit: Commit, *, by) -> None:
    _check_deletions(version, commit)
    if commit.additions:
        items = [_incoming(path, source) for path, source in commit.additions.items()]
        files_store(version, items, by=by)
    doomed = [
        row
        for row in version.files.order_by("path")
        if row.path not in commit.additions and _is_deleted(row.path, commit)
    ]
    for row in doomed:
        file_delete(row, by=by)
