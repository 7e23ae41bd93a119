"""Fixtures of the fine-tune tests: a model whose version v1 holds a tiny ONNX encoder and
its tokenizer, and the two queues' workers run inside the test (so they see its database)."""

import io
import threading
import uuid

import pytest
from django.db import connections

from models_app.access.caller import Caller
from models_app.versions import blobs
from models_app.versions.services import Incoming, files_store, version_create
from tests.deployments.conftest import supervisor, supervisors  # noqa: F401 (fixtures)

from .tinymodels import encoder_onnx_and_tokenizer, sentiment_csv


def store_files(version, files: dict[str, bytes], user):
    items = [
        Incoming(path=path, source=blobs.HashingReader(io.BytesIO(content)))
        for path, content in files.items()
    ]
    return files_store(version, items, by=Caller(user=user))


@pytest.fixture
def encoder_version(model, owner):
    """v1: model.onnx, tokenizer.json and datasets/train.csv."""
    version = version_create(model, by=Caller(user=owner), name="v1")
    store_files(
        version,
        {**encoder_onnx_and_tokenizer(), "datasets/train.csv": sentiment_csv()},
        owner,
    )
    return version


@pytest.fixture
def run_db_worker():
    """Runs the database worker until the queue is empty."""

    def run():
        # The command's own loop, without the signal handlers it installs (a thread may not).
        from django_tasks_db.management.commands.db_worker import Worker

        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"test-{uuid.uuid4().hex[:8]}",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture
def rq_backend(settings):
    """The RQ backend on this machine's Redis, on a queue of this test's own."""
    import django_rq

    name = f"finetune14-{uuid.uuid4().hex[:12]}"
    settings.TASKS_QUEUE = name
    settings.RQ_QUEUES = {
        q: {"URL": "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": -1} for q in ("default", name)
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", name]}
    }
    yield name
    queue = django_rq.get_queue(name)
    queue.empty()
    queue.delete(delete_jobs=True)


@pytest.fixture
def run_rq_worker(rq_backend):
    """Runs an RQ worker in this process (no fork, so it sees the test's database) until
    the queue is empty."""

    def run():
        import django_rq
        from rq import SimpleWorker

        worker = django_rq.get_worker(
            rq_backend, worker_class=SimpleWorker, job_class="django_tasks_rq.Job"
        )
        worker.work(burst=True, with_scheduler=False)

    return run


@pytest.fixture
def worker_thread():
    """Starts `target` in a thread; joined at the end of the test."""
    threads = []

    def start(target):
        def run():
            try:
                target()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        return thread

    yield start
    for thread in threads:
        thread.join(60)
