"""The OpenAI-compatible upstream mode against a real llama.cpp server that the test starts
itself (as an operator's GPU box would run it): the hub starts no process, and the openai
client talks to the upstream through the gateway, streamed and not."""

import subprocess
import sys
import time

import httpx
import pytest
from openai import OpenAI

from models_app.deployments.keys import key_create
from models_app.deployments.models import Runtime
from models_app.deployments.services import deployment_create
from tests import tinymodels
from tests.ops.conftest import free_port

from .conftest import run_until

pytest.importorskip("llama_cpp.server", reason="the llm extra (modelhub[llm]) is not installed")

SERVED_NAME = "tiny-upstream"


@pytest.fixture
def llama_server(tmp_path):
    """`python -m llama_cpp.server` on a loopback port, serving the tiny GGUF."""
    model_file = tmp_path / "tiny.gguf"
    model_file.write_bytes(tinymodels.gguf_chat_model())
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model_file),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--model_alias",
            SERVED_NAME,
            "--n_ctx",
            "256",
            "--n_threads",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.get(f"{base}/models", timeout=2, trust_env=False).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        else:
            pytest.fail(
                "the llama.cpp server did not start: " + (tmp_path / "server.log").read_text()
            )
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_a_chat_reaches_a_llama_cpp_upstream_through_the_gateway(
    owner, model, embedding_version, supervisor, live_server, llama_server
):
    deployment = deployment_create(
        by=owner,
        model=model,
        version=embedding_version,
        runtime=Runtime.OPENAI,
        upstream_url=llama_server,
        upstream_model=SERVED_NAME,
    )
    run_until(supervisor, deployment, "ready")
    _key, secret = key_create(
        by=owner, model=model, name="app", rate_limit_rpm=60, expires_days=None
    )
    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=secret, max_retries=0, timeout=60)
    try:
        listed = [entry.id for entry in client.models.list()]
        whole = client.chat.completions.create(
            model=model.repo_id,
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=6,
            temperature=0,
        )
        stream = client.chat.completions.create(
            model=model.repo_id,
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=6,
            temperature=0,
            stream=True,
        )
        chunks = [chunk for chunk in stream if chunk.choices and chunk.choices[0].delta.content]
    finally:
        client.close()
    assert model.repo_id in listed
    assert whole.model == model.repo_id
    assert whole.usage.completion_tokens >= 1
    assert chunks and all(chunk.model == model.repo_id for chunk in chunks)
