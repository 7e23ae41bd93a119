"""Deploying from the model page: the form, then the deployment page whose state turns
ready (polled by htmx) while a supervisor runs beside the live server, as `make run` has."""

import re
import threading
import uuid

import pytest
from playwright.sync_api import expect

from models_app.deployments.supervisor import Supervisor
from tests import tinymodels
from tests.deployments.conftest import store_files
from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def embedding_model_version(owner, model, settings, tmp_path):
    settings.MODELHUB_DEPLOY_CACHE_DIR = tmp_path / "deploy-cache"
    version = VersionFactory(model=model, number=1, name="v1")
    return store_files(version, tinymodels.embedding_files(), owner)


@pytest.fixture
def running_supervisor():
    supervisor = Supervisor(name=f"e2e-{uuid.uuid4().hex[:8]}", start_timeout=90)
    stop = threading.Event()
    thread = threading.Thread(
        target=supervisor.run, args=(stop.is_set,), kwargs={"interval": 0.3}, daemon=True
    )
    thread.start()
    yield supervisor
    stop.set()
    thread.join(timeout=30)


def test_deploy_from_the_model_page_and_see_it_become_ready(
    page, sign_in, owner, model, embedding_model_version, running_supervisor
):
    sign_in(owner)
    page.goto(model.get_absolute_url())
    page.click("a[data-operation=deploy]")
    expect(page.locator("select[name=runtime]")).to_have_value("onnxruntime")
    page.select_option("select[name=task]", "feature-extraction")
    page.click("[data-testid=deploy-submit]")
    page.wait_for_url(re.compile(r"/deployments/\d+/$"))
    state = page.get_by_test_id("deployment-state")
    expect(state).to_have_text("ready", timeout=60_000)
    expect(page.get_by_test_id("gateway-name")).to_have_text(f"{model.repo_id}:v1")
    page.click("[data-testid=deployment-stop]")
    expect(state).to_have_text("stopped")
