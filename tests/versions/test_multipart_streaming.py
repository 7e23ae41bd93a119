"""Multipart uploads stream each part to storage as it arrives (issue 15, item 7): no
temporary file, the raw upload's hashing and limit, nothing left behind on a refusal."""

import tempfile
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from models_app.versions.models import VersionFile

from .conftest import BUCKET, sha256, upload_multipart, upload_url

BIG = bytes(range(256)) * (9 * 1024 * 4 + 1)  # 9 MiB and a bit: S3 stores it in parts


def _by_the_hub() -> bool:
    thread = threading.current_thread()
    return thread is threading.main_thread() or thread.name.startswith("upload_")


@pytest.fixture
def temporary_files(monkeypatch, settings, tmp_path):
    """Every temporary file the hub makes while the test runs: in the request's thread or an
    upload's writer thread (Django's spill files included; moto's server, which keeps the
    bucket's objects in temporary files of its own, runs in threads of its own)."""
    made = []
    spill = tmp_path / "spill"
    spill.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(spill)

    def spy(name, real):
        def made_one(*args, **kwargs):
            if _by_the_hub():
                made.append(name)
            return real(*args, **kwargs)

        return made_one

    for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, spy(name, getattr(tempfile, name)))
    real_init = TemporaryUploadedFile.__init__
    monkeypatch.setattr(
        TemporaryUploadedFile,
        "__init__",
        lambda self, *a, **kw: made.append("TemporaryUploadedFile") or real_init(self, *a, **kw),
    )
    return made


def test_a_large_multipart_upload_writes_no_temporary_file(
    backend, client_for, owner, version, temporary_files, settings
):
    assert len(BIG) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    response = upload_multipart(
        client_for(owner), version, {"model.bin": BIG}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 201
    assert temporary_files == []
    stored = VersionFile.objects.get()
    assert (stored.size_bytes, stored.sha256) == (len(BIG), sha256(BIG))
    assert backend.keys() == [stored.storage_key]


def test_a_streamed_part_downloads_byte_for_byte(backend, client_for, owner, version):
    from .conftest import file_url

    client = client_for(owner)
    upload_multipart(client, version, {"a/model.bin": BIG, "config.json": b"{}"})
    response = client.get(file_url(version, "a/model.bin"))
    assert b"".join(response.streaming_content) == BIG


def test_local_storage_holds_only_the_stored_objects(client_for, owner, version, settings):
    upload_multipart(client_for(owner), version, {"model.bin": BIG})
    on_disk = [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]
    assert [str(p.relative_to(settings.MEDIA_ROOT)) for p in on_disk] == [
        VersionFile.objects.get().storage_key
    ]


def test_over_the_limit_midway_is_413_with_nothing_left(
    backend, client_for, owner, version, settings
):
    settings.MAX_UPLOAD_BYTES = 6 * 1024 * 1024
    response = upload_multipart(
        client_for(owner),
        version,
        {"small.bin": b"fits", "big.bin": BIG},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert "big.bin" in response.json()["error"]
    assert not VersionFile.objects.exists()
    assert backend.keys() == []


def test_an_s3_upload_over_the_limit_leaves_no_unfinished_multipart_upload(
    s3, client_for, owner, version, settings
):
    settings.MAX_UPLOAD_BYTES = 6 * 1024 * 1024
    upload_multipart(client_for(owner), version, {"big.bin": BIG})
    assert s3.client().list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_a_refused_form_leaves_no_object(backend, client_for, owner, version):
    response = client_for(owner).post(
        upload_url(version),
        {"files": [SimpleUploadedFile("a", BIG)], "paths": ["a", "b"]},
    )
    assert response.status_code == 400
    assert backend.keys() == []


def test_a_bad_path_leaves_no_object(backend, client_for, owner, version):
    response = upload_multipart(client_for(owner), version, {"../escape.bin": b"x"})
    assert response.status_code == 400
    assert backend.keys() == []


def test_a_body_cut_short_leaves_no_object(backend, client_for, owner, version):
    boundary = "cut-short"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="m.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = head + BIG[: 3 * 1024 * 1024]
    client = client_for(owner)
    try:
        response = client.generic(
            "POST",
            upload_url(version),
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={"Accept": "application/json"},
        )
    except Exception:  # the parser may raise where a server answers 400
        response = None
    assert response is None or response.status_code >= 400
    assert not VersionFile.objects.exists()
    assert backend.keys() == []
