"""The real Hugging Face client downloading from a live test server (issue 12, points 3-4)."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.http import StreamingHttpResponse
from huggingface_hub import HfApi, constants, hf_hub_download, snapshot_download
from huggingface_hub.errors import (
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import _http as hf_http

from models_app.api.services import token_create, token_revoke
from models_app.versions import downloads
from models_app.versions.models import VersionFile
from models_app.versions.revisions import version_commit_id
from tests.versions.conftest import moto_server, s3  # noqa: F401 (fixtures)

from .hub_helpers import README, add_version

pytestmark = pytest.mark.django_db(transaction=True)

# A few MB that are not a repeated pattern, so a misplaced chunk cannot go unnoticed.
BIG = b"".join(hashlib.sha256(str(n).encode()).digest() for n in range(3 * 1024 * 1024 // 32))
FILES = {
    "README.md": README,
    "config.json": b'{"model_type": "tiny"}',
    "weights/model.safetensors": BIG,
    "tokenizer/extra/vocab.txt": b"a\nb\nc\n",
}


@pytest.fixture(autouse=True)
def _quiet_client(monkeypatch):
    monkeypatch.setenv("HF_HUB_DISABLE_XET", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)


@pytest.fixture(scope="module")
def snapshot_files() -> dict[str, bytes]:
    """FILES with a 50 MB shard in nested folders: random bytes, so a misplaced or missing
    chunk anywhere changes the content."""
    return {**FILES, "weights/shards/model-00001-of-00001.safetensors": os.urandom(50 * 10**6)}


@pytest.fixture
def repo(model):
    add_version(model, "v1", {"config.json": b'{"model_type": "old"}'})
    return add_version(model, "v2", FILES)


# The live server's test database is SQLite in memory with a shared cache, where two threads
# writing (two downloads counted at once) lock each other out: one download at a time.
ONE_AT_A_TIME = {"max_workers": 1}


def secret_of(user, scope="read"):
    return token_create(by=user, user=user, name="client", scope=scope, expires_days=30)[1]


def counted_downloads(version, expected: int, seconds: float = 5.0) -> int:
    """The version's download count once it reaches `expected` (or after `seconds`): the live
    server counts a file when its last byte is handed over, which can be a moment after the
    client has read it."""
    deadline = time.monotonic() + seconds
    while True:
        total = sum(
            VersionFile.objects.filter(version=version).values_list("download_count", flat=True)
        )
        if total >= expected or time.monotonic() > deadline:
            return total
        time.sleep(0.05)


def files_under(folder) -> dict[str, bytes]:
    root = Path(folder)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_snapshot_download_fetches_every_byte_then_nothing(
    live_server, owner, model, tmp_path, snapshot_files
):
    repo = add_version(model, "v1", snapshot_files)
    secret = secret_of(owner)
    folder = snapshot_download(
        model.repo_id,
        endpoint=live_server.url,
        token=secret,
        cache_dir=tmp_path / "cache",
        **ONE_AT_A_TIME,
    )
    assert files_under(folder) == snapshot_files
    assert os.path.basename(folder) == version_commit_id(repo)
    assert counted_downloads(repo, len(snapshot_files)) == len(snapshot_files)
    again = snapshot_download(
        model.repo_id,
        endpoint=live_server.url,
        token=secret,
        cache_dir=tmp_path / "cache",
        **ONE_AT_A_TIME,
    )
    assert again == folder
    recounted = VersionFile.objects.filter(version=repo).values_list("download_count", flat=True)
    assert sum(recounted) == len(snapshot_files)


def test_hf_hub_download_with_a_revision_name(live_server, owner, model, repo, tmp_path):
    path = hf_hub_download(
        model.repo_id,
        "config.json",
        revision="v1",
        endpoint=live_server.url,
        token=secret_of(owner),
        cache_dir=tmp_path,
    )
    assert Path(path).read_bytes() == b'{"model_type": "old"}'


@pytest.fixture
def raw_paths(monkeypatch):
    """The live server hands the app the request's raw path as gunicorn does (RAW_URI): a
    revision's `/` arrives as %2F, which the decoded path no longer tells from a folder's."""
    from django.core.servers import basehttp

    decoded_only = basehttp.WSGIRequestHandler.get_environ

    def get_environ(handler):
        environ = decoded_only(handler)
        environ["RAW_URI"] = handler.path
        return environ

    monkeypatch.setattr(basehttp.WSGIRequestHandler, "get_environ", get_environ)


@pytest.mark.usefixtures("raw_paths")
def test_a_revision_with_a_slash_is_revision_not_found(live_server, owner, model, tmp_path):
    # Version names hold no "/" (versions/rules.py), so "release/1.0" names no version, even
    # where the version "release" has a folder "1.0".
    add_version(model, "release", {"1.0/config.json": b"{}"})
    secret = secret_of(owner)
    api = HfApi(endpoint=live_server.url, token=secret)
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(
            model.repo_id,
            "config.json",
            revision="release/1.0",
            endpoint=live_server.url,
            token=secret,
            cache_dir=tmp_path,
        )
    with pytest.raises(RevisionNotFoundError):
        api.model_info(model.repo_id, revision="release/1.0")
    with pytest.raises(RevisionNotFoundError):
        api.list_repo_files(model.repo_id, revision="release/1.0")
    assert api.list_repo_files(model.repo_id, revision="release") == ["1.0/config.json"]
    path = hf_hub_download(
        model.repo_id,
        "1.0/config.json",
        revision="release",
        endpoint=live_server.url,
        token=secret,
        cache_dir=tmp_path,
    )
    assert Path(path).read_bytes() == b"{}"


def test_model_info_list_files_and_search(live_server, owner, model, repo):
    api = HfApi(endpoint=live_server.url, token=secret_of(owner))
    info = api.model_info(model.repo_id, files_metadata=True)
    assert info.sha == version_commit_id(repo)
    assert info.card_data["license"] == "mit"
    sizes = {s.rfilename: s.size for s in info.siblings}
    assert sizes["weights/model.safetensors"] == len(BIG)
    assert sorted(api.list_repo_files(model.repo_id)) == sorted(FILES)
    assert sorted(api.list_repo_files(model.repo_id, revision="v1")) == ["config.json"]
    found = list(api.list_models(search=model.title[:8]))
    assert model.repo_id in [m.id for m in found]
    assert list(api.list_models(search="no-such-model-anywhere")) == []


def test_a_revoked_token_is_refused(live_server, owner, model, repo, tmp_path):
    token, secret = token_create(by=owner, user=owner, name="old", scope="read", expires_days=30)
    token_revoke(token, by=owner)
    with pytest.raises(HfHubHTTPError) as refused:
        hf_hub_download(
            model.repo_id, "config.json", endpoint=live_server.url, token=secret, cache_dir=tmp_path
        )
    assert refused.value.response.status_code == 401


def test_a_model_not_shared_is_as_missing(live_server, outsider, model, repo, tmp_path):
    api = HfApi(endpoint=live_server.url, token=secret_of(outsider))
    with pytest.raises(RepositoryNotFoundError) as hidden:
        api.model_info(model.repo_id)
    with pytest.raises(RepositoryNotFoundError) as missing:
        api.model_info(f"{model.repo_namespace}/no-such-model")
    assert hidden.value.response.status_code == missing.value.response.status_code == 404
    assert hidden.value.response.content == missing.value.response.content
    with pytest.raises(RepositoryNotFoundError):
        snapshot_download(
            model.repo_id,
            endpoint=live_server.url,
            token=secret_of(outsider),
            cache_dir=tmp_path,
            **ONE_AT_A_TIME,
        )


@pytest.fixture
def client_bound_to():
    """Makes the client send from another loopback address (127.0.0.2, …), as a machine
    elsewhere would."""

    def bind(address: str):
        hf_http.set_client_factory(
            lambda: httpx.Client(
                transport=httpx.HTTPTransport(local_address=address),
                event_hooks={"request": [hf_http.hf_request_event_hook]},
                follow_redirects=True,
                timeout=30,
            )
        )

    yield bind
    hf_http.set_client_factory(hf_http.default_client_factory)


def test_the_allowlist_tells_two_loopback_addresses_apart(
    live_server, owner, model, repo, tmp_path, client_bound_to
):
    model.ip_allowlist = "127.0.0.1/32"
    model.save()
    endpoint = live_server.url.replace("localhost", "127.0.0.1")
    fetch = {"endpoint": endpoint, "token": secret_of(owner), "cache_dir": tmp_path}
    client_bound_to("127.0.0.1")
    assert (
        Path(hf_hub_download(model.repo_id, "config.json", **fetch)).read_bytes()
        == FILES["config.json"]
    )
    client_bound_to("127.0.0.2")
    with pytest.raises(HfHubHTTPError) as refused:
        hf_hub_download(model.repo_id, "weights/model.safetensors", **fetch)
    assert refused.value.response.status_code == 403
    assert "(127.0.0.2)" in refused.value.response.headers["X-Error-Message"]
    assert (
        VersionFile.objects.get(version=repo, path="weights/model.safetensors").download_count == 0
    )


def test_a_caller_outside_the_allowlist_gets_no_byte(live_server, owner, model, repo, tmp_path):
    model.ip_allowlist = "10.0.0.0/8"
    model.save()
    with pytest.raises(HfHubHTTPError) as refused:
        hf_hub_download(
            model.repo_id,
            "weights/model.safetensors",
            endpoint=live_server.url,
            token=secret_of(owner),
            cache_dir=tmp_path,
        )
    assert refused.value.response.status_code == 403
    assert "127.0.0.1" in refused.value.response.headers["X-Error-Message"]
    assert not VersionFile.objects.filter(download_count__gt=0).exists()
    assert not list(tmp_path.rglob("model.safetensors"))


def test_an_interrupted_download_resumes_with_a_range(
    live_server, owner, model, repo, tmp_path, monkeypatch
):
    real_response = downloads.file_response
    ranges = []

    def broken_once(request, file):
        """The first GET of the big file stalls halfway, as a dropped connection would."""
        response = real_response(request, file)
        if request.method != "GET":
            return response
        ranges.append(request.headers.get("Range"))
        if len(ranges) > 1:
            return response
        response.close()
        cut = StreamingHttpResponse(_half_then_drop(), status=200)
        for header in ("Content-Length", "ETag", "Accept-Ranges", "Content-Type"):
            cut[header] = response[header]
        cut.hands_out_content = True
        return cut

    monkeypatch.setattr(downloads, "file_response", broken_once)
    monkeypatch.setattr("huggingface_hub.file_download.time.sleep", lambda seconds: None)
    # The client keeps what it read in chunks of this size, and gives up on a stalled
    # connection after this many seconds (10 MB and 10 s by default).
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 64 * 1024)
    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 1)
    path = hf_hub_download(
        model.repo_id,
        "weights/model.safetensors",
        endpoint=live_server.url,
        token=secret_of(owner),
        cache_dir=tmp_path,
    )
    assert Path(path).read_bytes() == BIG
    assert ranges == [None, f"bytes={len(BIG) // 2}-"]
    # Only the GET that reached its last byte counts.
    assert counted_downloads(repo, 1) == 1


def _half_then_drop():
    yield BIG[: len(BIG) // 2]
    raise ConnectionAbortedError("dropped for the test")


def test_hf_download_on_the_command_line(live_server, owner, model, repo, tmp_path):
    environment = {
        **os.environ,
        "HF_ENDPOINT": live_server.url,
        "HF_TOKEN": secret_of(owner),
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HOME": str(tmp_path / "home"),
    }
    hf = Path(sys.executable).with_name("hf")
    finished = subprocess.run(  # noqa: S603 (the venv's own hf, fixed arguments)
        [
            str(hf),
            "download",
            model.repo_id,
            "--local-dir",
            str(tmp_path / "out"),
            "--max-workers",
            "1",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    downloaded = files_under(tmp_path / "out")
    assert {
        path: data for path, data in downloaded.items() if not path.startswith(".cache/")
    } == FILES


@pytest.mark.s3
@pytest.mark.usefixtures("s3")
@pytest.mark.parametrize("presigned_seconds", [0, 60], ids=["streamed", "presigned"])
def test_snapshot_download_from_s3(
    settings, live_server, owner, model, tmp_path, monkeypatch, presigned_seconds, snapshot_files
):
    settings.S3_PRESIGNED_SECONDS = presigned_seconds
    real_redirect = downloads.presigned_redirect
    redirects = []

    def spied_redirect(request, file, allowlist):
        response = real_redirect(request, file, allowlist)
        if request.method == "GET":
            redirects.append(response is not None)
        return response

    monkeypatch.setattr(downloads, "presigned_redirect", spied_redirect)
    version = add_version(model, "v1", snapshot_files)
    folder = snapshot_download(
        model.repo_id,
        endpoint=live_server.url,
        token=secret_of(owner),
        cache_dir=tmp_path,
        **ONE_AT_A_TIME,
    )
    assert files_under(folder) == snapshot_files
    assert counted_downloads(version, len(snapshot_files)) == len(snapshot_files)
    # Presigned: every GET was sent to the bucket; streamed: none was.
    assert redirects == [bool(presigned_seconds)] * len(snapshot_files)
