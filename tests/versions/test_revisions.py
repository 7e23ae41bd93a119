"""Revisions and commit ids for the Hugging Face–compatible routes (issue 12, SPEC §12)."""

import io
import re
from datetime import timedelta

from django.utils import timezone

from models_app.versions import blobs
from models_app.versions.revisions import resolve_revision, version_commit_id
from models_app.versions.services import Incoming, files_store

from .factories import VersionFactory

COMMIT_ID = re.compile(r"[0-9a-f]{40}")


def store(version, by, files: dict[str, bytes]):
    items = [
        Incoming(path=path, source=blobs.HashingReader(io.BytesIO(content)))
        for path, content in files.items()
    ]
    files_store(version, items, by=by)


def test_main_is_the_newest_version(model):
    now = timezone.now()
    VersionFactory(model=model, name="v1", created_at=now - timedelta(days=2))
    newest = VersionFactory(model=model, name="v2", created_at=now)
    VersionFactory(model=model, name="v0", created_at=now - timedelta(days=5))
    assert resolve_revision(model, "main") == newest


def test_main_of_a_model_without_versions_is_none(model):
    assert resolve_revision(model, "main") is None


def test_other_revisions_are_version_names_with_dots_plus_and_underscores(model):
    odd = VersionFactory(model=model, name="1.0.0+build_7-rc")
    VersionFactory(model=model, name="v2")
    assert resolve_revision(model, "1.0.0+build_7-rc") == odd
    assert resolve_revision(model, "1.0.0") is None
    assert resolve_revision(model, "V2") is None


def test_a_version_of_another_model_is_not_a_revision(model, owner):
    other = VersionFactory(name="v9")
    assert other.model != model
    assert resolve_revision(model, "v9") is None


def test_empty_version_has_a_commit_id(model):
    version = VersionFactory(model=model)
    assert COMMIT_ID.fullmatch(version_commit_id(version))


def test_same_files_same_commit_id_and_one_query(model, owner, django_assert_num_queries):
    version = VersionFactory(model=model)
    store(version, owner, {"config.json": b"{}", "weights/model.bin": b"x" * 100})
    first = version_commit_id(version)
    with django_assert_num_queries(1):
        again = version_commit_id(version)
    assert again == first
    assert COMMIT_ID.fullmatch(first)


def test_a_reupload_that_changes_a_file_changes_the_commit_id(model, owner):
    version = VersionFactory(model=model)
    store(version, owner, {"config.json": b"{}", "model.bin": b"x" * 100})
    before = version_commit_id(version)
    store(version, owner, {"model.bin": b"y" * 100})
    changed = version_commit_id(version)
    assert changed != before
    store(version, owner, {"extra.txt": b"more"})
    assert version_commit_id(version) not in (before, changed)


def test_versions_with_the_same_files_have_different_commit_ids(model, owner):
    first, second = VersionFactory(model=model), VersionFactory(model=model)
    for version in (first, second):
        store(version, owner, {"config.json": b"{}"})
    assert version_commit_id(first) != version_commit_id(second)
