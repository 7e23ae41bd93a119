"""Task inference in the Hugging Face Inference API's shapes, through an ONNX deployment."""

import json

from django.test import Client

from models_app.deployments.models import GatewayCall, Runtime, Task


def infer(model, secret, inputs):
    return Client().post(
        f"/api/inference/{model.repo_id}",
        json.dumps({"inputs": inputs}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_text_classification_answers_labels_with_scores(model, deploy, endpoint_key, upstream):
    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.TEXT_CLASSIFICATION)
    upstream.infer_answer = [
        {"label": "POSITIVE", "score": 0.9},
        {"label": "NEGATIVE", "score": 0.1},
    ]
    key, secret = endpoint_key(model)
    response = infer(model, secret, "great")
    assert response.status_code == 200
    assert response.json() == upstream.infer_answer
    assert upstream.requests[-1][:2] == ("/infer", {"inputs": "great"})
    assert GatewayCall.objects.get(key=key).prompt_tokens == 7


def test_feature_extraction_answers_floats_per_input(model, deploy, endpoint_key, upstream):
    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.FEATURE_EXTRACTION)
    upstream.infer_answer = [[0.1, 0.2], [0.3, 0.4]]
    _key, secret = endpoint_key(model)
    assert infer(model, secret, ["a", "b"]).json() == [[0.1, 0.2], [0.3, 0.4]]


def test_inputs_that_are_not_texts_are_refused(model, deploy, endpoint_key):
    deploy(model, "v1", runtime=Runtime.ONNXRUNTIME, task=Task.TEXT_CLASSIFICATION)
    _key, secret = endpoint_key(model)
    response = infer(model, secret, 42)
    assert response.status_code == 400
    assert "inputs" in response.json()["error"]["message"]


def test_a_chat_deployment_does_not_serve_task_inference(model, deploy, endpoint_key):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    assert infer(model, secret, "x").status_code == 400
