"""A job made through the HTTP form, run by a real worker of each queue, makes a new version
with the trained files, its lineage and its metrics (SPEC §7)."""

import io
import json

import numpy as np
import onnx
import onnxruntime
import pytest
from tokenizers import Tokenizer

from models_app.finetune.models import FineTuneJob
from models_app.versions import blobs
from models_app.versions.models import ModelVersion

from .tinymodels import sentiment_csv

pytestmark = pytest.mark.django_db(transaction=True)


def submit(client, model, **fields):
    data = {
        "base_version": "v1",
        "recipe": "text-classifier-head",
        "param_epochs": "8",
        **fields,
    }
    return client.post(f"/models/{model.uuid}/finetune/new/", data)


def job_page_json(client, model, job):
    return client.get(
        f"/models/{model.uuid}/finetune/{job.pk}/", HTTP_ACCEPT="application/json"
    ).json()


def stored_bytes(file) -> bytes:
    return b"".join(blobs.artifacts().chunks(file.storage_key))


def classify(version, texts):
    files = {f.path: f for f in version.files.all()}
    session = onnxruntime.InferenceSession(
        stored_bytes(files["model.onnx"]), providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_str(stored_bytes(files["tokenizer.json"]).decode())
    tokenizer.enable_padding(pad_id=0)
    encodings = tokenizer.encode_batch(texts)
    feed = {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
    }
    (scores,) = session.run(None, feed)[:1]
    meta = {
        p.key: p.value
        for p in onnx.load_from_string(stored_bytes(files["model.onnx"])).metadata_props
    }
    labels = json.loads(meta["id2label"])
    return [labels[str(int(row.argmax()))] for row in scores], meta


def test_a_job_from_the_form_makes_a_version_the_classifier_contract_serves(
    client_for, owner, model, encoder_version, run_db_worker, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    upload = io.BytesIO(sentiment_csv(60))
    upload.name = "reviews.csv"
    response = submit(client, model, dataset=upload, output_version="sentiment-1")
    assert response.status_code == 302
    job = FineTuneJob.objects.get()
    assert response["Location"] == f"/models/{model.uuid}/finetune/{job.pk}/"
    assert ModelVersion.objects.get(model=model, name="sentiment-1").status == "training"
    assert job_page_json(client, model, job)["state"] == "queued"

    run_db_worker()

    answer = job_page_json(client, model, job)
    assert answer["state"] == "succeeded", answer
    assert answer["output_version"] == "sentiment-1"
    assert answer["progress"]["step"] == answer["progress"]["total"] > 0
    version = ModelVersion.objects.get(model=model, name="sentiment-1")
    assert version.status == "created"
    paths = set(version.files.values_list("path", flat=True))
    assert {"model.onnx", "tokenizer.json", "config.json", "datasets/reviews.csv"} <= paths
    predicted, meta = classify(version, ["the film was great and lovely", "awful and sad movie"])
    assert predicted == ["pos", "neg"]
    assert meta["scores"] == "probabilities"


def test_the_new_versions_page_shows_its_lineage(
    client_for, owner, model, encoder_version, run_db_worker
):
    client = client_for(owner)
    submit(client, model, dataset_path="datasets/train.csv", output_version="v2")
    run_db_worker()
    job = FineTuneJob.objects.get()
    dataset = encoder_version.files.get(path="datasets/train.csv")
    page = client.get(f"/models/{model.uuid}/versions/v2/").content.decode()
    assert 'data-testid="lineage"' in page
    assert f'href="/models/{model.uuid}/versions/v1/"' in page
    assert dataset.sha256 in page
    assert "40 rows" in page
    assert "text-classifier-head" in page
    assert "epochs=8" in page
    assert "accuracy" in page and "duration_seconds" in page
    assert job.metrics["accuracy"] >= 0.5


def test_the_rq_queue_runs_the_same_job(client_for, owner, model, encoder_version, run_rq_worker):
    client = client_for(owner)
    response = submit(client, model, dataset_path="datasets/train.csv")
    assert response.status_code == 302
    job = FineTuneJob.objects.get()
    assert job.task_id

    run_rq_worker()

    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    version = ModelVersion.objects.get(model=model, name=job.output_version_name)
    assert version.files.filter(path="model.onnx").exists()
    predicted, _ = classify(version, ["great and superb", "terrible and ugly"])
    assert predicted == ["pos", "neg"]


def test_the_fine_tune_tab_lists_the_models_jobs(
    client_for, owner, model, encoder_version, run_db_worker
):
    client = client_for(owner)
    submit(client, model, dataset_path="datasets/train.csv", output_version="tuned")
    run_db_worker()
    page = client.get(f"/models/{model.uuid}/finetune/").content.decode()
    assert page.count('data-testid="job-row"') == 1
    assert "tuned" in page and "Succeeded" in page


def test_the_result_can_go_to_a_new_model_of_the_editors(
    client_for, editor, model, encoder_version, run_db_worker
):
    client = client_for(editor)
    response = submit(
        client, model, dataset_path="datasets/train.csv", output_model="my sentiment classifier"
    )
    assert response.status_code == 302
    run_db_worker()
    job = FineTuneJob.objects.get()
    assert job.state == "succeeded", job.error
    target = job.output_model
    assert target.owner == editor and target.title == "my sentiment classifier"
    assert target.versions.get().files.filter(path="model.onnx").exists()
    assert list(model.versions.values_list("name", flat=True)) == ["v1"]
    page = client.get(f"/models/{target.uuid}/versions/v1/").content.decode()
    assert f'href="/models/{model.uuid}/versions/v1/"' in page


def test_a_failed_job_removes_the_new_model_it_made(
    client_for, editor, model, encoder_version, run_db_worker
):
    from models_app.catalog.models import AIModel

    broken = io.BytesIO(b"text,label\nonly one label,x\n")
    broken.name = "one.csv"
    submit(client_for(editor), model, dataset=broken, output_model="doomed")
    assert AIModel.objects.filter(title="doomed").exists()
    run_db_worker()
    assert FineTuneJob.objects.get().state == "failed"
    assert not AIModel.objects.filter(title="doomed").exists()
