"""An endpoint key's request reads its key, creator, model and ready deployments in one
query on every request (keyrequests.py): whatever changes between two requests counts from
the second one, in any process."""

from datetime import timedelta

import pytest
from django.utils import timezone

from models_app.deployments.keyrequests import key_request
from models_app.deployments.keys import key_revoke
from models_app.deployments.models import Deployment, Desired, EndpointKey, State
from models_app.deployments.services import deployment_stop
from models_app.deployments.usage import start_usage_writer, stop_usage_writer

from .calls import embeddings


def test_a_key_revoked_after_a_request_is_refused_on_the_next(owner, model, deploy, endpoint_key):
    deploy(model, "v1")
    key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    key_revoke(key, by=owner)
    refused = embeddings(secret, model.repo_id)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_api_key"


def test_a_key_that_expired_is_refused(model, deploy, endpoint_key):
    deploy(model, "v1")
    key, secret = endpoint_key(model, expires_days=1)
    assert embeddings(secret, model.repo_id).status_code == 200
    EndpointKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert embeddings(secret, model.repo_id).status_code == 401


def test_a_key_of_a_deactivated_creator_is_refused(owner, model, deploy, endpoint_key):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert embeddings(secret, model.repo_id).status_code == 401


def test_a_deployment_stopped_after_a_request_is_not_used(
    owner, model, deploy, endpoint_key, upstream
):
    deployment = deploy(model, "v1")
    _key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    deployment_stop(deployment, by=owner)
    refused = embeddings(secret, model.repo_id)
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "model_not_deployed"
    assert len(upstream.requests) == 1


def test_a_deployment_ready_later_takes_the_next_request(
    model, deploy_local, endpoint_key, upstream
):
    deploy_local(model, "v1")
    _key, secret = endpoint_key(model)
    embeddings(secret, model.repo_id)
    deploy_local(model, "v2")
    embeddings(secret, model.repo_id)
    embeddings(secret, f"{model.repo_id}:v1")
    sent = [body["model"] for _path, body, _headers in upstream.requests]
    assert sent == [f"{model.repo_id}:v1", f"{model.repo_id}:v2", f"{model.repo_id}:v1"]


def test_an_allowlist_set_after_a_request_applies_to_the_next(model, deploy, endpoint_key):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    model.ip_allowlist = "10.0.0.0/8"
    model.save(update_fields=["ip_allowlist"])
    refused = embeddings(secret, model.repo_id)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ip_not_allowed"


def test_a_renamed_model_is_reached_by_its_new_id(owner, model, deploy, endpoint_key):
    from models_app.catalog.services import model_update

    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    assert embeddings(secret, model.repo_id).status_code == 200
    old_id = model.repo_id
    model_update(model, by=owner, expected_revision=model.revision, title="renamed-model")
    model.refresh_from_db()
    assert model.repo_id != old_id
    assert embeddings(secret, model.repo_id).status_code == 200


@pytest.mark.parametrize(
    ("state", "desired", "base_url", "ready"),
    [
        (State.READY, Desired.RUNNING, "http://127.0.0.1:1", True),
        (State.READY, Desired.STOPPED, "http://127.0.0.1:1", False),
        (State.READY, Desired.RUNNING, "", False),
        (State.STARTING, Desired.RUNNING, "http://127.0.0.1:1", False),
        (State.FAILED, Desired.RUNNING, "http://127.0.0.1:1", False),
        (State.STOPPED, Desired.STOPPED, "", False),
    ],
)
def test_the_key_reads_the_deployments_that_ready_finds(
    model, deploy, endpoint_key, state, desired, base_url, ready
):
    older = deploy(model, "v1")
    other = deploy(model, "v2")
    Deployment.objects.filter(pk=other.pk).update(state=state, desired=desired, base_url=base_url)
    _key, secret = endpoint_key(model)
    read = [d.pk for d in key_request(secret).ready]
    expected = list(Deployment.objects.ready().filter(model=model).order_by("-created_at", "-id"))
    assert read == [d.pk for d in expected]
    assert read == ([other.pk, older.pk] if ready else [older.pk])


def test_a_keys_request_is_one_query(model, deploy, endpoint_key, django_assert_num_queries):
    deploy(model, "v1")
    _key, secret = endpoint_key(model)
    start_usage_writer(interval=3600)
    try:
        with django_assert_num_queries(1):
            assert embeddings(secret, model.repo_id).status_code == 200
    finally:
        stop_usage_writer()
