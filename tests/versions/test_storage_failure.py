"""A storage that fails in the middle of an upload leaves no row and no object behind."""

import errno

import pytest
from django.core.files.storage import default_storage

from models_app.catalog.models import AIModel
from models_app.versions import blobs
from models_app.versions.models import VersionFile

from .conftest import upload_multipart, upload_raw

BIG = b"\xab" * (9 * 1024 * 1024)  # above the 8 MiB multipart threshold: two parts


@pytest.fixture
def disk_fills_up(monkeypatch):
    """Local storage writes the first chunk, then the disk is full."""
    original = blobs._StreamFile.chunks

    def chunks(self, chunk_size=None):
        for index, chunk in enumerate(original(self, chunk_size)):
            if index == 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            yield chunk

    monkeypatch.setattr(blobs._StreamFile, "chunks", chunks)


def _local_keys(settings):
    root = settings.MEDIA_ROOT / "artifacts"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_local_storage_failure_mid_upload_leaves_nothing(
    disk_fills_up, client_for, owner, version, settings
):
    response = upload_raw(client_for(owner), version, "model.bin", BIG)
    assert response.status_code == 503
    assert "nothing was saved" in response.json()["error"]
    assert not VersionFile.objects.exists()
    assert _local_keys(settings) == []


def test_s3_server_stopped_mid_upload_leaves_nothing(s3, client_for, owner, version):
    client = default_storage.connection.meta.client

    def stop_server(**kwargs):
        s3.stop()

    client.meta.events.register("after-call.s3.UploadPart", stop_server)
    try:
        response = upload_raw(client_for(owner), version, "model.bin", BIG)
    finally:
        client.meta.events.unregister("after-call.s3.UploadPart", stop_server)
        s3.start()
    assert response.status_code == 503
    assert "nothing was saved" in response.json()["error"]
    assert not VersionFile.objects.exists()
    assert s3.keys() == []


def test_s3_server_down_for_a_multipart_form_leaves_nothing(s3, client_for, owner, version):
    s3.stop()
    try:
        response = upload_multipart(
            client_for(owner), version, {"a.bin": b"a", "b.bin": b"b"}, follow=False
        )
    finally:
        s3.start()
    assert response.status_code == 503
    assert not VersionFile.objects.exists()
    assert s3.keys() == []


def test_failed_upload_leaves_sizes_unchanged(disk_fills_up, client_for, owner, version):
    upload_raw(client_for(owner), version, "model.bin", BIG)
    version.refresh_from_db()
    assert version.size_bytes == 0
    assert AIModel.objects.get(pk=version.model_id).storage_bytes == 0


def test_a_database_failure_after_storing_removes_the_object(
    backend, client_for, owner, version, monkeypatch
):
    from models_app.versions import services

    def broken_record(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_record", broken_record)
    response = upload_raw(client_for(owner), version, "model.bin", b"data")
    assert response.status_code == 503
    assert backend.keys() == []
