"""Deleted models', versions' and files' objects are kept for the retention period, so a
restored database backup finds them; `purge_deleted` removes them afterwards."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from models_app.catalog.services import model_delete
from models_app.retention.models import PendingPurge
from models_app.retention.services import purge_due
from models_app.versions.models import VersionFile
from models_app.versions.services import file_delete, version_delete

from .conftest import upload_multipart


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def two_files(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"model.bin": b"weights", "config.json": b"{}"})
    return sorted(VersionFile.objects.values_list("storage_key", flat=True))


def age_pending(days: float):
    """As if the deletes happened `days` ago."""
    PendingPurge.objects.update(deleted_at=timezone.now() - timedelta(days=days))


def test_a_deleted_model_keeps_its_objects_for_the_retention_period(
    backend, model, two_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        model_delete(model)
    assert backend.keys() == two_files
    assert sorted(PendingPurge.objects.values_list("storage_key", flat=True)) == two_files


def test_a_deleted_version_and_a_deleted_file_are_kept_too(
    backend, owner, version, two_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        file_delete(VersionFile.objects.get(path="config.json"), by=owner)
        version_delete(version, by=owner)
    assert backend.keys() == two_files
    assert PendingPurge.objects.count() == 2


def test_a_replaced_file_keeps_its_old_object_too(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"model.bin": b"old"})
    old_key = VersionFile.objects.get().storage_key
    upload_multipart(client_for(owner), version, {"model.bin": b"new"})
    assert old_key in backend.keys()  # noqa: SIM118 (a list of the stored keys)
    assert PendingPurge.objects.filter(storage_key=old_key).exists()


def test_purge_deleted_removes_objects_past_the_retention_period(backend, model, two_files):
    model_delete(model)
    age_pending(8)
    output = run("purge_deleted")
    assert backend.keys() == []
    assert not PendingPurge.objects.exists()
    assert "2 deleted objects purged, 0 kept" in output


def test_purge_deleted_leaves_objects_still_within_the_period(backend, model, two_files):
    model_delete(model)
    age_pending(6)
    output = run("purge_deleted")
    assert backend.keys() == two_files
    assert "0 deleted objects purged" in output
    assert "2 still within the retention period (7 days)" in output


def test_the_retention_period_is_a_setting(backend, model, two_files, settings):
    settings.DELETED_RETENTION_DAYS = 30
    model_delete(model)
    age_pending(8)
    run("purge_deleted")
    assert backend.keys() == two_files


def test_purge_deleted_dry_run_removes_nothing(backend, model, two_files):
    model_delete(model)
    age_pending(8)
    output = run("purge_deleted", "--dry-run", "--verbosity", "2")
    assert backend.keys() == two_files
    assert PendingPurge.objects.count() == 2
    assert "2 deleted objects would be purged" in output
    assert f"would purge: {two_files[0]}" in output


def test_purge_keeps_an_object_that_a_row_names_again(backend, owner, version, two_files):
    """A restored backup brings the file's row back while its pending row is still there:
    the object stays and only the pending row goes."""
    row = VersionFile.objects.get(path="model.bin")
    file_delete(row, by=owner)
    row.pk = None
    row.save(force_insert=True)  # what pg_restore brings back
    age_pending(8)
    output = run("purge_deleted")
    assert row.storage_key in backend.keys()  # noqa: SIM118 (a list of the stored keys)
    assert not PendingPurge.objects.exists()
    assert "0 deleted objects purged, 1 kept (named by a row again)" in output


def test_purge_retries_what_the_storage_refused(backend, model, two_files, monkeypatch):
    from django.core.files.storage import default_storage

    model_delete(model)
    age_pending(8)
    real_delete = default_storage.delete

    def refuse_one(name):
        if name == two_files[0]:
            raise OSError("storage unavailable")
        real_delete(name)

    monkeypatch.setattr(default_storage, "delete", refuse_one)
    summary = purge_due()
    assert summary.failed == [two_files[0]]
    assert list(PendingPurge.objects.values_list("storage_key", flat=True)) == [two_files[0]]
    monkeypatch.undo()
    assert purge_due().purged == [two_files[0]]
    assert backend.keys() == []


def test_purge_deleted_exits_non_zero_when_an_object_could_not_be_removed(
    model, two_files, monkeypatch
):
    from django.core.files.storage import default_storage

    model_delete(model)
    age_pending(8)

    def refuse(name):
        raise OSError("storage unavailable")

    monkeypatch.setattr(default_storage, "delete", refuse)
    with pytest.raises(SystemExit) as exit_:
        run("purge_deleted")
    assert exit_.value.code == 1


def test_a_retention_of_zero_removes_objects_when_the_delete_commits(
    backend, model, two_files, settings, django_capture_on_commit_callbacks
):
    settings.DELETED_RETENTION_DAYS = 0
    with django_capture_on_commit_callbacks(execute=True):
        model_delete(model)
    assert backend.keys() == []
    assert not PendingPurge.objects.exists()


def test_a_key_deleted_again_starts_a_new_period(backend, owner, version, two_files):
    row = VersionFile.objects.get(path="model.bin")
    file_delete(row, by=owner)
    age_pending(8)
    row.pk = None
    row.save(force_insert=True)
    file_delete(row, by=owner)
    run("purge_deleted")
    assert row.storage_key in backend.keys()  # noqa: SIM118 (a list of the stored keys)


def test_check_storage_does_not_call_pending_objects_orphans(backend, model, two_files):
    model_delete(model)
    output = run("check_storage", "--repair", "--grace-hours", "0")
    assert "0 missing, 0 orphans, 2 deleted and kept for the retention period" in output
    assert backend.keys() == two_files


def test_check_storage_exits_non_zero_while_a_file_has_no_object(backend, version, two_files):
    from django.core.files.storage import default_storage

    default_storage.delete(two_files[0])
    out = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("check_storage", stdout=out, stderr=StringIO())
    assert failure.value.returncode == 1
    assert "1 missing" in out.getvalue()


def test_check_storage_repair_keeps_the_rows_of_missing_objects(backend, version, two_files):
    from django.core.files.storage import default_storage

    default_storage.delete(two_files[0])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_storage", "--repair", stdout=out, stderr=StringIO())
    assert VersionFile.objects.count() == 2
    assert "--delete-missing-rows" in out.getvalue()


def test_check_storage_deletes_rows_of_missing_objects_only_when_told(backend, version, two_files):
    from django.core.files.storage import default_storage

    default_storage.delete(two_files[0])
    run("check_storage", "--repair", "--delete-missing-rows")
    assert list(VersionFile.objects.values_list("storage_key", flat=True)) == [two_files[1]]


def test_delete_missing_rows_needs_repair(db):
    with pytest.raises(CommandError, match="--repair"):
        run("check_storage", "--delete-missing-rows")
