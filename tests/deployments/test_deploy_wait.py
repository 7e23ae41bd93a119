"""`deploy --wait` against a supervisor running beside it, as `make run` has one."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import tinymodels


@pytest.fixture
def running_supervisor(supervisors):
    supervisor = supervisors()
    stop = threading.Event()
    thread = threading.Thread(
        target=supervisor.run, args=(stop.is_set,), kwargs={"interval": 0.2}, daemon=True
    )
    thread.start()
    yield supervisor
    stop.set()
    thread.join(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_deploy_wait_returns_once_the_deployment_is_ready(
    owner, model, new_version, running_supervisor, capsys
):
    new_version(tinymodels.embedding_files())
    call_command("deploy", model.repo_id, "v1", "--wait", "60")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"{model.repo_id}:v1"


@pytest.mark.django_db(transaction=True)
def test_deploy_wait_exits_with_the_reason_when_the_runner_fails(
    owner, model, new_version, running_supervisor
):
    new_version({"broken.onnx": b"not a graph"})
    with pytest.raises(CommandError, match="failed: The runner exited with code"):
        call_command("deploy", model.repo_id, "v1", "--task", "raw", "--wait", "60")
