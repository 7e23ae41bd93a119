"""Uploads with S3 storage: the real Hugging Face client sends LFS objects straight to the
bucket (moto's server) through presigned URLs, the hub only starts, completes and verifies."""

import hashlib
import json
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from huggingface_hub import CommitOperationAdd
from huggingface_hub.errors import HfHubHTTPError

from models_app.api import hub_upload
from models_app.catalog.models import AIModel
from models_app.versions import blobs, staging
from models_app.versions.models import StagedObject
from tests.versions.conftest import BUCKET, moto_server, s3  # noqa: F401  (fixtures)

from .hub_helpers import bearer
from .test_hf_upload import (  # noqa: F401  (the client's environment)
    CONFIG,
    _client_environment,
    api_for,
    stored_bytes,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Above hub_upload.PART_BYTES: sent in parts (8 MiB, 8 MiB, 4 MiB).
BIG = os.urandom(1024 * 1024) * 20
SMALL = os.urandom(300 * 1024)


@pytest.fixture
def bucket(s3):  # noqa: F811  (the imported fixture)
    """The default storage is S3 (moto's server) for this test, its bucket empty."""
    return s3


@pytest.fixture
def bytes_through_the_hub(monkeypatch):
    """Every artifact byte the hub itself receives or writes to storage (its LFS PUT route
    and its streaming writes): with direct uploads there must be none."""
    received = []
    take_put, write = staging.stage_receive, blobs.write_stream

    def counting_receive(staged, stream, length):
        received.append(length)
        return take_put(staged, stream, length)

    def counting_write(key, reader):
        write(key, reader)
        received.append(reader.size)

    monkeypatch.setattr(staging, "stage_receive", counting_receive)
    monkeypatch.setattr(blobs, "write_stream", counting_write)
    return received


def open_uploads(server) -> list:
    return server.client().list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])


def test_upload_folder_sends_big_and_small_objects_straight_to_the_bucket(
    live_server, owner, bucket, tmp_path, bytes_through_the_hub
):
    api = api_for(live_server, owner)
    api.create_repo("acme/direct")
    folder = tmp_path / "run"
    (folder / "weights").mkdir(parents=True)
    (folder / "weights" / "model.safetensors").write_bytes(BIG)
    (folder / "tokenizer.bin").write_bytes(SMALL)
    (folder / "config.json").write_bytes(CONFIG)
    api.upload_folder(folder_path=folder, repo_id="acme/direct", commit_message="To S3")

    version = AIModel.objects.get(repo_name="direct").versions.get()
    files = {f.path: f for f in version.files.all()}
    assert sorted(files) == ["config.json", "tokenizer.bin", "weights/model.safetensors"]
    assert files["weights/model.safetensors"].sha256 == hashlib.sha256(BIG).hexdigest()
    assert stored_bytes(files["weights/model.safetensors"]) == BIG
    assert stored_bytes(files["tokenizer.bin"]) == SMALL
    # Only the small inline config.json went through the hub, in the commit itself.
    assert bytes_through_the_hub == [len(CONFIG)]
    # The staged objects became the files' objects: nothing else is left in the bucket.
    assert bucket.keys() == sorted(f.storage_key for f in files.values())
    assert not StagedObject.objects.exists()
    assert open_uploads(bucket) == []


