"""`manage.py finetune` (SPEC §7): prints the job id, and with --wait the new version's name
on its last line; a failure exits with the reason."""

import io
import threading

import pytest
from django.core.management import CommandError, call_command

from models_app.finetune.models import FineTuneJob

from .tinymodels import sentiment_csv

pytestmark = pytest.mark.django_db(transaction=True)


def run_command(*args) -> list[str]:
    out = io.StringIO()
    call_command("finetune", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_finetune_waits_and_prints_the_new_versions_name_last(
    model, encoder_version, run_db_worker, worker_thread, tmp_path
):
    dataset = tmp_path / "reviews.csv"
    dataset.write_bytes(sentiment_csv())
    worker_ready = threading.Event()

    def worker():
        worker_ready.wait(30)
        run_db_worker()

    worker_thread(worker)
    threading.Timer(1.0, worker_ready.set).start()
    lines = run_command(
        str(model.uuid),
        "v1",
        "--recipe",
        "text-classifier-head",
        "--dataset-file",
        str(dataset),
        "--param",
        "epochs=5",
        "--output-version",
        "cli-1",
        "--wait",
        "60",
    )
    job = FineTuneJob.objects.get()
    assert lines == [str(job.pk), "cli-1"]
    assert job.params["epochs"] == 5
    assert model.versions.get(name="cli-1").files.filter(path="datasets/reviews.csv").exists()


def test_finetune_takes_the_repository_id_and_refuses_bad_values_with_the_reason(
    model, encoder_version
):
    with pytest.raises(CommandError, match="param_epochs: expected an integer"):
        run_command(
            model.repo_id,
            "v1",
            "--recipe",
            "text-classifier-head",
            "--dataset-path",
            "datasets/train.csv",
            "--param",
            "epochs=many",
        )
    assert not FineTuneJob.objects.exists()
    lines = run_command(
        model.repo_id,
        "v1",
        "--recipe",
        "text-classifier-head",
        "--dataset-path",
        "datasets/train.csv",
    )
    assert lines == [str(FineTuneJob.objects.get().pk)]


def test_a_job_the_command_queued_on_a_broken_dataset_fails_naming_the_line(
    model, encoder_version, run_db_worker, tmp_path
):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "fine", "label": "pos"}\n{"text": "bad"}\n')
    lines = run_command(
        str(model.uuid), "v1", "--recipe", "text-classifier-head", "--dataset-file", str(broken)
    )
    run_db_worker()
    job = FineTuneJob.objects.get(pk=int(lines[-1]))
    assert job.state == "failed"
    assert job.error == 'dataset broken.jsonl: line 2: no "label" column'
