"""What a worker does with one job: wait for a training slot of this machine, claim the job,
put the base files and the dataset on local disk, run the training in a child process
(`child.py`, or an admin's command), pass on what it reports (progress, loss, log) and the
heartbeat every half second, kill it when the job is cancelled, and store what it wrote as
the new version's files. The child dies with the worker (PR_SET_PDEATHSIG), and a job whose
worker vanished is failed by `services.reap_lost_jobs`."""

import contextlib
import fcntl
import json
import logging
import os
import queue as threads_queue
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.access.caller import Caller
from models_app.versions import blobs
from models_app.versions.models import ModelVersion
from models_app.versions.services import Incoming, files_store

from . import datasets
from .jobs import job_finish, reap_lost_jobs
from .models import FineTuneJob, JobState, TrainingCommand
from .process import spawn, stop
from .recipes import recipe as find_recipe
from .recipes import selects

logger = logging.getLogger("modelhub.finetune")

REPORT_SECONDS = 0.5
KILL_GRACE_SECONDS = 3
MAX_LOG_CHARS = 100_000
MAX_LOSS_POINTS = 10_000


class JobFailed(Exception):
    pass


def work_dir() -> Path:
    folder = Path(settings.FINETUNE_WORK_DIR or settings.DATA_DIR / "finetune")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def training_slot(job_id: int):
    """One of settings.FINETUNE_SLOTS trainings of this machine (file locks, so several
    worker processes share them); waits while all are taken, giving up if the job is
    cancelled meanwhile. Yields False when it gave up."""
    folder = work_dir() / "slots"
    folder.mkdir(exist_ok=True)
    while True:
        for number in range(max(1, settings.FINETUNE_SLOTS)):
            handle = open(folder / f"slot-{number}.lock", "w")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if not FineTuneJob.objects.filter(pk=job_id, state=JobState.QUEUED).exists():
            yield False
            return
        time.sleep(REPORT_SECONDS)


def _claim(job_id: int, worker: str) -> FineTuneJob | None:
    with transaction.atomic():
        job = FineTuneJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != JobState.QUEUED:
            return None
        now = timezone.now()
        job.state = JobState.RUNNING
        job.started_at = job.heartbeat_at = now
        job.worker = worker[:200]
        job.save(update_fields=["state", "started_at", "heartbeat_at", "worker"])
    return job


