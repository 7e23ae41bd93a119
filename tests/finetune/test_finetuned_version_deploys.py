"""A fine-tuned classifier is a version like any other: the deployments app serves it as
`text-classification` and the gateway answers task inference with its labels."""

import json

import pytest

from models_app.deployments.models import Runtime, Task
from models_app.deployments.services import deployment_create
from models_app.finetune.models import FineTuneJob
from models_app.versions.models import ModelVersion
from tests.deployments.conftest import run_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fine_tuned_classifier_answers_text_classification_once_deployed(
    client_for, owner, model, encoder_version, run_db_worker, settings, tmp_path, supervisor
):
    settings.MODELHUB_DEPLOY_CACHE_DIR = tmp_path / "deploy-cache"
    client = client_for(owner)
    response = client.post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "text-classifier-head",
            "param_epochs": "8",
            "dataset_path": "datasets/train.csv",
            "output_version": "sentiment",
        },
    )
    assert response.status_code == 302
    run_db_worker()
    job = FineTuneJob.objects.get()
    assert job.state == "succeeded", job.error

    version = ModelVersion.objects.get(model=model, name="sentiment")
    deployment = deployment_create(
        by=owner,
        model=model,
        version=version,
        runtime=Runtime.ONNXRUNTIME,
        task=Task.TEXT_CLASSIFICATION,
    )
    run_until(supervisor, deployment, "ready")

    answer = client.post(
        f"/api/inference/{model.repo_id}",
        json.dumps({"inputs": ["great and superb", "terrible and ugly"]}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    best = [max(labels, key=lambda entry: entry["score"])["label"] for labels in answer.json()]
    assert best == ["pos", "neg"]
