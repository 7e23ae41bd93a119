"""Deployments tests: versions holding tiny models, a supervisor whose runners are always
stopped at the end of the test, and a wait that ticks it."""

import io
import time
import uuid

import pytest

from models_app.deployments.models import Deployment
from models_app.deployments.supervisor import Supervisor
from models_app.versions.blobs import HashingReader
from models_app.versions.services import Incoming, files_store
from tests import tinymodels
from tests.versions.conftest import moto_server, s3  # noqa: F401 (fixtures)
from tests.versions.factories import VersionFactory


@pytest.fixture(autouse=True)
def _deploy_cache(settings, tmp_path):
    settings.MODELHUB_DEPLOY_CACHE_DIR = tmp_path / "deploy-cache"
    settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS = 2


def store_files(version, files: dict[str, bytes], by):
    items = [Incoming(path=p, source=HashingReader(io.BytesIO(data))) for p, data in files.items()]
    files_store(version, items, by=by)
    return version


@pytest.fixture
def new_version(model, owner):
    def make(files: dict[str, bytes], name: str | None = None):
        number = model.versions.count() + 1
        version = VersionFactory(model=model, number=number, name=name or f"v{number}")
        return store_files(version, files, owner)

    return make


@pytest.fixture
def embedding_version(new_version):
    return new_version(tinymodels.embedding_files())


@pytest.fixture
def classifier_version(new_version):
    return new_version(tinymodels.classifier_files())


@pytest.fixture
def supervisors():
    """Makes supervisors (each its own name, as on several machines); every runner they
    started is stopped when the test ends."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("name", f"test-{uuid.uuid4().hex[:8]}")
        kwargs.setdefault("start_timeout", 90)
        supervisor = Supervisor(**kwargs)
        made.append(supervisor)
        return supervisor

    yield make
    for supervisor in made:
        supervisor.shutdown()


@pytest.fixture
def supervisor(supervisors):
    return supervisors()


def run_until(supervisor, deployment: Deployment, states, timeout: float = 90.0) -> Deployment:
    """Ticks `supervisor` until the deployment's state is one of `states`."""
    states = {states} if isinstance(states, str) else set(states)
    deadline = time.monotonic() + timeout
    while True:
        supervisor.tick()
        deployment.refresh_from_db()
        if deployment.state in states:
            return deployment
        if time.monotonic() > deadline:
            raise AssertionError(
                f"deployment stayed {deployment.state} ({deployment.error}); "
                f"log:\n{deployment.log_tail}"
            )
        time.sleep(0.2)
