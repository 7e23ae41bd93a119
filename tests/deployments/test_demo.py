"""The demo's models that really run (load_demo, SPEC §10 and issue 13 part 4)."""

from io import StringIO

import httpx
import numpy as np
from django.core.management import call_command

from models_app.deployments import demo
from models_app.deployments.models import Deployment

from .conftest import run_until


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def cosine(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_the_demo_embedding_model_runs_and_puts_similar_sentences_close(db, supervisor):
    load_demo()
    deployment = Deployment.objects.get(model__title="all-minilm-l6-v2-onnx")
    run_until(supervisor, deployment, "ready", timeout=120)
    texts = ["A man is eating food.", "A man eats a meal.", "The stock market fell sharply."]
    with httpx.Client(trust_env=False, timeout=30) as client:
        answer = client.post(deployment.base_url + "/v1/embeddings", json={"input": texts})
    vectors = [item["embedding"] for item in answer.json()["data"]]
    assert len(vectors[0]) == 384
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.3


def test_the_demo_deploys_the_tiny_chat_model_when_llama_cpp_is_installed(db):
    output = load_demo()
    deployment = Deployment.objects.get(model__title="tiny-chat-random-weights")
    assert deployment.runtime == "llama.cpp" and deployment.file_path == "tiny-chat.gguf"
    assert f"Deployed {deployment.gateway_name()}" in output
    assert "random" in deployment.model.description


def test_without_the_llm_extra_the_demo_says_how_to_add_the_chat_model(db, monkeypatch):
    chat = next(s for s in demo.RUNNING_MODELS if s["title"] == "tiny-chat-random-weights")
    monkeypatch.setitem(chat, "available", lambda: False)
    output = load_demo()
    assert "pip install 'modelhub[llm]'" in output
    assert not Deployment.objects.filter(runtime="llama.cpp").exists()


def test_running_the_demo_twice_deploys_nothing_more(db):
    load_demo()
    count = Deployment.objects.count()
    load_demo()
    assert Deployment.objects.count() == count
