import io
import time
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from models_app.versions.models import ModelVersion, VersionFile

from .conftest import file_url, sha256, upload_multipart
from .factories import VersionFactory

WEIGHTS = bytes(range(256)) * 400
CONFIG = b'{"hidden_size": 4096}'


@pytest.fixture
def stored(backend, client_for, owner, version):
    upload_multipart(
        client_for(owner), version, {"artifacts/model.bin": WEIGHTS, "config.json": CONFIG}
    )
    return version


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def close_like_a_server(response):
    """What the WSGI server does when a client goes away; the test's database connection is
    kept (request_finished would close it, being inside the test's transaction)."""
    from unittest import mock

    from django.db.backends.base.base import BaseDatabaseWrapper

    with mock.patch.object(BaseDatabaseWrapper, "close_if_unusable_or_obsolete"):
        response.close()


def zip_url(version):
    return reverse("versions:zip", kwargs={"ref": version.model.uuid, "name": version.name})


def test_file_download_has_length_and_attachment_name(stored, client_for, owner):
    response = client_for(owner).get(file_url(stored, "artifacts/model.bin"))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(WEIGHTS))
    assert response["Content-Disposition"] == 'attachment; filename="model.bin"'
    assert response["Accept-Ranges"] == "bytes"
    assert body(response) == WEIGHTS


def test_japanese_file_name_uses_rfc5987(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"重み/モデル.bin": CONFIG})
    response = client_for(owner).get(file_url(version, "重み/モデル.bin"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E3%83%A2%E3%83%87%E3%83%AB.bin"
    )
    assert body(response) == CONFIG


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, len(WEIGHTS) - 1), ("bytes=-10", None, None)],
)
def test_range_request_returns_206_with_those_bytes(stored, client_for, owner, header, start, end):
    if start is None:
        start, end = len(WEIGHTS) - 10, len(WEIGHTS) - 1
    response = client_for(owner).get(
        file_url(stored, "artifacts/model.bin"), headers={"Range": header}
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(WEIGHTS)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert body(response) == WEIGHTS[start : end + 1]


def test_range_past_the_end_is_416(stored, client_for, owner):
    response = client_for(owner).get(
        file_url(stored, "artifacts/model.bin"), headers={"Range": f"bytes={len(WEIGHTS)}-"}
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(WEIGHTS)}"


def test_resumed_download_reassembles_the_file(stored, client_for, owner):
    client = client_for(owner)
    url = file_url(stored, "artifacts/model.bin")
    first = body(client.get(url, headers={"Range": "bytes=0-4999"}))
    rest = body(client.get(url, headers={"Range": "bytes=5000-"}))
    assert sha256(first + rest) == sha256(WEIGHTS)


def test_version_zip_holds_every_file(stored, client_for, owner):
    response = client_for(owner).get(zip_url(stored))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = body(response)
    assert response["Content-Length"] == str(len(data))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.read("artifacts/model.bin") == WEIGHTS
    assert archive.read("config.json") == CONFIG


def test_zip_is_named_after_model_and_version(stored, client_for, owner):
    response = client_for(owner).get(zip_url(stored))
    assert response["Content-Disposition"] == 'attachment; filename="pipeline-demo-0412-v1.zip"'


def test_model_download_is_the_latest_version(stored, client_for, owner, model):
    newer = VersionFactory(model=model, number=2, name="v2")
    upload_multipart(client_for(owner), newer, {"only-in-v2.txt": b"two"})
    response = client_for(owner).get(reverse("versions:model_download", kwargs={"ref": model.uuid}))
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    assert archive.namelist() == ["only-in-v2.txt"]


def test_model_download_without_versions_is_404(client_for, owner, model):
    url = reverse("versions:model_download", kwargs={"ref": model.uuid})
    assert client_for(owner).get(url).status_code == 404


def test_completed_file_download_is_counted(stored, client_for, owner):
    client = client_for(owner)
    body(client.get(file_url(stored, "config.json")))
    body(client.get(file_url(stored, "config.json")))
    assert VersionFile.objects.get(path="config.json").download_count == 2


def test_head_is_not_counted(stored, client_for, owner):
    response = client_for(owner).head(file_url(stored, "config.json"))
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(CONFIG))
    assert VersionFile.objects.get(path="config.json").download_count == 0


def test_unfinished_download_is_not_counted(backend, client_for, owner, version):
    client = client_for(owner)
    upload_multipart(client, version, {"big.bin": b"x" * (3 * 1024 * 1024)})
    response = client.get(file_url(version, "big.bin"))
    next(iter(response.streaming_content))
    close_like_a_server(response)  # the client went away after the first chunk
    assert VersionFile.objects.get(path="big.bin").download_count == 0


def test_completed_zip_download_is_counted_on_the_version(stored, client_for, owner):
    body(client_for(owner).get(zip_url(stored)))
    assert ModelVersion.objects.get(pk=stored.pk).download_count == 1


