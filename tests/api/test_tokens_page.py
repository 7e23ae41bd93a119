"""The token page: create (the secret shown once), list (never the secret), revoke."""

import re

import pytest
from django.urls import reverse

from models_app.api.models import AccessToken
from models_app.api.services import token_create, token_digest
from models_app.audit.models import AuditAction, AuditEvent

PAGE = "/settings/tokens/"


def new_token_of(response) -> str:
    match = re.search(r'data-testid="new-token">([^<]+)<', response.content.decode())
    assert match, "the page shows no new token"
    return match.group(1)


def test_the_user_menu_links_to_the_page(client_for, owner):
    response = client_for(owner).get(reverse("catalog:list"))
    assert f'href="{PAGE}"' in response.content.decode()


def test_create_shows_the_secret_once_and_stores_only_its_hash(client_for, owner):
    client = client_for(owner)
    response = client.post(PAGE, {"name": "CI pulls", "scope": "read", "expires_days": "30"})
    assert response.status_code == 200
    secret = new_token_of(response)
    assert secret.startswith("mh_")
    assert len(secret) >= 3 + 32  # at least 160 random bits, base64url
    token = AccessToken.objects.get(user=owner)
    assert token.name == "CI pulls"
    assert token.scope == "read"
    assert token.secret_hash == token_digest(secret)
    assert secret not in repr(list(AccessToken.objects.values_list()))
    assert (token.expires_at - token.created_at).days == 30
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATED, actor=owner).exists()

    listing = client.get(PAGE).content.decode()
    assert secret not in listing
    assert 'data-testid="new-token"' not in listing
    assert "CI pulls" in listing
    assert token.prefix in listing


def test_a_token_that_never_expires(client_for, owner):
    response = client_for(owner).post(
        PAGE, {"name": "forever", "scope": "write", "expires_days": "never"}
    )
    assert response.status_code == 200
    token = AccessToken.objects.get(user=owner)
    assert token.expires_at is None
    assert token.scope == "write"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  ", "scope": "read", "expires_days": "30"}, "name", "This field is required"),
        ({"name": "x", "scope": "admin", "expires_days": "30"}, "scope", "Select a valid choice"),
        ({"name": "x", "scope": "read", "expires_days": "7"}, "expires_days", "valid choice"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(client_for, owner, data, field, message):
    response = client_for(owner).post(PAGE, data)
    assert response.status_code == 400
    page = response.content.decode()
    errors = re.search(rf'id="field-{field}".*?</div>', page, re.S).group(0)
    assert 'data-testid="field-error"' in errors
    assert message in errors
    assert 'data-testid="new-token"' not in page
    assert not AccessToken.objects.exists()


def test_the_list_shows_only_the_users_own_tokens(client_for, owner, editor):
    token_create(by=editor, user=editor, name="editor's", scope="read", expires_days=None)
    assert "editor&#x27;s" not in client_for(owner).get(PAGE).content.decode()


def test_revoke(client_for, owner):
    token, _secret = token_create(by=owner, user=owner, name="old", scope="read", expires_days=90)
    client = client_for(owner)
    response = client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1
    page = client.get(PAGE).content.decode()
    assert "Token “old” revoked." in page
    assert '<span class="badge">revoked</span>' in page


def test_nobody_revokes_another_users_token(client_for, owner, editor):
    token, _secret = token_create(by=owner, user=owner, name="mine", scope="read", expires_days=90)
    client = client_for(editor)
    response = client.post(reverse("api:token_revoke", kwargs={"pk": token.pk}), follow=True)
    assert "You have no such token" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
