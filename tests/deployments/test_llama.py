"""The llama.cpp runtime with the tiny random-weights GGUF (`tests/tinymodels.py`)."""

import httpx
import pytest

from models_app.deployments.models import Runtime
from models_app.deployments.services import deployment_create
from tests import tinymodels

from .conftest import run_until


@pytest.fixture
def chat_deployment(owner, model, new_version, supervisor):
    version = new_version({"tiny.gguf": tinymodels.gguf_chat_model()})
    deployment = deployment_create(
        by=owner, model=model, version=version, runtime=Runtime.LLAMA_CPP, context_size=256
    )
    return run_until(supervisor, deployment, "ready", timeout=120)


def test_a_llama_cpp_deployment_answers_a_chat_completion(chat_deployment):
    body = {
        "model": chat_deployment.gateway_name(),
        "messages": [{"role": "user", "content": "hello"}],
        "max_tokens": 8,
        "temperature": 0,
    }
    with httpx.Client(trust_env=False, timeout=60) as client:
        answer = client.post(chat_deployment.base_url + "/v1/chat/completions", json=body)
    assert answer.status_code == 200, answer.text
    reply = answer.json()
    assert reply["object"] == "chat.completion"
    assert reply["choices"][0]["message"]["role"] == "assistant"
    assert reply["usage"]["completion_tokens"] >= 1


def test_the_llama_cpp_runner_lists_the_gateway_name(chat_deployment):
    with httpx.Client(trust_env=False, timeout=30) as client:
        models = client.get(chat_deployment.base_url + "/v1/models").json()
    assert [m["id"] for m in models["data"]] == [chat_deployment.gateway_name()]


def test_the_llama_cpp_runner_answers_embeddings(chat_deployment):
    with httpx.Client(trust_env=False, timeout=60) as client:
        answer = client.post(
            chat_deployment.base_url + "/v1/embeddings",
            json={"input": "hello world", "model": chat_deployment.gateway_name()},
        )
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["data"][0]["embedding"]) == 64
