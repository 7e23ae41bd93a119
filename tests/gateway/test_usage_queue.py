"""A web worker queues the gateway's usage rows and writes them in batches (usage.py): they
appear once flushed, the usage figures flush first, and none is lost when the worker exits."""

import os
import runpy
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from models_app.deployments.models import Deployment, GatewayCall
from models_app.deployments.usage import (
    flush_usage,
    record_call,
    start_usage_writer,
    stop_usage_writer,
)

from .calls import embeddings

ROOT = Path(settings.BASE_DIR)


def test_a_call_is_written_when_the_queue_is_flushed(model, deploy, endpoint_key, queued_usage):
    deployment = deploy(model, "v1")
    key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    assert not GatewayCall.objects.exists()
    assert flush_usage() == 1
    call = GatewayCall.objects.get()
    assert (call.key, call.deployment, call.status, call.prompt_tokens) == (key, deployment, 200, 2)


def test_calls_the_database_refused_are_written_by_the_next_flush(
    model, deploy, queued_usage, monkeypatch
):
    deployment = deploy(model, "v1")
    record_call(deployment=deployment, key=None, status=200)
    real_bulk_create = GatewayCall.objects.bulk_create

    def database_gone(*args, **kwargs):
        raise OperationalError("the database went away")

    monkeypatch.setattr(GatewayCall.objects, "bulk_create", database_gone)
    assert flush_usage() == 0
    monkeypatch.setattr(GatewayCall.objects, "bulk_create", real_bulk_create)
    assert flush_usage() == 1
    assert GatewayCall.objects.filter(deployment=deployment).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_the_queue_by_itself(model, deploy, endpoint_key):
    deploy(model, "v1")
    key, secret = endpoint_key(model)
    start_usage_writer(interval=0.05)
    try:
        assert embeddings(secret, model.repo_id).status_code == 200
        deadline = time.monotonic() + 10
        while not GatewayCall.objects.filter(key=key).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert GatewayCall.objects.filter(key=key, status=200).count() == 1
    finally:
        stop_usage_writer()


@pytest.mark.django_db(transaction=True)
def test_a_call_of_a_deployment_deleted_meanwhile_does_not_lose_the_others(
    model, deploy, queued_usage
):
    kept = deploy(model, "v1")
    deleted = deploy(model, "v2")
    record_call(deployment=kept, key=None, status=200)
    record_call(deployment=deleted, key=None, status=200)
    Deployment.objects.filter(pk=deleted.pk).delete()
    assert flush_usage() == 1
    assert list(GatewayCall.objects.values_list("deployment", flat=True)) == [kept.pk]


def test_gunicorns_worker_exit_hook_writes_what_is_queued(model, deploy, settings):
    settings.GATEWAY_USAGE_FLUSH_SECONDS = 3600
    hooks = runpy.run_path(str(ROOT / "modelhub" / "gunicorn.conf.py"))
    deployment = deploy(model, "v1")
    hooks["post_worker_init"](None)
    record_call(deployment=deployment, key=None, status=200)
    assert not GatewayCall.objects.exists()
    hooks["worker_exit"](None, None)
    assert GatewayCall.objects.filter(deployment=deployment).count() == 1


def _database_url() -> str:
    """The test database, for a process of its own."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_process_that_exits_writes_what_it_queued(model, deploy):
    deployment = deploy(model, "v1")
    script = (
        "import django; django.setup()\n"
        "from models_app.deployments.models import Deployment\n"
        "from models_app.deployments.usage import record_call, start_usage_writer\n"
        "start_usage_writer(interval=3600)\n"
        f"record_call(deployment=Deployment.objects.get(pk={deployment.pk}), key=None, "
        "status=200, latency_ms=5)\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "modelhub.settings",
        "DATABASE_URL": _database_url(),
    }
    subprocess.run(  # noqa: S603 -- this interpreter, a script of this test
        [sys.executable, "-c", script], cwd=ROOT, env=environment, check=True, timeout=60
    )
    assert GatewayCall.objects.filter(deployment=deployment, latency_ms=5).count() == 1
