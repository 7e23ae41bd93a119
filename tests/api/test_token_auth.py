"""Tokens authenticate the API routes only, narrowed to their scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from models_app.access.caller import Caller
from models_app.access.roles import Action
from models_app.access.rules import allowed_actions
from models_app.api.models import AccessToken
from models_app.api.scopes import SCOPE_ACTIONS, Scope
from models_app.api.services import token_create, token_revoke
from models_app.audit.models import AuditAction, AuditEvent

WHOAMI = "/api/whoami-v2"


def bearer(secret) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def read_token(owner):
    return token_create(by=owner, user=owner, name="reader", scope="read", expires_days=30)


def test_whoami_answers_for_the_tokens_user(client, owner, read_token):
    token, secret = read_token
    response = client.get(WHOAMI, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "owner"
    assert body["type"] == "user"
    assert body["email"] == owner.email
    assert body["auth"]["accessToken"] == {"displayName": "reader", "role": "read"}


def test_whoami_names_the_tenant_as_the_users_org(client, owner, read_token):
    _token, secret = read_token
    body = client.get(WHOAMI, **bearer(secret)).json()
    assert body["orgs"] == [{"type": "org", "name": owner.tenant.slug, "fullname": "Acme"}]


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_no_token(client):
    assert_401(client.get(WHOAMI))


def test_a_session_alone_is_not_a_token(client_for, owner):
    assert_401(client_for(owner).get(WHOAMI))


@pytest.mark.parametrize("header", ["Bearer mh_unknown", "Bearer ", "Basic abc", "mh_x"])
def test_bad_tokens(client, header, read_token):
    assert_401(client.get(WHOAMI, HTTP_AUTHORIZATION=header))


def test_revoked_token(client, owner, read_token):
    token, secret = read_token
    token_revoke(token, by=owner)
    assert_401(client.get(WHOAMI, **bearer(secret)))


def test_expired_token(client, read_token):
    token, secret = read_token
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(client.get(WHOAMI, **bearer(secret)))


def test_a_deactivated_users_token(client, owner, read_token):
    _token, secret = read_token
    owner.is_active = False
    owner.save()
    assert_401(client.get(WHOAMI, **bearer(secret)))


def test_tokens_do_not_open_html_pages(client, read_token):
    _token, secret = read_token
    for page in ["/models/", "/settings/tokens/"]:
        response = client.get(page, **bearer(secret))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_last_use_is_written_at_most_once_a_minute(client, read_token):
    token, secret = read_token
    client.get(WHOAMI, **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert token.last_used_address == "127.0.0.1"
    client.get(WHOAMI, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(WHOAMI, **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_first_use_from_each_address_is_audited(client, owner, read_token):
    _token, secret = read_token
    client.get(WHOAMI, **bearer(secret))
    client.get(WHOAMI, **bearer(secret))
    client.get(WHOAMI, REMOTE_ADDR="127.0.0.2", **bearer(secret))
    events = AuditEvent.objects.filter(action=AuditAction.TOKEN_NEW_ADDRESS)
    assert sorted(e.address for e in events) == ["127.0.0.1", "127.0.0.2"]
    assert all(e.actor == owner and e.details["token"] == "reader" for e in events)


def test_a_read_scope_narrows_every_role_to_view_and_download(model, owner, editor):
    read = SCOPE_ACTIONS[Scope.READ]
    assert allowed_actions(Caller(user=owner, scope=read), model) == {
        Action.VIEW,
        Action.DOWNLOAD,
    }
    assert allowed_actions(Caller(user=editor, scope=read), model) == {
        Action.VIEW,
        Action.DOWNLOAD,
    }
    write = SCOPE_ACTIONS[Scope.WRITE]
    assert allowed_actions(Caller(user=owner, scope=write), model) == {
        Action.VIEW,
        Action.DOWNLOAD,
        Action.EDIT,
        Action.UPLOAD,
    }
    assert Action.DELETE in allowed_actions(Caller(user=owner), model)


def test_a_scope_gives_nothing_the_role_does_not(model, stranger):
    assert allowed_actions(Caller(user=stranger, scope=SCOPE_ACTIONS[Scope.WRITE]), model) == set()


def test_a_write_route_refuses_a_read_token(rf, owner, read_token):
    from django.http import HttpResponse

    from models_app.api.auth import token_api

    @token_api(scope=Scope.WRITE)
    def push(request):
        return HttpResponse("pushed")

    _token, secret = read_token
    refused = push(rf.post("/api/push", **bearer(secret)))
    assert refused.status_code == 403
    assert b"write scope" in refused.content
    _token, write_secret = token_create(
        by=owner, user=owner, name="w", scope="write", expires_days=None
    )
    assert push(rf.post("/api/push", **bearer(write_secret))).content == b"pushed"
