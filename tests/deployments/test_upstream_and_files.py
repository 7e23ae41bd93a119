import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from models_app.deployments import upstream
from models_app.deployments.files import FetchFailed, fetch_files, version_dir
from models_app.deployments.models import Deployment, Runtime
from models_app.deployments.secrets import decrypt_secret
from models_app.deployments.services import deployment_create
from models_app.versions.models import VersionFile
from tests import tinymodels

from .conftest import run_until


class FakeUpstream:
    """An OpenAI-compatible server on loopback that records the keys it was sent."""

    def __init__(self):
        self.keys = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.keys.append(self.headers.get("Authorization"))
                body = json.dumps({"object": "list", "data": [{"id": "served"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_upstream():
    server = FakeUpstream()
    yield server
    server.close()


def test_an_upstream_that_answers_becomes_ready_with_its_key_sent(
    owner, model, embedding_version, supervisor, fake_upstream
):
    deployment = deployment_create(
        by=owner,
        model=model,
        version=embedding_version,
        runtime=Runtime.OPENAI,
        upstream_url=fake_upstream.url,
        upstream_model="served",
        upstream_key="sk-upstream",
    )
    run_until(supervisor, deployment, "ready")
    assert deployment.base_url == fake_upstream.url.removesuffix("/v1")
    assert fake_upstream.keys[-1] == "Bearer sk-upstream"
    assert decrypt_secret(deployment.upstream_key_encrypted) == "sk-upstream"


def test_an_upstream_that_is_down_shows_failed_with_the_reason(
    owner, model, embedding_version, supervisor, fake_upstream
):
    url = fake_upstream.url
    fake_upstream.close()
    deployment = deployment_create(
        by=owner,
        model=model,
        version=embedding_version,
        runtime=Runtime.OPENAI,
        upstream_url=url,
        upstream_model="served",
    )
    run_until(supervisor, deployment, "failed")
    assert "does not answer" in deployment.error


def test_the_upstream_key_can_come_from_an_environment_variable(
    owner, model, embedding_version, monkeypatch
):
    monkeypatch.setenv("MODELHUB_UPSTREAM_KEY_GPU", "sk-from-env")
    deployment = deployment_create(
        by=owner,
        model=model,
        version=embedding_version,
        runtime=Runtime.OPENAI,
        upstream_url="http://127.0.0.1:9",
        upstream_model="m",
        upstream_key_env="MODELHUB_UPSTREAM_KEY_GPU",
    )
    assert deployment.upstream_key_encrypted == ""
    assert upstream.upstream_key(deployment) == "sk-from-env"


def test_an_environment_variable_outside_the_upstream_prefix_is_refused(
    owner, model, embedding_version
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        deployment_create(
            by=owner,
            model=model,
            version=embedding_version,
            runtime=Runtime.OPENAI,
            upstream_url="http://127.0.0.1:9",
            upstream_model="m",
            upstream_key_env="DJANGO_SECRET_KEY",
        )
    assert "upstream_key_env" in refused.value.message_dict


def test_a_host_name_is_checked_on_the_address_it_resolves_to_when_connecting(monkeypatch):
    answers = {"gpu.internal": ["127.0.0.1"]}
    monkeypatch.setattr(upstream, "_resolve", lambda host, port: answers[host])
    base = upstream.check_upstream_url("http://gpu.internal:8000/v1")
    assert upstream.connect_addresses(base, "gpu.internal", 8000) == ["127.0.0.1"]
    # The name now points elsewhere: the connection is refused, not made.
    answers["gpu.internal"] = ["169.254.169.254"]
    with pytest.raises(upstream.UpstreamRefused, match="169.254.169.254"):
        upstream.connect_addresses(base, "gpu.internal", 8000)


def test_the_upstream_client_refuses_a_redirected_host():
    with pytest.raises(upstream.UpstreamRefused):
        upstream.connect_addresses("http://127.0.0.1:8000", "example.com", 80)


def test_the_upstream_client_connects_through_the_check(fake_upstream, settings):
    base = upstream.check_upstream_url(fake_upstream.url)
    with upstream.upstream_client(base) as client:
        assert client.get("/v1/models").json()["data"][0]["id"] == "served"
    settings.MODELHUB_UPSTREAM_ALLOWED = ["10.0.0.0/8"]
    with upstream.upstream_client(base) as client, pytest.raises(upstream.UpstreamRefused):
        client.get("/v1/models")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://127.0.0.1/", "http"),
        ("http://user:pw@127.0.0.1/", "key"),
        ("http://127.0.0.1/v1?x=1", "query"),
        ("http://192.168.1.1:8000/v1", "MODELHUB_UPSTREAM_ALLOWED"),
        ("http://[::ffff:10.0.0.1]/v1", "MODELHUB_UPSTREAM_ALLOWED"),
    ],
)
def test_upstream_urls_the_hub_must_not_call_are_refused(url, reason):
    with pytest.raises(upstream.UpstreamRefused, match=reason):
        upstream.check_upstream_url(url)


def test_a_prefix_does_not_allow_a_longer_host_or_a_sibling_path(settings):
    settings.MODELHUB_UPSTREAM_ALLOWED = ["https://gpu.example.com/team-a/"]
    assert upstream.check_upstream_url("https://gpu.example.com/team-a/v1")
    for url in ("https://gpu.example.com/team-b/v1", "https://gpu.example.com.evil.test/team-a"):
        with pytest.raises(upstream.UpstreamRefused):
            upstream.check_upstream_url(url)


@pytest.mark.s3
def test_files_are_fetched_from_s3_and_checked_by_sha256(s3, owner, new_version):
    version = new_version(tinymodels.embedding_files())
    local = fetch_files(version, ["model.onnx", "tokenizer.json"])
    assert local["model.onnx"].read_bytes() == tinymodels.onnx_embedding_model()
    assert local["tokenizer.json"].parent == version_dir(version.pk) / "files"


@pytest.mark.s3
def test_an_s3_object_that_does_not_match_its_sha256_is_not_used(s3, owner, new_version):
    version = new_version(tinymodels.embedding_files())
    VersionFile.objects.filter(version=version, path="model.onnx").update(sha256="0" * 64)
    with pytest.raises(FetchFailed, match="SHA-256"):
        fetch_files(version, ["model.onnx"])
    assert not (version_dir(version.pk) / "files" / "model.onnx").exists()


@pytest.mark.s3
def test_an_s3_deployment_becomes_ready(s3, owner, new_version, supervisor):
    version = new_version(tinymodels.embedding_files())
    deployment = deployment_create(
        by=owner, model=version.model, version=version, runtime=Runtime.ONNXRUNTIME
    )
    run_until(supervisor, deployment, "ready")


def test_a_cached_file_changed_on_disk_is_fetched_again(owner, new_version):
    version = new_version(tinymodels.embedding_files())
    cached = fetch_files(version, ["model.onnx"])["model.onnx"]
    cached.write_bytes(b"tampered, and longer than the real graph" * 100)
    again = fetch_files(version, ["model.onnx"])["model.onnx"]
    assert again.read_bytes() == tinymodels.onnx_embedding_model()


def test_the_deploy_command_prints_the_gateway_name_last(owner, model, embedding_version, capsys):
    call_command("deploy", model.repo_id, "v1", "--task", "feature-extraction")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"{model.repo_id}:v1"
    assert Deployment.objects.get().runtime == Runtime.ONNXRUNTIME


def test_the_deploy_command_accepts_the_model_uuid(owner, model, embedding_version, capsys):
    call_command("deploy", str(model.uuid), "v1")
    assert capsys.readouterr().out.strip().endswith(f"{model.repo_id}:v1")


def test_the_deploy_command_fails_with_the_reason(owner, model, embedding_version):
    with pytest.raises(CommandError, match="upstream_url"):
        call_command("deploy", model.repo_id, "v1", "--runtime", "openai")
    assert not Deployment.objects.exists()


def test_the_deploy_command_gives_up_after_its_wait(owner, model, new_version):
    new_version({"broken.onnx": b"not a graph"})
    with pytest.raises(CommandError, match="not ready after"):
        call_command("deploy", model.repo_id, "v1", "--task", "raw", "--wait", "1")