def test_the_batch_answer_gives_presigned_parts_and_a_completion(owner, model, bucket):
    sha = hashlib.sha256(BIG).hexdigest()
    body = {"operation": "upload", "objects": [{"oid": sha, "size": len(BIG)}]}
    response = Client(headers=bearer(owner, "write")).post(
        reverse("api:lfs_batch", kwargs={"namespace": "acme", "name": model.repo_name}),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 200
    upload = response.json()["objects"][0]["actions"]["upload"]
    header = upload["header"]
    assert header["chunk_size"] == str(hub_upload.PART_BYTES)
    parts = [url for key, url in sorted(header.items()) if key.isdigit()]
    assert len(parts) == 3
    assert all(url.startswith(bucket.url) and "Signature=" in url for url in parts)
    assert "/api/lfs-objects/" in upload["href"] and upload["href"].endswith("/verify")
    assert len(open_uploads(bucket)) == 1


@pytest.mark.parametrize("data", [BIG, SMALL], ids=["in parts", "one PUT"])
def test_an_object_whose_bytes_are_not_the_announced_sha256_is_refused(
    live_server, owner, bucket, data
):
    api = api_for(live_server, owner)
    api.create_repo("acme/tampered")
    operation = CommitOperationAdd(path_in_repo="model.bin", path_or_fileobj=data)
    # Same size, other bytes: what a corrupted transfer or a forged client would send.
    operation.path_or_fileobj = bytes(reversed(data))
    # The client reports "Error while uploading 'model.bin'", caused by the hub's refusal.
    with pytest.raises(RuntimeError, match="model.bin") as refused:
        api.create_commit("acme/tampered", operations=[operation], commit_message="bad")
    cause = refused.value.__cause__
    assert isinstance(cause, HfHubHTTPError) and cause.response.status_code == 422
    assert "do not have the announced SHA-256" in str(cause)
    model = AIModel.objects.get(repo_name="tampered")
    assert not model.versions.exists()
    assert StagedObject.objects.get(model=model).received_at is None
    assert bucket.keys() == []


def test_check_storage_aborts_a_stale_unfinished_multipart_upload(owner, model, bucket):
    sha = hashlib.sha256(BIG).hexdigest()
    body = {"operation": "upload", "objects": [{"oid": sha, "size": len(BIG)}]}
    Client(headers=bearer(owner, "write")).post(
        reverse("api:lfs_batch", kwargs={"namespace": "acme", "name": model.repo_name}),
        json.dumps(body),
        content_type="application/json",
    )
    [started] = open_uploads(bucket)

    out = StringIO()
    call_command("check_storage", "--repair", stdout=out, stderr=StringIO())
    assert len(open_uploads(bucket)) == 1  # within the grace period: the client may be sending

    out = StringIO()
    call_command("check_storage", "--grace-hours", "0", stdout=out, stderr=StringIO())
    assert f"unfinished upload: {StagedObject.objects.get().storage_key}" in out.getvalue()
    assert len(open_uploads(bucket)) == 1  # reported only

    out = StringIO()
    call_command("check_storage", "--repair", "--grace-hours", "0", stdout=out, stderr=StringIO())
    assert "1 unfinished uploads aborted." in out.getvalue()
    assert open_uploads(bucket) == []
    assert not StagedObject.objects.exists()
    assert started["UploadId"]


def test_a_forged_completion_ticket_is_refused(owner, model, bucket):
    forged = "/api/lfs-objects/forged/verify"
    response = Client().post(forged, "{}", content_type="application/json")
    assert response.status_code == 404
    assert "not valid" in response.json()["error"]


def test_create_branch_copies_objects_inside_the_bucket(
    live_server, owner, bucket, bytes_through_the_hub
):
    api = api_for(live_server, owner)
    api.create_repo("acme/branch-s3")
    api.upload_file(path_or_fileobj=SMALL, path_in_repo="model.bin", repo_id="acme/branch-s3")
    api.create_branch("acme/branch-s3", branch="exp")
    model = AIModel.objects.get(repo_name="branch-s3")
    v1, exp = model.versions.get(name="v1"), model.versions.get(name="exp")
    copy = exp.files.get()
    assert (copy.path, copy.sha256) == ("model.bin", v1.files.get().sha256)
    assert copy.storage_key != v1.files.get().storage_key
    assert stored_bytes(copy) == SMALL
    assert bucket.keys() == sorted([copy.storage_key, v1.files.get().storage_key])
    assert bytes_through_the_hub == []
