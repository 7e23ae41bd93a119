"""A fine-tune job's life is in the model's audit log: queued, cancelled, finished."""

import pytest

from models_app.audit.models import AuditEvent
from models_app.finetune.models import FineTuneJob

pytestmark = pytest.mark.django_db(transaction=True)


def start(client, model, name):
    client.post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "text-classifier-head",
            "dataset_path": "datasets/train.csv",
            "param_epochs": "3",
            "output_version": name,
        },
    )
    return FineTuneJob.objects.get(output_version_name=name)


def test_queued_cancelled_and_finished_jobs_are_audited(
    client_for, editor, model, encoder_version, run_db_worker
):
    client = client_for(editor)
    cancelled = start(client, model, "c1")
    client.post(f"/models/{model.uuid}/finetune/{cancelled.pk}/cancel/")
    finished = start(client, model, "f1")
    run_db_worker()

    events = AuditEvent.objects.filter(model_ref=model.uuid)
    actions = list(events.filter(action__startswith="finetune").values_list("action", "details"))
    assert ("finetune_cancelled", {"job": cancelled.pk}) in actions
    queued = [d for a, d in actions if a == "finetune_queued"]
    assert {d["version"] for d in queued} == {"c1", "f1"}
    finished_events = events.filter(action="finetune_finished", details__job=finished.pk)
    assert finished_events.get().details["state"] == "succeeded"
    assert finished_events.get().actor == editor
    assert finished_events.get().details["via"] == "finetune"
