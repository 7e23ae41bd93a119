"""Deleting a file while the same path is re-uploaded: whichever order the two land in, no
object is left without a row and the sizes match the rows. The interleavings are replayed
deterministically by running one operation at the point where the other has read its data."""

import io

import pytest
from django.urls import reverse

from models_app.catalog.models import AIModel
from models_app.versions import blobs, services, views
from models_app.versions.models import VersionFile
from models_app.versions.services import Incoming, file_delete, files_store

from .conftest import upload_raw

OLD = b"\x00old weights" * 1000
NEW = b'{"new": true}'


def delete_file_url(version):
    return reverse("versions:delete_file", kwargs={"ref": version.model.uuid, "name": version.name})


def reupload(version, user, data=NEW):
    """Another request replacing `model.bin`, committed."""
    reader = blobs.HashingReader(io.BytesIO(data), expected=len(data))
    return files_store(version, [Incoming(path="model.bin", source=reader)], by=user)


def sizes(version):
    version.refresh_from_db()
    return version.size_bytes, AIModel.objects.get(pk=version.model_id).storage_bytes


@pytest.fixture
def stale(backend, client_for, owner, version, django_capture_on_commit_callbacks):
    """`model.bin` as a delete request read it, before anything else happened (on each
    storage backend)."""
    with django_capture_on_commit_callbacks(execute=True):
        upload_raw(client_for(owner), version, "model.bin", OLD)
    return VersionFile.objects.get()


@pytest.fixture
def delete_after_reupload(stale, owner, version, django_capture_on_commit_callbacks):
    """The delete read the row, then a re-upload replaced it, then the delete ran."""
    with django_capture_on_commit_callbacks(execute=True):
        reupload(version, owner)
    with django_capture_on_commit_callbacks(execute=True):
        deleted = file_delete(stale)
    return deleted


@pytest.fixture
def reupload_around_delete(
    stale, client_for, owner, version, monkeypatch, django_capture_on_commit_callbacks
):
    """The re-upload stored its object, then the delete committed, then the upload recorded."""
    original = services._store

    def store_then_delete(item, model):
        key = original(item, model)
        file_delete(stale)
        return key

    monkeypatch.setattr(services, "_store", store_then_delete)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_raw(client_for(owner), version, "model.bin", NEW)
    assert response.status_code == 201
    return response


def test_delete_after_a_reupload_deletes_the_new_row(delete_after_reupload):
    assert delete_after_reupload is True
    assert not VersionFile.objects.exists()


@pytest.mark.usefixtures("delete_at_once")
def test_delete_after_a_reupload_leaves_no_object(delete_after_reupload, backend):
    assert backend.keys() == []


def test_delete_after_a_reupload_leaves_sizes_at_zero(delete_after_reupload, version):
    assert sizes(version) == (0, 0)


@pytest.mark.usefixtures("delete_at_once")
def test_delete_request_racing_a_reupload_leaves_no_object(
    stale, backend, client_for, owner, version, monkeypatch, django_capture_on_commit_callbacks
):
    def reupload_then_delete(file, **kwargs):
        reupload(version, owner)
        return file_delete(file, **kwargs)

    monkeypatch.setattr(views, "file_delete", reupload_then_delete)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(delete_file_url(version), {"path": "model.bin"})
    assert response.status_code == 302
    assert (VersionFile.objects.count(), backend.keys(), sizes(version)) == (0, [], (0, 0))


def test_delete_request_for_a_file_deleted_meanwhile_is_404_and_counts_once(
    stale, client_for, owner, version, monkeypatch
):
    def deleted_meanwhile(file, **kwargs):
        file_delete(file)
        return file_delete(file, **kwargs)

    monkeypatch.setattr(views, "file_delete", deleted_meanwhile)
    response = client_for(owner).post(delete_file_url(version), {"path": "model.bin"})
    assert response.status_code == 404
    assert sizes(version) == (0, 0)


def test_reupload_around_a_delete_keeps_one_row_with_the_new_bytes(reupload_around_delete):
    row = VersionFile.objects.get()
    assert row.size_bytes == len(NEW)
    assert row.sha256 == reupload_around_delete.json()["files"][0]["sha256"]


@pytest.mark.usefixtures("delete_at_once")
def test_reupload_around_a_delete_leaves_only_the_new_object(reupload_around_delete, backend):
    assert backend.keys() == [VersionFile.objects.get().storage_key]


def test_reupload_around_a_delete_counts_the_new_size_once(reupload_around_delete, version):
    assert sizes(version) == (len(NEW), len(NEW))


def test_delete_with_an_expected_key_spares_a_replacing_file(stale, owner, version):
    reupload(version, owner)
    assert file_delete(stale, storage_key=stale.storage_key) is False
    assert VersionFile.objects.get().size_bytes == len(NEW)
