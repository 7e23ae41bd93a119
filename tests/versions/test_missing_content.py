"""A file whose object is missing (or a storage that does not answer) gets a clear 410 or 503,
checked before the first byte: never a 500, never a zip cut short behind a 200."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from models_app.versions.models import VersionFile

from ..api.hub_helpers import bearer
from .conftest import file_url, upload_multipart


@pytest.fixture
def one_lost(backend, client_for, owner, version):
    """A version of two files, the object of `lost.bin` gone from the storage."""
    upload_multipart(client_for(owner), version, {"kept.bin": b"kept", "lost.bin": b"lost"})
    default_storage.delete(VersionFile.objects.get(path="lost.bin").storage_key)
    return version


def zip_url(version):
    return reverse("versions:zip", kwargs={"ref": version.model.uuid, "name": version.name})


def test_download_of_a_missing_object_is_a_410_page(one_lost, client_for, owner):
    response = client_for(owner).get(file_url(one_lost, "lost.bin"))
    assert response.status_code == 410
    assert b'data-testid="content-unavailable"' in response.content
    assert b"missing from the storage" in response.content
    assert "no-store" in response["Cache-Control"]


def test_download_of_a_missing_object_answers_json_to_a_script(one_lost, client_for, owner):
    response = client_for(owner).get(
        file_url(one_lost, "lost.bin"), headers={"Accept": "application/json"}
    )
    assert response.status_code == 410
    assert "missing from the storage" in response.json()["error"]


def test_ranged_and_head_requests_of_a_missing_object_are_410(one_lost, client_for, owner):
    client = client_for(owner)
    url = file_url(one_lost, "lost.bin")
    assert client.get(url, headers={"Range": "bytes=1-2"}).status_code == 410
    assert client.head(url).status_code == 410


def test_zip_with_a_missing_object_is_410_before_any_byte(one_lost, client_for, owner):
    response = client_for(owner).get(zip_url(one_lost))
    assert response.status_code == 410
    assert not response.streaming
    assert b"missing from the storage" in response.content


def test_model_download_with_a_missing_object_is_410(one_lost, client_for, owner):
    url = reverse("versions:model_download", kwargs={"ref": one_lost.model.uuid})
    assert client_for(owner).get(url).status_code == 410


def test_the_other_files_still_download(one_lost, client_for, owner):
    response = client_for(owner).get(file_url(one_lost, "kept.bin"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"kept"


def test_presigned_redirect_of_a_missing_object_is_410(s3, client_for, owner, version, settings):
    settings.S3_PRESIGNED_SECONDS = 300
    upload_multipart(client_for(owner), version, {"lost.bin": b"lost"})
    default_storage.delete(VersionFile.objects.get().storage_key)
    assert client_for(owner).get(file_url(version, "lost.bin")).status_code == 410


def test_hub_client_route_of_a_missing_object_is_410_with_its_message(one_lost, owner):
    model = one_lost.model
    response = Client().get(
        f"/{model.repo_id}/resolve/{one_lost.name}/lost.bin", headers=bearer(owner)
    )
    assert response.status_code == 410
    assert "missing from the storage" in response["X-Error-Message"]


def test_a_storage_that_does_not_answer_is_503(s3, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"a.bin": b"a"})
    client = client_for(owner)
    s3.stop()
    try:
        file_response = client.get(file_url(version, "a.bin"))
        zip_response = client.get(zip_url(version))
    finally:
        s3.start()
    assert (file_response.status_code, zip_response.status_code) == (503, 503)
    assert file_response["Retry-After"] == "60"
    assert b"not answering" in zip_response.content


def test_the_preview_of_a_missing_object_is_410_and_says_so(one_lost, client_for, owner):
    url = reverse(
        "versions:preview",
        kwargs={"ref": one_lost.model.uuid, "name": one_lost.name, "path": "lost.bin"},
    )
    response = client_for(owner).get(url)
    assert response.status_code == 410
    assert b'data-testid="content-missing"' in response.content
    assert b'data-testid="preview-download"' not in response.content


def test_export_of_a_version_with_a_missing_object_names_the_file(one_lost, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="lost.bin: its object .* is missing"):
        call_command("export_version", str(one_lost.model.uuid), "v1", str(tmp_path / "out"))
