import os
import signal

import httpx
import pytest

from models_app.deployments.files import version_dir
from models_app.deployments.models import Deployment, Runtime, Task
from models_app.deployments.services import deployment_create, deployment_stop
from tests import tinymodels

from .conftest import run_until


def deploy(owner, version, **fields):
    fields.setdefault("runtime", Runtime.ONNXRUNTIME)
    return deployment_create(by=owner, model=version.model, version=version, **fields)


def post(deployment, path, body):
    with httpx.Client(trust_env=False, timeout=10) as client:
        return client.post(deployment.base_url + path, json=body)


def test_an_onnx_embedding_deployment_becomes_ready_and_answers_embeddings(
    owner, embedding_version, supervisor
):
    deployment = deploy(owner, embedding_version, task=Task.FEATURE_EXTRACTION)
    run_until(supervisor, deployment, "ready")
    answer = post(deployment, "/v1/embeddings", {"input": ["hello world", "great movie"]})
    assert answer.status_code == 200
    body = answer.json()
    assert [item["index"] for item in body["data"]] == [0, 1]
    table = tinymodels.embedding_table()
    # [CLS] hello world [SEP]: the mean of those four rows.
    expected = table[[2, 4, 5, 3]].mean(axis=0)
    assert body["data"][0]["embedding"] == pytest.approx(expected.tolist(), abs=1e-5)
    assert body["usage"]["prompt_tokens"] == 8
    assert body["model"] == deployment.gateway_name()


def test_the_embedding_runner_answers_the_hugging_face_shape(owner, embedding_version, supervisor):
    deployment = run_until(supervisor, deploy(owner, embedding_version), "ready")
    one = post(deployment, "/infer", {"inputs": "hello"}).json()
    several = post(deployment, "/infer", {"inputs": ["hello", "world"]}).json()
    assert len(one) == 8 and isinstance(one[0], float)
    assert len(several) == 2 and several[0] == pytest.approx(one)


def test_a_classifier_deployment_answers_labels_with_scores_best_first(
    owner, classifier_version, supervisor
):
    deployment = deploy(owner, classifier_version, task=Task.TEXT_CLASSIFICATION)
    run_until(supervisor, deployment, "ready")
    answer = post(deployment, "/infer", {"inputs": "a great movie"})
    assert answer.status_code == 200
    ranked = answer.json()
    assert [entry["label"] for entry in ranked] == ["positive", "negative"]
    assert sum(entry["score"] for entry in ranked) == pytest.approx(1.0)
    batch = post(deployment, "/infer", {"inputs": ["awful", "good"]}).json()
    assert [answers[0]["label"] for answers in batch] == ["negative", "positive"]


def test_a_classifier_declaring_probabilities_is_not_softmaxed_again(
    owner, new_version, supervisor
):
    version = new_version(tinymodels.classifier_files(probabilities=True))
    deployment = deploy(owner, version, task=Task.TEXT_CLASSIFICATION)
    run_until(supervisor, deployment, "ready")
    ranked = post(deployment, "/infer", {"inputs": "great"}).json()
    # The model's own softmax of mean logits [0, 4/3]: not flattened by a second one.
    assert ranked[0]["score"] == pytest.approx(0.7914, abs=1e-3)


def test_labels_come_from_config_json_when_the_model_has_none(owner, new_version, supervisor):
    files = tinymodels.classifier_files()
    import onnx

    graph = onnx.load_from_string(files["model.onnx"])
    del graph.metadata_props[:]
    files["model.onnx"] = graph.SerializeToString()
    files["config.json"] = b'{"id2label": {"0": "sad", "1": "happy"}}'
    deployment = deploy(owner, new_version(files), task=Task.TEXT_CLASSIFICATION)
    run_until(supervisor, deployment, "ready")
    assert post(deployment, "/infer", {"inputs": "good"}).json()[0]["label"] == "happy"


def test_a_raw_deployment_takes_and_gives_named_tensors(owner, new_version, supervisor):
    version = new_version({"adder.onnx": tinymodels.onnx_raw_adder()})
    deployment = run_until(supervisor, deploy(owner, version, task=Task.RAW), "ready")
    with httpx.Client(trust_env=False) as client:
        signature = client.get(deployment.base_url + "/signature").json()
    assert [i["name"] for i in signature["inputs"]] == ["a", "b"]
    answer = post(deployment, "/infer", {"inputs": {"a": [1, 2], "b": [3, 4]}}).json()
    assert answer == {"outputs": {"sum": [4.0, 6.0], "product": [3.0, 8.0]}}
    missing = post(deployment, "/infer", {"inputs": {"a": [1]}})
    assert missing.status_code == 400
    assert "b" in missing.json()["error"]["message"]


