"""Who may fine-tune, and what the form refuses before anything is stored or queued."""

import io

from models_app.access.caller import Caller
from models_app.audit.models import AuditEvent
from models_app.finetune.models import FineTuneJob
from models_app.versions.models import ModelVersion
from models_app.versions.services import version_create

from .conftest import store_files


def upload(content: bytes, name: str):
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def post(client, model, **fields):
    data = {"base_version": "v1", "recipe": "text-classifier-head", **fields}
    return client.post(f"/models/{model.uuid}/finetune/new/", data)


def field_errors(response) -> str:
    return response.content.decode()


def test_a_viewer_cannot_fine_tune(client_for, viewer, model, encoder_version):
    response = post(client_for(viewer), model, dataset_path="datasets/train.csv")
    assert response.status_code == 403
    assert client_for(viewer).get(f"/models/{model.uuid}/finetune/new/").status_code == 403
    assert not FineTuneJob.objects.exists()


def test_an_outsider_does_not_see_the_model_at_all(client_for, outsider, model, encoder_version):
    assert post(client_for(outsider), model, dataset_path="x.csv").status_code == 404
    assert client_for(outsider).get(f"/models/{model.uuid}/finetune/").status_code == 404


def test_an_editor_queues_a_job_and_it_is_audited(
    client_for, editor, model, encoder_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client_for(editor), model, dataset_path="datasets/train.csv")
    assert response.status_code == 302
    job = FineTuneJob.objects.get()
    assert job.created_by == editor
    event = AuditEvent.objects.get(action="finetune_queued")
    assert event.actor == editor and event.details["recipe"] == "text-classifier-head"


def test_the_viewer_sees_the_job_page_without_a_cancel_button(
    client_for, owner, viewer, model, encoder_version
):
    post(client_for(owner), model, dataset_path="datasets/train.csv")
    job = FineTuneJob.objects.get()
    page = client_for(viewer).get(f"/models/{model.uuid}/finetune/{job.pk}/").content.decode()
    assert 'data-testid="job-state"' in page
    assert 'data-testid="job-cancel"' not in page
    cancel = client_for(viewer).post(f"/models/{model.uuid}/finetune/{job.pk}/cancel/")
    assert cancel.status_code == 403


def test_a_base_version_without_the_recipes_files_is_refused_on_the_form(client_for, owner, model):
    version = version_create(model, by=Caller(user=owner), name="v1")
    store_files(version, {"weights.bin": b"123"}, owner)
    response = post(client_for(owner), model, dataset=upload(b"text,label\na,b\nc,d\n", "d.csv"))
    assert response.status_code == 400
    assert "lacks what text-classifier-head needs: *.onnx, tokenizer.json" in field_errors(response)
    assert not FineTuneJob.objects.exists()
    assert list(model.versions.values_list("name", flat=True)) == ["v1"]


def test_a_bad_parameter_is_named_next_to_its_field(client_for, owner, model, encoder_version):
    response = post(
        client_for(owner), model, dataset_path="datasets/train.csv", param_epochs="zero"
    )
    assert response.status_code == 400
    assert 'data-testid="field-error" role="alert">expected an integer' in field_errors(response)
    response = post(client_for(owner), model, dataset_path="datasets/train.csv", param_holdout="2")
    assert "must be at most 0.5" in field_errors(response)


def test_a_dataset_is_needed_and_only_one(client_for, owner, model, encoder_version):
    client = client_for(owner)
    assert "Upload a dataset or name a file" in field_errors(post(client, model))
    both = post(
        client,
        model,
        dataset=upload(b"text,label\n", "d.csv"),
        dataset_path="datasets/train.csv",
    )
    assert "not both" in field_errors(both)
    missing = post(client, model, dataset_path="datasets/none.csv")
    assert "The base version has no file datasets/none.csv." in field_errors(missing)
    wrong_kind = post(client, model, dataset=upload(b"\x00\x01", "data.parquet"))
    assert "text-classifier-head reads csv, jsonl files." in field_errors(wrong_kind)
    assert not FineTuneJob.objects.exists()


def test_an_output_version_name_already_taken_is_refused(client_for, owner, model, encoder_version):
    response = post(
        client_for(owner), model, dataset_path="datasets/train.csv", output_version="v1"
    )
    assert response.status_code == 400
    assert "already has a version with this name" in field_errors(response)


def test_the_command_recipe_only_runs_commands_an_administrator_defined(
    client_for, owner, model, encoder_version
):
    response = post(
        client_for(owner),
        model,
        recipe="command",
        dataset_path="datasets/train.csv",
        param_command="/bin/sh -c 'rm -rf /'",
    )
    assert response.status_code == 400
    assert "Choose a training command an administrator defined." in field_errors(response)
    assert not ModelVersion.objects.filter(status="training").exists()


def test_the_fine_tune_button_and_menu_entry_lead_to_the_form(
    client_for, owner, viewer, model, encoder_version
):
    page = client_for(owner).get(f"/models/{model.uuid}/").content.decode()
    assert f'href="/models/{model.uuid}/finetune/new/"' in page
    listing = client_for(owner).get("/models/").content.decode()
    assert f'href="/models/{model.uuid}/finetune/new/"' in listing
    viewer_page = client_for(viewer).get(f"/models/{model.uuid}/").content.decode()
    assert f'href="/models/{model.uuid}/finetune/new/"' not in viewer_page
