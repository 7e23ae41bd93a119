"""The task queue under fine-tune jobs (issue 14): job pick-up time and the queue's cost on a
training run (bench/README.md).

    .venv/bin/python bench/finetune_queue.py [--pickups 20] [--rows 3000]
        [--epochs 300] [--dim 256] [--runs 3] [--backend database|rq|both]

Runs in a temporary data dir (SQLite, local files) unless DATABASE_URL is set; RQ uses the
Redis at 127.0.0.1:6379 with a queue of its own. A real worker process is started
(`manage.py db_worker --interval 0.5`, or `manage.py rqworker --job-class
django_tasks_rq.Job --worker-class rq.worker.SimpleWorker QUEUE`), and jobs are queued
through the services, as the form does.

- pick-up: from the moment the job is queued (the services return) to the moment the worker
  has claimed it (the job's `started_at`), with the `command` recipe running a trivial
  trainer, --pickups jobs one after another;
- overhead: the wall time of a `text-classifier-head` job (queued → succeeded: pick-up, base
  files and dataset fetched from storage, the training child, progress written every 0.5 s,
  the new version's files stored) against calling the same recipe directly on the same files
  in a fresh process (`python -m models_app.finetune.child spec.json`), interleaved, 3 each;
  and, within each queued run, its wall time against the training child's own (the job's
  `training_seconds`), which the machine's minute-to-minute speed does not skew.
"""

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_environment(backend: str, data_dir: str, queue: str) -> None:
    os.environ["MODELHUB_DATA_DIR"] = data_dir
    os.environ["MODELHUB_TASKS_QUEUE"] = queue
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "modelhub.settings")
    if backend == "rq":
        os.environ["MODELHUB_TASKS_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    else:
        os.environ.pop("MODELHUB_TASKS_REDIS_URL", None)


def start_worker(backend: str, queue: str) -> subprocess.Popen:
    if backend == "rq":
        argv = [
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "--worker-class",
            "rq.worker.SimpleWorker",
            queue,
        ]
    else:
        argv = ["db_worker", "--queue-name", queue, "--interval", "0.5", "--no-reload"]
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_finished(job, seconds=600):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.02)
    raise RuntimeError(f"job {job.pk} did not finish: {job.state}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pickups", type=int, default=20)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--dim", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backend", choices=["database", "rq", "both"], default="both")
    args = parser.parse_args()
    backends = ["database", "rq"] if args.backend == "both" else [args.backend]
    data_dir = tempfile.mkdtemp(prefix="modelhub-bench-finetune-")
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    setup_environment(backends[0], data_dir, queue)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        for backend in backends:
            run_backend(backend, args, data_dir, queue)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def seed(dim: int, rows: int):
    from models_app.access.caller import Caller
    from models_app.accounts.models import User
    from models_app.catalog.services import model_create
    from models_app.finetune.models import TrainingCommand
    from models_app.versions import blobs
    from models_app.versions.services import Incoming, files_store, version_create
    from tests.finetune.tinymodels import encoder_onnx, sentiment_rows, tokenizer_json

    user = User.objects.filter(email="bench@bench.test").first() or User.objects.create_user(
        email="bench@bench.test", password="bench-password-1"
    )
    model = model_create(by=Caller(user=user), owner=user, title=f"bench-{uuid.uuid4().hex[:6]}")
    version = version_create(model, by=Caller(user=user), name="v1")
    tokenizer = tokenizer_json()
    vocab = len(json.loads(tokenizer)["model"]["vocab"])
    data = "text,label\n" + "".join(f"{t},{label}\n" for t, label in sentiment_rows(rows))
    files = {
        "model.onnx": encoder_onnx(vocab, dim=dim),
        "tokenizer.json": tokenizer.encode(),
        "datasets/train.csv": data.encode(),
    }
    items = [Incoming(path=p, source=blobs.HashingReader(io.BytesIO(c))) for p, c in files.items()]
    files_store(version, items, by=Caller(user=user))
    trainer = Path(tempfile.mkdtemp()) / "noop_trainer.py"
    trainer.write_text("import sys, pathlib\npathlib.Path(sys.argv[3], 'x').write_bytes(b'1')\n")
    TrainingCommand.objects.get_or_create(
        name="bench-noop", defaults={"command": f"{sys.executable} {trainer}"}
    )
    return user, model, version, files


