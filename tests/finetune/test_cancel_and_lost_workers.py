"""Cancel stops the training within seconds; a worker that dies leaves no job running
forever and takes its training with it; nothing half-written stays behind."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from models_app.finetune.jobs import reap_lost_jobs
from models_app.finetune.models import FineTuneJob, TrainingCommand
from models_app.versions import blobs
from models_app.versions.models import ModelVersion, VersionFile

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_TRAINER = textwrap.dedent(
    """
    import json, sys, time
    for step in range(1, 601):
        print(json.dumps({"event": "progress", "step": step, "total": 600, "loss": 1 / step}))
        sys.stdout.flush()
        time.sleep(0.1)
    """
)


@pytest.fixture
def slow_command(tmp_path):
    script = tmp_path / "slow_trainer.py"
    script.write_text(SLOW_TRAINER)
    return TrainingCommand.objects.create(name="slow", command=f"{sys.executable} {script}")


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stored_keys_of(model) -> set[str]:
    prefix = f"{blobs.PREFIX}{model.uuid}/"
    return {key for key in blobs.artifacts().all_keys() if key.startswith(prefix)}


def start_slow_job(client, model):
    response = client.post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "command",
            "param_command": "slow",
            "param_hyperparameters": '{"lr": 0.1}',
            "dataset_path": "datasets/train.csv",
            "output_version": "slow-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return FineTuneJob.objects.get()


def test_cancel_stops_a_running_training_within_seconds_and_leaves_nothing(
    client_for, owner, model, encoder_version, slow_command, run_db_worker, worker_thread
):
    client = client_for(owner)
    keys_before = stored_keys_of(model)
    job = start_slow_job(client, model)
    worker_thread(run_db_worker)
    assert wait_for(lambda: FineTuneJob.objects.get(pk=job.pk).step >= 3)

    cancelled_at = time.monotonic()
    response = client.post(f"/models/{model.uuid}/finetune/{job.pk}/cancel/")
    assert response.status_code == 302
    assert wait_for(lambda: FineTuneJob.objects.get(pk=job.pk).state == "cancelled", 10)
    assert time.monotonic() - cancelled_at < 10

    job.refresh_from_db()
    assert job.step < 600
    assert not ModelVersion.objects.filter(model=model, name="slow-1").exists()
    assert stored_keys_of(model) == keys_before
    page = client.get(f"/models/{model.uuid}/finetune/{job.pk}/").content.decode()
    assert 'data-state="cancelled"' in page


def test_cancelling_a_queued_job_removes_its_version_at_once(
    client_for, owner, model, encoder_version, slow_command
):
    client = client_for(owner)
    job = start_slow_job(client, model)
    client.post(f"/models/{model.uuid}/finetune/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.state == "cancelled"
    assert not ModelVersion.objects.filter(model=model, name="slow-1").exists()


def test_a_job_whose_worker_stopped_reporting_fails_as_worker_lost(
    client_for, owner, model, encoder_version, slow_command, settings
):
    client = client_for(owner)
    job = start_slow_job(client, model)
    stale = timezone.now() - timedelta(seconds=settings.FINETUNE_HEARTBEAT_TIMEOUT + 5)
    FineTuneJob.objects.filter(pk=job.pk).update(
        state="running", started_at=stale, heartbeat_at=stale
    )

    answer = client.get(
        f"/models/{model.uuid}/finetune/{job.pk}/", HTTP_ACCEPT="application/json"
    ).json()

    assert answer["state"] == "failed"
    assert "Worker lost" in answer["error"]
    assert not ModelVersion.objects.filter(model=model, name="slow-1").exists()


def test_a_job_that_still_reports_is_not_taken_for_lost(
    client_for, owner, model, encoder_version, slow_command
):
    client = client_for(owner)
    job = start_slow_job(client, model)
    FineTuneJob.objects.filter(pk=job.pk).update(
        state="running", started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert reap_lost_jobs() == 0
    assert FineTuneJob.objects.get(pk=job.pk).state == "running"


KILLED_WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from models_app.finetune.process import spawn
    process = spawn([sys.executable, "-c", "import time; time.sleep(120)"], Path("."), None)
    print(process.pid, flush=True)
    time.sleep(120)
    """
)


def test_a_training_dies_with_its_killed_worker(tmp_path):
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", KILLED_WORKER],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    training_pid = int(worker.stdout.readline())
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)

    def training_gone():
        try:
            os.kill(training_pid, 0)
        except ProcessLookupError:
            return True
        # A zombie awaiting its reaper is dead too.
        with open(f"/proc/{training_pid}/stat") as stat:
            return stat.read().split(") ")[1].startswith("Z")

    assert wait_for(training_gone, 10)


def test_a_killed_worker_leaves_no_orphan_objects_once_its_job_is_failed(
    client_for, owner, model, encoder_version, slow_command, settings, delete_at_once
):
    client = client_for(owner)
    keys_before = stored_keys_of(model)
    upload_job = client.post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "command",
            "param_command": "slow",
            "dataset": _named_upload(b"text,label\\na,b\\n", "up.csv"),
            "output_version": "lost-1",
        },
    )
    assert upload_job.status_code == 302
    assert VersionFile.objects.filter(version__name="lost-1").exists()
    stale = timezone.now() - timedelta(seconds=settings.FINETUNE_HEARTBEAT_TIMEOUT + 5)
    FineTuneJob.objects.update(state="running", started_at=stale, heartbeat_at=stale)

    assert reap_lost_jobs() == 1
    assert stored_keys_of(model) == keys_before


def _named_upload(content: bytes, name: str):
    import io

    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_deleting_the_model_during_training_stops_it_and_leaves_no_objects(
    client_for,
    owner,
    model,
    encoder_version,
    slow_command,
    run_db_worker,
    worker_thread,
    delete_at_once,
):
    client = client_for(owner)
    job = start_slow_job(client, model)
    worker = worker_thread(run_db_worker)
    assert wait_for(lambda: FineTuneJob.objects.filter(pk=job.pk, step__gte=2).exists())

    response = client.post(f"/models/{model.uuid}/delete/", {"confirm": "confirm"})
    assert response.status_code == 302
    worker.join(20)

    assert not worker.is_alive()
    assert not FineTuneJob.objects.exists()
    assert stored_keys_of(model) == set()
