import pytest
from openai import OpenAI

from models_app.deployments.keys import key_create
from models_app.deployments.models import Deployment, Desired, Runtime, State, Task
from models_app.deployments.secrets import encrypt_secret
from models_app.deployments.usage import start_usage_writer, stop_usage_writer
from models_app.versions.services import version_create

from .fake_upstream import FakeUpstream


@pytest.fixture
def upstream():
    fake = FakeUpstream().start()
    yield fake
    fake.stop()


@pytest.fixture
def deploy(upstream):
    """A ready deployment of `model`'s version `name` on the fake upstream."""

    def make(model, name="v1", *, runtime=Runtime.OPENAI, task=Task.CHAT, base_url=None):
        version = model.versions.filter(name=name).first() or version_create(
            model, by=model.owner, name=name
        )
        return Deployment.objects.create(
            model=model,
            version=version,
            runtime=runtime,
            task=task,
            upstream_url=upstream.url if runtime == Runtime.OPENAI else "",
            upstream_model="upstream-chat" if runtime == Runtime.OPENAI else "",
            upstream_key_encrypted=encrypt_secret("sk-upstream")
            if runtime == Runtime.OPENAI
            else "",
            desired=Desired.RUNNING,
            state=State.READY,
            base_url=base_url or upstream.url,
        )

    return make


@pytest.fixture
def deploy_local(deploy):
    """A ready "local runner" (ONNX, feature-extraction) deployment; the fake upstream
    answers it unless `base_url` names another server. The gateway sends it `model` =
    repo_id:version, so the fake's request log tells which deployment was used."""

    def make(model, name="v1", *, base_url=None):
        return deploy(
            model, name, runtime=Runtime.ONNXRUNTIME, task=Task.FEATURE_EXTRACTION,
            base_url=base_url,
        )  # fmt: skip

    return make


@pytest.fixture(params=["inserted at once", "queued"])
def usage_recording(request):
    """Both ways a process records usage: inserting each row (runserver, commands) or
    queueing them as a gunicorn worker does (usage.py)."""
    if request.param == "queued":
        request.getfixturevalue("queued_usage")


@pytest.fixture
def queued_usage():
    """This process queues its usage rows as a gunicorn worker does; the writer thread waits
    an hour, so only an explicit flush writes them."""
    start_usage_writer(interval=3600)
    yield
    stop_usage_writer()


@pytest.fixture
def endpoint_key(owner):
    def make(model, **options):
        values = {"name": "app", "rate_limit_rpm": 60, "expires_days": None, **options}
        return key_create(by=owner, model=model, **values)

    return make


@pytest.fixture
def gateway(live_server):
    clients = []

    def make(secret) -> OpenAI:
        # No retries: a refusal must reach the test as the client first sees it.
        client = OpenAI(base_url=f"{live_server.url}/v1", api_key=secret, max_retries=0, timeout=20)
        clients.append(client)
        return client

    yield make
    # Kept-alive connections would outlive the test and its live server's database.
    for client in clients:
        client.close()
