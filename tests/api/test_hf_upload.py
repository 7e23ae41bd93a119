"""Uploads with the real Hugging Face client against a live test server (local storage)."""

import hashlib
import os
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from huggingface_hub import HfApi, constants
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

from models_app.api.services import token_create
from models_app.catalog.models import AIModel
from models_app.versions import blobs
from models_app.versions.models import StagedObject

pytestmark = pytest.mark.django_db(transaction=True)

WEIGHTS = os.urandom(300 * 1024)  # above the LFS threshold: goes through the batch API
CONFIG = b'{"model_type": "tiny"}\n'


@pytest.fixture(autouse=True)
def _client_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def api_for(live_server, user, scope="write") -> HfApi:
    _token, secret = token_create(by=user, user=user, name=scope, scope=scope, expires_days=30)
    return HfApi(endpoint=live_server.url, token=secret)


def stored_bytes(file) -> bytes:
    return b"".join(blobs.artifacts().chunks(file.storage_key))


def test_create_repo_then_409_and_exist_ok(live_server, owner):
    api = api_for(live_server, owner)
    url = api.create_repo("acme/tiny-bert")
    assert url.repo_id == "acme/tiny-bert"
    model = AIModel.objects.get(repo_namespace="acme", repo_name="tiny-bert")
    assert model.owner == owner and model.title == "tiny-bert"
    with pytest.raises(HfHubHTTPError) as conflict:
        api.create_repo("acme/tiny-bert")
    assert conflict.value.response.status_code == 409
    assert conflict.value.response.json()["url"].endswith("/acme/tiny-bert")
    assert api.create_repo("acme/tiny-bert", exist_ok=True).repo_id == "acme/tiny-bert"
    assert AIModel.objects.filter(repo_name="tiny-bert").count() == 1


def test_create_repo_in_another_namespace_is_refused(live_server, owner):
    with pytest.raises(HfHubHTTPError) as refused:
        api_for(live_server, owner).create_repo("globex/tiny")
    assert refused.value.response.status_code == 403
    assert "acme" in refused.value.response.json()["error"]


def test_upload_folder_makes_the_next_version_shown_in_the_versions_table(
    live_server, owner, tmp_path
):
    api = api_for(live_server, owner)
    api.create_repo("acme/tiny-bert")
    api.upload_file(path_or_fileobj=CONFIG, path_in_repo="config.json", repo_id="acme/tiny-bert")
    folder = tmp_path / "checkpoint"
    (folder / "weights").mkdir(parents=True)
    (folder / "weights" / "model.safetensors").write_bytes(WEIGHTS)
    (folder / "README.md").write_text("# Tiny\n")
    info = api.upload_folder(
        folder_path=folder, repo_id="acme/tiny-bert", commit_message="Second checkpoint"
    )
    model = AIModel.objects.get(repo_name="tiny-bert")
    v1, v2 = model.versions.order_by("number")
    assert (v1.name, v2.name) == ("v1", "v2")
    assert sorted(v1.files.values_list("path", flat=True)) == ["config.json"]
    files = {f.path: f for f in v2.files.all()}
    assert sorted(files) == ["README.md", "config.json", "weights/model.safetensors"]
    weights = files["weights/model.safetensors"]
    assert weights.sha256 == hashlib.sha256(WEIGHTS).hexdigest()
    assert stored_bytes(weights) == WEIGHTS
    assert stored_bytes(files["config.json"]) == CONFIG
    # The carried-over file is a copy: each row owns its object.
    assert files["config.json"].storage_key != v1.files.get().storage_key
    assert v2.notes.startswith("Second checkpoint") and v2.status == "created"
    assert info.oid and len(info.oid) == 40
    assert not StagedObject.objects.exists()

    browser = Client()
    browser.force_login(owner)
    page = browser.get(reverse("versions:tab", kwargs={"ref": model.uuid})).content.decode()
    assert 'data-version="v2"' in page and 'data-version="v1"' in page


def test_commit_to_a_version_name_changes_it_in_place_and_branches_make_versions(
    live_server, owner
):
    api = api_for(live_server, owner)
    api.create_repo("acme/tiny")
    api.create_branch("acme/tiny", branch="exp-1")
    api.upload_file(
        path_or_fileobj=WEIGHTS, path_in_repo="model.bin", repo_id="acme/tiny", revision="exp-1"
    )
    api.upload_file(
        path_or_fileobj=CONFIG, path_in_repo="a.json", repo_id="acme/tiny", revision="exp-1"
    )
    api.delete_file("a.json", repo_id="acme/tiny", revision="exp-1")
    model = AIModel.objects.get(repo_name="tiny")
    assert list(model.versions.values_list("name", flat=True)) == ["exp-1"]
    assert list(model.versions.get().files.values_list("path", flat=True)) == ["model.bin"]
    with pytest.raises(HfHubHTTPError) as missing:
        api.upload_file(
            path_or_fileobj=CONFIG, path_in_repo="x", repo_id="acme/tiny", revision="nope"
        )
    assert missing.value.response.status_code == 404


