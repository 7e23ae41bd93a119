"""One training at a time per worker machine by default (MODELHUB_FINETUNE_SLOTS): a job
waits, queued, while the slot is taken."""

import sys
import time

import pytest

from models_app.finetune.models import FineTuneJob, TrainingCommand
from models_app.finetune.runner import training_slot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_waits_queued_while_the_machines_only_training_slot_is_taken(
    client_for, owner, model, encoder_version, run_db_worker, worker_thread, settings, tmp_path
):
    settings.FINETUNE_SLOTS = 1
    trainer = tmp_path / "trainer.py"
    trainer.write_text("import sys, pathlib\npathlib.Path(sys.argv[3], 'w').write_bytes(b'1')\n")
    TrainingCommand.objects.create(name="quick", command=f"{sys.executable} {trainer}")
    client_for(owner).post(
        f"/models/{model.uuid}/finetune/new/",
        {
            "base_version": "v1",
            "recipe": "command",
            "param_command": "quick",
            "dataset_path": "datasets/train.csv",
        },
    )
    job = FineTuneJob.objects.get()

    with training_slot(job_id=0) as taken:
        assert taken
        worker = worker_thread(run_db_worker)
        time.sleep(2)
        assert FineTuneJob.objects.get(pk=job.pk).state == "queued"
    worker.join(60)

    assert FineTuneJob.objects.get(pk=job.pk).state == "succeeded"
