"""The gateway in front of real runners started by the supervisor: the openai client's
embeddings and Hugging Face-style task inference through an ONNX runner."""

import httpx
import pytest
from openai import OpenAI

from models_app.deployments.keys import key_create
from models_app.deployments.models import GatewayCall, Runtime, Task
from models_app.deployments.services import deployment_create
from tests import tinymodels
from tests.gateway.waits import recorded_calls

from .conftest import run_until


def ready(owner, version, supervisor, task):
    deployment = deployment_create(
        by=owner, model=version.model, version=version, runtime=Runtime.ONNXRUNTIME, task=task
    )
    return run_until(supervisor, deployment, "ready")


def test_embeddings_through_the_gateway_match_the_runner(
    owner, model, embedding_version, supervisor, live_server
):
    deployment = ready(owner, embedding_version, supervisor, Task.FEATURE_EXTRACTION)
    key, secret = key_create(
        by=owner, model=model, name="app", rate_limit_rpm=60, expires_days=None
    )
    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=secret, max_retries=0)
    try:
        answer = client.embeddings.create(model=model.repo_id, input=["hello world"])
    finally:
        client.close()
    expected = tinymodels.embedding_table()[[2, 4, 5, 3]].mean(axis=0)
    assert answer.data[0].embedding == pytest.approx(expected.tolist(), abs=1e-5)
    assert answer.model == model.repo_id
    call = GatewayCall.objects.get(key=key)
    assert (call.deployment, call.status, call.prompt_tokens) == (deployment, 200, 4)


def test_text_classification_through_the_gateway(
    owner, model, classifier_version, supervisor, live_server
):
    ready(owner, classifier_version, supervisor, Task.TEXT_CLASSIFICATION)
    _key, secret = key_create(
        by=owner, model=model, name="app", rate_limit_rpm=60, expires_days=None
    )
    with httpx.Client(trust_env=False, timeout=20) as client:
        one = client.post(
            f"{live_server.url}/api/inference/{model.repo_id}",
            json={"inputs": "a great movie"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        batch = client.post(
            f"{live_server.url}/api/inference/{model.repo_id}",
            json={"inputs": ["awful", "good"]},
            headers={"Authorization": f"Bearer {secret}"},
        )
    assert [entry["label"] for entry in one.json()] == ["positive", "negative"]
    assert len(batch.json()) == 2 and all(len(labels) == 2 for labels in batch.json())


def test_a_streamed_chat_through_the_gateway_from_a_llama_cpp_runner(
    owner, model, new_version, supervisor, live_server
):
    version = new_version({"tiny.gguf": tinymodels.gguf_chat_model()})
    deployment = deployment_create(
        by=owner, model=model, version=version, runtime=Runtime.LLAMA_CPP, context_size=256
    )
    run_until(supervisor, deployment, "ready", timeout=180)
    key, secret = key_create(
        by=owner, model=model, name="app", rate_limit_rpm=60, expires_days=None
    )
    client = OpenAI(base_url=f"{live_server.url}/v1", api_key=secret, max_retries=0, timeout=60)
    try:
        stream = client.chat.completions.create(
            model=model.repo_id,
            messages=[{"role": "user", "content": "hello"}],
            max_tokens=8,
            temperature=0,
            stream=True,
        )
        chunks = [chunk for chunk in stream if chunk.choices and chunk.choices[0].delta.content]
        (streamed,) = recorded_calls(key, 1)
        whole = client.chat.completions.create(
            model=model.repo_id, messages=[{"role": "user", "content": "hello"}], max_tokens=8
        )
    finally:
        client.close()
    assert chunks and all(chunk.model == model.repo_id for chunk in chunks)
    assert whole.usage.completion_tokens >= 1
    _streamed, plain = recorded_calls(key, 2)
    assert streamed.completion_tokens == len(chunks)
    assert plain.completion_tokens == whole.usage.completion_tokens