def test_a_read_token_cannot_upload(live_server, owner, model):
    api = api_for(live_server, owner, scope="read")
    with pytest.raises(HfHubHTTPError) as refused:
        api.upload_file(path_or_fileobj=CONFIG, path_in_repo="config.json", repo_id=model.repo_id)
    assert refused.value.response.status_code == 403
    assert "write scope" in refused.value.response.json()["error"]
    assert not model.versions.exists()


def test_a_viewers_write_token_is_refused_by_role(live_server, viewer, model):
    api = api_for(live_server, viewer)
    with pytest.raises(HfHubHTTPError) as refused:
        api.upload_file(path_or_fileobj=CONFIG, path_in_repo="config.json", repo_id=model.repo_id)
    assert refused.value.response.status_code == 403
    assert "editor role" in refused.value.response.json()["error"]
    assert not model.versions.exists()


def test_a_model_not_shared_is_repo_not_found(live_server, outsider, model):
    api = api_for(live_server, outsider)
    with pytest.raises(RepositoryNotFoundError):
        api.upload_file(path_or_fileobj=CONFIG, path_in_repo="config.json", repo_id=model.repo_id)


def test_an_object_with_another_sha256_is_refused(live_server, owner, model):
    from models_app.api.hub_upload import upload_ticket
    from models_app.versions.staging import stage_expect

    staged = stage_expect(model, sha256="0" * 64, size=3, by=owner)
    url = reverse("api:lfs_upload", kwargs={"ticket": upload_ticket(staged)})
    response = Client().put(url, b"abc", content_type="application/octet-stream")
    assert response.status_code == 400
    assert "SHA-256" in response.json()["error"]
    staged.refresh_from_db()
    assert staged.received_at is None
    assert Client().put("/api/lfs-objects/forged", b"abc").status_code == 404


def test_hf_upload_through_the_command_line(live_server, owner, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    _token, secret = token_create(by=owner, user=owner, name="cli", scope="write", expires_days=30)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "config.json").write_bytes(CONFIG)
    (folder / "model.safetensors").write_bytes(WEIGHTS)
    environment = {
        **os.environ,
        "HF_ENDPOINT": live_server.url,
        "HF_TOKEN": secret,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HOME": str(tmp_path / "hf-home"),
    }
    hf = Path(sys.executable).with_name("hf")
    done = subprocess.run(  # noqa: S603  (the venv's own hf, fixed arguments)
        [str(hf), "upload", "acme/cli-model", str(folder), ".", "--commit-message", "From CI"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    model = AIModel.objects.get(repo_namespace="acme", repo_name="cli-model")
    version = model.versions.get()
    assert version.name == "v1" and version.notes == "From CI"
    assert sorted(version.files.values_list("path", flat=True)) == [
        "config.json",
        "model.safetensors",
    ]


def test_create_branch_holds_a_copy_of_the_newest_versions_files(live_server, owner, tmp_path):
    from django.core.management import call_command
    from huggingface_hub import hf_hub_download

    from models_app.versions.services import version_delete

    from .test_hf_client_download import counted_downloads

    api = api_for(live_server, owner)
    api.create_repo("acme/branched")
    api.upload_file(path_or_fileobj=CONFIG, path_in_repo="config.json", repo_id="acme/branched")
    api.upload_file(path_or_fileobj=WEIGHTS, path_in_repo="w/model.bin", repo_id="acme/branched")
    api.create_branch("acme/branched", branch="exp-2")
    api.create_branch("acme/branched", branch="from-v1", revision="v1")

    model = AIModel.objects.get(repo_name="branched")
    v2, branch, from_v1 = (model.versions.get(name=n) for n in ("v2", "exp-2", "from-v1"))
    listing = ("path", "sha256", "size_bytes")
    assert list(branch.files.values_list(*listing)) == list(v2.files.values_list(*listing))
    assert list(from_v1.files.values_list("path", flat=True)) == ["config.json"]
    path = hf_hub_download(
        "acme/branched",
        "w/model.bin",
        revision="exp-2",
        endpoint=live_server.url,
        token=api.token,
        cache_dir=tmp_path,
    )
    assert Path(path).read_bytes() == WEIGHTS
    counted_downloads(branch, 1)  # the live server's write, before this thread's below
    # Each version owns its objects: deleting the branch leaves v2 whole.
    assert not set(branch.files.values_list("storage_key", flat=True)) & set(
        v2.files.values_list("storage_key", flat=True)
    )
    version_delete(branch, by=owner)
    assert stored_bytes(v2.files.get(path="w/model.bin")) == WEIGHTS
    report = StringIO()
    call_command("check_storage", stdout=report)
    assert "0 missing, 0 orphans" in report.getvalue()

    with pytest.raises(HfHubHTTPError) as taken:
        api.create_branch("acme/branched", branch="from-v1")
    assert taken.value.response.status_code == 409
    with pytest.raises(HfHubHTTPError) as slash:
        api.create_branch("acme/branched", branch="release/1.0")
    assert slash.value.response.status_code == 400
    assert "not a valid identifier" in slash.value.response.json()["error"]