def queue_job(user, model, version, recipe_key, params):
    from models_app.access.caller import Caller
    from models_app.finetune.recipes import recipe
    from models_app.finetune.services import job_create

    return job_create(
        by=Caller(user=user),
        model=model,
        base_version=version,
        recipe=recipe(recipe_key),
        params=params,
        dataset_path="datasets/train.csv",
    )


def run_backend(backend, args, data_dir, queue):
    from django.conf import settings
    from django.test.utils import override_settings

    setup_environment(backend, data_dir, queue)
    tasks = {
        "default": {
            "BACKEND": "django_tasks_rq.RQBackend"
            if backend == "rq"
            else "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", queue],
        }
    }
    rq_queues = {
        q: {"URL": "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": -1} for q in ("default", queue)
    }
    with override_settings(TASKS=tasks, TASKS_QUEUE=queue, RQ_QUEUES=rq_queues):
        assert queue == settings.TASKS_QUEUE
        user, model, version, files = seed(args.dim, args.rows)
        worker = start_worker(backend, queue)
        try:
            time.sleep(3)  # the worker's start-up (Django, imports) is not pick-up time
            pickups = []
            spread = random.Random(0)
            for _ in range(args.pickups):
                # At a random moment of the database worker's polling interval, as a user's.
                time.sleep(spread.uniform(0, 1))
                job = queue_job(user, model, version, "command", {"command": "bench-noop"})
                queued = time.time()
                job = wait_finished(job)
                pickups.append(job.started_at.timestamp() - queued)
            print(
                f"{backend}: pick-up over {len(pickups)} jobs: median "
                f"{statistics.median(pickups) * 1000:.0f} ms, min {min(pickups) * 1000:.0f} ms, "
                f"max {max(pickups) * 1000:.0f} ms"
            )
            overhead(backend, args, user, model, version, files)
        finally:
            worker.terminate()
            try:
                worker.wait(10)
            except subprocess.TimeoutExpired:
                worker.kill()  # its training child dies with it
                worker.wait()
            if backend == "rq":
                import django_rq

                django_rq.get_queue(queue).delete(delete_jobs=True)


def direct_run(files, params) -> float:
    from models_app.finetune.recipes import recipe

    folder = Path(tempfile.mkdtemp(prefix="direct-"))
    try:
        (folder / "base").mkdir()
        for name in ("model.onnx", "tokenizer.json"):
            (folder / "base" / name).write_bytes(files[name])
        (folder / "train.csv").write_bytes(files["datasets/train.csv"])
        spec = {
            "train": recipe("text-classifier-head").train,
            "base_dir": str(folder / "base"),
            "dataset": str(folder / "train.csv"),
            "dataset_name": "train.csv",
            "output_dir": str(folder / "out"),
            "params": params,
        }
        (folder / "spec.json").write_text(json.dumps(spec))
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "models_app.finetune.child", str(folder / "spec.json")],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.monotonic() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def runs(times) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


def overhead(backend, args, user, model, version, files):
    from models_app.finetune.recipes import recipe

    params, errors = recipe("text-classifier-head").clean_params({"epochs": str(args.epochs)})
    assert not errors
    queued_times, direct_times, own_costs = [], [], []
    for _ in range(args.runs):
        direct_times.append(direct_run(files, params))
        started = time.monotonic()
        job = wait_finished(queue_job(user, model, version, "text-classifier-head", params))
        wall = time.monotonic() - started
        queued_times.append(wall)
        assert job.state == "succeeded", job.error
        # Within this one run: everything but the training child's own life.
        own_costs.append((wall - job.metrics["training_seconds"]) / job.metrics["training_seconds"])
    queued, direct = statistics.median(queued_times), statistics.median(direct_times)
    print(
        f"{backend}: text-classifier-head, {args.rows} rows, {args.epochs} epochs, dim "
        f"{args.dim}: through the queue {queued:.2f} s (runs {runs(queued_times)}), "
        f"direct {direct:.2f} s (runs {runs(direct_times)}): "
        f"overhead {(queued - direct) / direct * 100:+.1f} %; the queue's own cost within "
        f"each run (wall - training child) / training child: "
        f"{', '.join(f'{c * 100:.1f} %' for c in own_costs)}"
    )


if __name__ == "__main__":
    main()