def _download(key: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in blobs.artifacts().chunks(key):
            out.write(chunk)


def _prepare(job: FineTuneJob, recipe, folder: Path) -> tuple[Path, Path]:
    base_dir, dataset_dir = folder / "base", folder / "dataset"
    base_dir.mkdir()
    dataset_dir.mkdir()
    base = ModelVersion.objects.filter(pk=job.base_version_id).first()
    if base is None:
        raise JobFailed("the base version was deleted")
    for file in base.files.all():
        if selects(file.path, recipe.fetches):
            _download(file.storage_key, base_dir / file.path)
    dataset_file = None
    if job.dataset_version_id:
        dataset_file = (
            ModelVersion.objects.get(pk=job.dataset_version_id)
            .files.filter(path=job.dataset_path)
            .first()
        )
    if dataset_file is None:
        raise JobFailed(f"the dataset {job.dataset_path} is no longer stored")
    dataset = dataset_dir / job.dataset_name
    _download(dataset_file.storage_key, dataset)
    return base_dir, dataset


def child_command(job: FineTuneJob, recipe, base_dir, dataset, output_dir, folder) -> list[str]:
    if recipe.key != "command":
        spec = folder / "spec.json"
        spec.write_text(
            json.dumps(
                {
                    "train": recipe.train,
                    "base_dir": str(base_dir),
                    "dataset": str(dataset),
                    "dataset_name": job.dataset_name,
                    "output_dir": str(output_dir),
                    "params": job.params,
                }
            )
        )
        return [sys.executable, "-m", "models_app.finetune.child", str(spec)]
    command = TrainingCommand.objects.filter(name=job.params.get("command"), enabled=True).first()
    if command is None:
        raise JobFailed(f"no enabled training command named {job.params.get('command')!r}")
    params_file = folder / "hyperparameters.json"
    params_file.write_text(job.params.get("hyperparameters") or "{}")
    values = {
        "base_dir": str(base_dir),
        "dataset": str(dataset),
        "output_dir": str(output_dir),
        "params": str(params_file),
    }
    argv = shlex.split(command.command)
    placed = [arg.format_map(values) if "{" in arg else arg for arg in argv]
    if placed == argv:
        placed += [values["base_dir"], values["dataset"], values["output_dir"], values["params"]]
    return placed


class Reporter:
    """Collects what the child says and writes it to the job row every REPORT_SECONDS,
    with the heartbeat; tells whether the job was cancelled meanwhile."""

    def __init__(self, job: FineTuneJob):
        self.job = job
        self.new_log: list[str] = []
        self.new_losses: list[list] = []
        self.step, self.total = job.step, job.total_steps
        self.metrics: dict = {}
        self.error = ""
        self.last = 0.0

    def line(self, text: str) -> None:
        text = text.rstrip("\n")
        try:
            event = json.loads(text) if text.startswith("{") else None
        except json.JSONDecodeError:
            event = None
        if not isinstance(event, dict) or "event" not in event:
            self.new_log.append(text)
            return
        kind = event["event"]
        if kind == "progress":
            self.step = int(event.get("step") or 0)
            self.total = int(event.get("total") or self.total)
            if event.get("loss") is not None:
                self.new_losses.append([self.step, float(event["loss"])])
        elif kind == "metrics":
            self.metrics.update(event.get("metrics") or {})
            self.new_log.append(
                "metrics: " + ", ".join(f"{k}={v}" for k, v in (event.get("metrics") or {}).items())
            )
        elif kind == "error":
            self.error = str(event.get("message", ""))
            self.new_log.append("error: " + self.error)
        else:
            self.new_log.append(str(event.get("message", "")))

    def flush(self, force: bool = False) -> bool:
        """Writes what is new; returns True when the training should stop (a cancel was
        asked for, or the job is gone)."""
        now = time.monotonic()
        if not force and now - self.last < REPORT_SECONDS:
            return False
        self.last = now
        with transaction.atomic():
            job = FineTuneJob.objects.select_for_update().filter(pk=self.job.pk).first()
            if job is None:
                return True  # deleted with its model: stop the training
            if self.new_log:
                job.log = (job.log + "\n".join(self.new_log) + "\n")[-MAX_LOG_CHARS:]
            if self.new_losses:
                job.losses = (job.losses + self.new_losses)[-MAX_LOSS_POINTS:]
            job.step, job.total_steps = self.step, self.total
            job.metrics = {**job.metrics, **self.metrics}
            job.heartbeat_at = timezone.now()
            job.save(
                update_fields=["log", "losses", "step", "total_steps", "metrics", "heartbeat_at"]
            )
        self.new_log, self.new_losses = [], []
        self.job = job
        return job.cancel_requested


def _read_lines(stream, lines: threads_queue.Queue) -> None:
    for text in stream:
        lines.put(text)
    lines.put(None)


def watch(process: subprocess.Popen, reporter: Reporter) -> str:
    """Follows the child to its end: "done", "failed" or "cancelled"."""
    lines: threads_queue.Queue = threads_queue.Queue()
    threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
    ended = False
    while True:
        try:
            text = lines.get(timeout=REPORT_SECONDS / 2)
            if text is None:
                ended = True
            else:
                reporter.line(text)
        except threads_queue.Empty:
            pass
        if reporter.flush(force=ended):
            stop(process)
            reporter.flush(force=True)
            return "cancelled"
        if ended:
            return "done" if process.wait() == 0 else "failed"


def _store_outputs(job: FineTuneJob, output_dir: Path) -> int:
    version = ModelVersion.objects.filter(pk=job.output_version_id).first()
    if version is None:
        raise JobFailed("the output version was deleted while the job ran")
    paths = sorted(p for p in output_dir.rglob("*") if p.is_file())
    if not paths:
        raise JobFailed("the training wrote no files")
    handles = [open(p, "rb") for p in paths]  # noqa: SIM115
    try:
        items = [
            Incoming(path=p.relative_to(output_dir).as_posix(), source=blobs.HashingReader(h))
            for p, h in zip(paths, handles, strict=True)
        ]
        files_store(version, items, by=Caller(user=job.created_by, via="finetune"))
    finally:
        for handle in handles:
            handle.close()
    return len(items)


def _heartbeat(job_id: int, stopped: threading.Event) -> None:
    """Beats while the worker downloads and stores files (the child's reports beat while
    it trains)."""
    try:
        while not stopped.wait(max(1.0, settings.FINETUNE_HEARTBEAT_TIMEOUT / 4)):
            FineTuneJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
    finally:
        close_old_connections()


def _error_text(reporter: Reporter, stderr_file: Path) -> str:
    if reporter.error:
        return reporter.error
    tail = stderr_file.read_text(errors="replace")[-2000:].strip() if stderr_file.exists() else ""
    return tail.splitlines()[-1] if tail else "the training process failed"


def _finish(job_id: int, **outcome) -> str:
    finished = job_finish(job_id, **outcome)
    return finished.state if finished is not None else "deleted"


def _known_format(name: str) -> bool:
    try:
        datasets.dataset_format(name)
    except datasets.DatasetError:
        return False
    return True


def run_job(job_id: int, worker: str = "") -> str:
    """Runs one job to its end and returns its final state."""
    reap_lost_jobs()
    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    with training_slot(job_id) as got_slot:
        if not got_slot:
            return FineTuneJob.objects.get(pk=job_id).state
        job = _claim(job_id, worker)
        if job is None:
            return FineTuneJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
        return _run_claimed(job)


def _run_claimed(job: FineTuneJob) -> str:
    recipe = find_recipe(job.recipe)
    folder = Path(tempfile.mkdtemp(prefix=f"job-{job.pk}-", dir=work_dir()))
    stopped = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(job.pk, stopped), daemon=True)
    beat.start()
    reporter = Reporter(job)
    try:
        if recipe is None:
            raise JobFailed(f"unknown recipe {job.recipe!r}")
        if recipe.unavailable():
            raise JobFailed(recipe.unavailable())
        base_dir, dataset = _prepare(job, recipe, folder)
        if _known_format(job.dataset_name):
            try:
                rows = datasets.count_rows(dataset, job.dataset_name)
            except datasets.DatasetError as exc:
                raise JobFailed(f"dataset {job.dataset_name}: {exc}") from exc
            FineTuneJob.objects.filter(pk=job.pk).update(dataset_rows=rows)
        output_dir = folder / "output"
        output_dir.mkdir()
        argv = child_command(job, recipe, base_dir, dataset, output_dir, folder)
        stderr_file = folder / "stderr.txt"
        with open(stderr_file, "w") as stderr:
            spawned = time.monotonic()
            process = spawn(argv, folder, stderr)
            try:
                outcome = watch(process, reporter)
            finally:
                if process.poll() is None:
                    stop(process)
                training_seconds = time.monotonic() - spawned
        if outcome == "cancelled":
            return _finish(job.pk, state=JobState.CANCELLED, error=_("Cancelled while it ran."))
        if outcome == "failed":
            raise JobFailed(_error_text(reporter, stderr_file))
        _store_outputs(job, output_dir)
        duration = (timezone.now() - job.started_at).total_seconds()
        return _finish(
            job.pk,
            state=JobState.SUCCEEDED,
            metrics={
                **reporter.metrics,
                "duration_seconds": round(duration, 3),
                "training_seconds": round(training_seconds, 3),
            },
        )
    except JobFailed as exc:
        reporter.new_log.append(f"error: {exc}")
        reporter.flush(force=True)
        return _finish(job.pk, state=JobState.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("fine-tune job %s failed", job.pk)
        return _finish(job.pk, state=JobState.FAILED, error=f"{type(exc).__name__}: {exc}")
    finally:
        stopped.set()
        beat.join(5)
        shutil.rmtree(folder, ignore_errors=True)