def test_viewer_may_download(stored, client_for, viewer):
    assert client_for(viewer).get(file_url(stored, "config.json")).status_code == 200


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_without_access_get_404_on_downloads(stored, client_for, who, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(file_url(stored, "config.json")).status_code == 404
    assert client.get(zip_url(stored)).status_code == 404


def test_unknown_file_is_404(stored, client_for, owner):
    assert client_for(owner).get(file_url(stored, "nope.bin")).status_code == 404


def test_downloads_refuse_post(stored, client_for, owner):
    assert client_for(owner).post(file_url(stored, "config.json")).status_code == 405
    assert client_for(owner).post(zip_url(stored)).status_code == 405


@pytest.mark.usefixtures("delete_at_once")
def test_version_delete_leaves_no_object(
    stored, backend, client_for, owner, django_capture_on_commit_callbacks
):
    url = reverse("versions:delete", kwargs={"ref": stored.model.uuid, "name": stored.name})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(url)
    assert response.status_code == 302
    assert not ModelVersion.objects.filter(pk=stored.pk).exists()
    assert backend.keys() == []


def test_s3_without_allowlist_may_redirect_to_a_short_presigned_url(
    s3, client_for, owner, version, settings
):
    import requests

    settings.S3_PRESIGNED_SECONDS = 120
    upload_multipart(client_for(owner), version, {"config.json": CONFIG})
    response = client_for(owner).get(file_url(version, "config.json"))
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert 100 <= int(query["Expires"][0]) - time.time() <= 120
    assert requests.get(response["Location"], timeout=10).content == CONFIG
    assert VersionFile.objects.get().download_count == 1


def test_s3_with_allowlist_always_streams(s3, client_for, owner, version, settings):
    settings.S3_PRESIGNED_SECONDS = 120
    version.model.ip_allowlist = "127.0.0.0/8"
    version.model.save()
    upload_multipart(client_for(owner), version, {"config.json": CONFIG})
    response = client_for(owner).get(file_url(version, "config.json"))
    assert response.status_code == 200
    assert body(response) == CONFIG


def test_presigned_redirect_is_refused_outside_the_allowlist_too(
    s3, client_for, owner, version, settings
):
    settings.S3_PRESIGNED_SECONDS = 120
    upload_multipart(client_for(owner), version, {"config.json": CONFIG})
    version.model.ip_allowlist = "10.0.0.0/8"
    version.model.save()
    response = client_for(owner).get(file_url(version, "config.json"), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 403


def test_zip_keeps_japanese_paths(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"重み/モデル.bin": CONFIG})
    archive = zipfile.ZipFile(io.BytesIO(body(client_for(owner).get(zip_url(version)))))
    assert archive.read("重み/モデル.bin") == CONFIG


def test_empty_version_zip_is_a_valid_empty_archive(client_for, owner, version):
    response = client_for(owner).get(zip_url(version))
    assert zipfile.ZipFile(io.BytesIO(body(response))).namelist() == []


def test_if_range_with_the_current_etag_resumes(stored, client_for, owner):
    client = client_for(owner)
    url = file_url(stored, "artifacts/model.bin")
    etag = client.head(url)["ETag"]
    response = client.get(url, headers={"Range": "bytes=10-", "If-Range": etag})
    assert response.status_code == 206
    assert body(response) == WEIGHTS[10:]


def test_if_range_with_another_etag_gets_the_whole_new_file(stored, client_for, owner):
    response = client_for(owner).get(
        file_url(stored, "artifacts/model.bin"), headers={"Range": "bytes=10-", "If-Range": '"old"'}
    )
    assert response.status_code == 200
    assert body(response) == WEIGHTS


def test_absurdly_long_range_numbers_get_the_whole_file(stored, client_for, owner):
    response = client_for(owner).get(
        file_url(stored, "artifacts/model.bin"), headers={"Range": "bytes=" + "9" * 5000 + "-"}
    )
    assert response.status_code == 200


def test_range_of_an_empty_file_is_416(backend, client_for, owner, version):
    upload_multipart(client_for(owner), version, {"empty.bin": b""})
    response = client_for(owner).get(file_url(version, "empty.bin"), headers={"Range": "bytes=-5"})
    assert response.status_code == 416


def test_s3_objects_are_stored_as_opaque_bytes(s3, client_for, owner, version):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(owner).post(
        reverse("versions:upload", kwargs={"ref": version.model.uuid, "name": version.name}),
        {
            "files": SimpleUploadedFile("x.html", b"<script>1</script>", "text/html"),
            "paths": "x.html",
        },
    )
    key = VersionFile.objects.get(path="x.html").storage_key
    head = default_storage.bucket.Object(default_storage._normalize_name(key)).get()
    assert head["ContentType"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("get", "artifacts/model.bin", {}),
        ("get", "artifacts/model.bin", {"Range": "bytes=0-9"}),
        ("head", "artifacts/model.bin", {}),
        ("get", None, {}),
        ("head", None, {}),
    ],
)
def test_downloads_are_for_the_caller_only_never_a_shared_cache(
    stored, client_for, owner, method, path, headers
):
    url = file_url(stored, path) if path else zip_url(stored)
    response = getattr(client_for(owner), method)(url, headers=headers)
    assert response.status_code in (200, 206)
    assert response["Cache-Control"] == "private"


def test_the_model_download_is_for_the_caller_only(stored, client_for, owner, model):
    response = client_for(owner).get(reverse("versions:model_download", kwargs={"ref": model.uuid}))
    assert response["Cache-Control"] == "private"


def test_a_presigned_redirect_is_for_the_caller_only(s3, client_for, owner, version, settings):
    settings.S3_PRESIGNED_SECONDS = 120
    upload_multipart(client_for(owner), version, {"config.json": CONFIG})
    response = client_for(owner).get(file_url(version, "config.json"))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private"
