"""The playground calls the gateway with the user's session: CSRF applies then."""

import json

from django.test import Client

from models_app.deployments.models import GatewayCall


def test_a_session_call_without_the_csrf_token_is_refused(owner, model, deploy):
    deploy(model, "v1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        "/v1/embeddings",
        json.dumps({"model": model.repo_id, "input": "a"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_session_call_with_the_csrf_token_reaches_the_deployment(owner, model, deploy):
    deploy(model, "v1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    client.get(f"/models/{model.uuid}/playground/")
    response = client.post(
        "/v1/embeddings",
        json.dumps({"model": model.repo_id, "input": "ab"}),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 200
    assert response.json()["data"][0]["embedding"][0] == 2.0


def test_a_signed_out_call_gets_openai_error_json(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/v1/chat/completions", "{}", content_type="application/json")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"message", "type", "code"}


def test_a_bad_body_is_a_400_in_openai_shape(owner, model, deploy, endpoint_key):
    _key, secret = endpoint_key(model)
    response = Client().post(
        "/v1/chat/completions",
        "not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_refusals_of_a_key_count_as_its_errors(owner, model, endpoint_key):
    key, secret = endpoint_key(model)
    Client().post(
        "/v1/embeddings",
        json.dumps({"model": model.repo_id, "input": "a"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert list(GatewayCall.objects.filter(key=key).values_list("status", flat=True)) == [503]


def test_a_key_stops_working_when_its_creator_loses_access(editor, model, deploy):
    from models_app.deployments.keys import key_create
    from models_app.sharing.models import Share

    deploy(model, "v1")
    _key, secret = key_create(
        by=editor, model=model, name="app", rate_limit_rpm=60, expires_days=None
    )
    call = {
        "path": "/v1/embeddings",
        "data": json.dumps({"model": model.repo_id, "input": "ab"}),
        "content_type": "application/json",
        "headers": {"Authorization": f"Bearer {secret}"},
    }
    assert Client().post(**call).status_code == 200
    Share.objects.filter(model=model, user=editor).delete()
    assert Client().post(**call).status_code == 404