def test_the_supervisor_restarts_a_killed_runner(owner, embedding_version, supervisor):
    deployment = run_until(supervisor, deploy(owner, embedding_version), "ready")
    first_url = deployment.base_url
    os.kill(supervisor.runners[deployment.pk].process.pid, signal.SIGKILL)
    run_until(supervisor, deployment, "failed")
    assert "exited" in deployment.error
    run_until(supervisor, deployment, "ready")
    assert deployment.restarts == 1
    assert post(deployment, "/infer", {"inputs": "hello"}).status_code == 200
    assert deployment.base_url != "" and first_url != ""


def test_a_runner_that_cannot_load_its_model_shows_failed_with_its_log(
    owner, new_version, supervisor
):
    version = new_version({"broken.onnx": b"this is not an onnx graph", "tokenizer.json": b"{}"})
    deployment = deploy(owner, version, task=Task.RAW)
    run_until(supervisor, deployment, "failed")
    assert "exited with code" in deployment.error
    assert "broken.onnx" in deployment.log_tail or "INVALID" in deployment.log_tail.upper()
    assert deployment.base_url == ""


def test_a_stopped_deployment_loses_its_runner(owner, embedding_version, supervisor):
    deployment = run_until(supervisor, deploy(owner, embedding_version), "ready")
    process = supervisor.runners[deployment.pk].process
    deployment_stop(deployment, by=owner)
    run_until(supervisor, deployment, "stopped")
    supervisor.tick()
    assert process.poll() is not None
    deployment.refresh_from_db()
    assert deployment.supervisor == ""


def test_a_deleted_deployment_loses_its_runner(owner, embedding_version, supervisor):
    deployment = run_until(supervisor, deploy(owner, embedding_version), "ready")
    process = supervisor.runners[deployment.pk].process
    Deployment.objects.filter(pk=deployment.pk).delete()
    supervisor.tick()
    assert process.poll() is not None or process.wait(timeout=10) is not None
    assert deployment.pk not in supervisor.runners


def test_two_supervisors_never_run_the_same_deployment(owner, embedding_version, supervisors):
    first, second = supervisors(), supervisors()
    deployment = deploy(owner, embedding_version)
    first.tick()
    second.tick()
    run_until(first, deployment, "ready")
    second.tick()
    assert deployment.pk in first.runners and deployment.pk not in second.runners
    assert Deployment.objects.get(pk=deployment.pk).supervisor == first.name


def test_a_deployment_whose_supervisor_went_silent_is_taken_over(
    owner, embedding_version, supervisors
):
    first, second = supervisors(), supervisors(stale_after=0.5)
    deployment = run_until(first, deploy(owner, embedding_version), "ready")
    import time

    time.sleep(1.0)
    run_until(second, deployment, "ready")
    assert deployment.supervisor == second.name
    first.tick()
    assert deployment.pk not in first.runners


def test_a_supervisor_runs_no_more_local_deployments_than_its_capacity(
    owner, embedding_version, classifier_version, supervisors
):
    small = supervisors(capacity=1)
    one = deploy(owner, embedding_version)
    two = deploy(owner, classifier_version, task=Task.TEXT_CLASSIFICATION)
    small.tick()
    owned = set(Deployment.objects.filter(supervisor=small.name).values_list("pk", flat=True))
    assert owned == {one.pk}
    assert two.pk not in small.runners


def test_files_are_fetched_once_per_version_and_checked(owner, embedding_version, supervisor):
    deployment = run_until(supervisor, deploy(owner, embedding_version), "ready")
    cached = version_dir(embedding_version.pk) / "files" / "model.onnx"
    assert cached.read_bytes() == tinymodels.onnx_embedding_model()
    stamp = cached.stat().st_mtime_ns
    deployment_stop(deployment, by=owner)
    run_until(supervisor, deployment, "stopped")
    from models_app.deployments.services import deployment_start

    deployment_start(deployment, by=owner)
    run_until(supervisor, deployment, "ready")
    assert cached.stat().st_mtime_ns == stamp


def test_runners_get_none_of_the_hubs_secrets_nor_a_port_variable(monkeypatch):
    from models_app.deployments.supervisor import runner_environment

    monkeypatch.setenv("DJANGO_SECRET_KEY", "hub-secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "storage-secret")
    monkeypatch.setenv("PORT", "5100")
    env = runner_environment()
    assert not {"DJANGO_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "PORT"} & set(env)
    assert env["ORT_DISABLE_TELEMETRY"] == "1"
