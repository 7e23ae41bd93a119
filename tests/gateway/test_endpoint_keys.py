"""Create API endpoint: the API tab of a model, its keys and the command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from models_app.api.services import token_digest
from models_app.audit.models import AuditAction, AuditEvent
from models_app.deployments.models import EndpointKey


def endpoints_url(model):
    return f"/models/{model.uuid}/endpoints/"


def test_an_editor_creates_a_key_shown_once_and_stored_hashed(client_for, editor, model):
    response = client_for(editor).post(
        f"{endpoints_url(model)}new/", {"name": "shop", "rate_limit_rpm": "30", "expires_days": ""}
    )
    assert response.status_code == 200
    page = response.content.decode()
    secret = page.split('data-testid="new-key">')[1].split("<")[0]
    assert secret.startswith("mhk_") and len(secret) >= 4 + 27
    key = EndpointKey.objects.get(model=model)
    assert key.secret_hash == token_digest(secret)
    assert (key.name, key.rate_limit_rpm, key.expires_at) == ("shop", 30, None)
    assert secret not in client_for(editor).get(endpoints_url(model)).content.decode()


def test_creating_a_key_is_audited(client_for, editor, model):
    client_for(editor).post(
        f"{endpoints_url(model)}new/", {"name": "shop", "rate_limit_rpm": "30", "expires_days": "7"}
    )
    event = AuditEvent.objects.get(action=AuditAction.ENDPOINT_KEY_CREATED)
    assert (event.actor, event.model, event.details["key"]) == (editor, model, "shop")


def test_a_bad_field_is_explained_next_to_it(client_for, editor, model):
    response = client_for(editor).post(
        f"{endpoints_url(model)}new/", {"name": " ", "rate_limit_rpm": "0", "expires_days": ""}
    )
    assert response.status_code == 400
    assert response.content.decode().count('data-testid="field-error"') == 2
    assert not EndpointKey.objects.exists()


def test_a_viewer_may_not_create_keys(client_for, viewer, model):
    response = client_for(viewer).post(
        f"{endpoints_url(model)}new/", {"name": "shop", "rate_limit_rpm": "30"}
    )
    assert response.status_code == 403
    assert client_for(viewer).get(endpoints_url(model)).status_code == 403


def test_an_outsider_does_not_find_the_tab(client_for, outsider, model):
    assert client_for(outsider).get(endpoints_url(model)).status_code == 404


def test_the_create_route_takes_post_only(client_for, editor, model):
    assert client_for(editor).get(f"{endpoints_url(model)}new/").status_code == 405


def test_a_key_is_listed_and_revoked(client_for, editor, model, endpoint_key):
    key, _secret = endpoint_key(model, name="shop")
    client = client_for(editor)
    assert 'data-key-name="shop"' in client.get(endpoints_url(model)).content.decode()
    response = client.post(f"{endpoints_url(model)}{key.pk}/revoke/")
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.ENDPOINT_KEY_REVOKED).count() == 1


def test_a_key_of_another_model_cannot_be_revoked_from_this_one(
    client_for, owner, model, endpoint_key
):
    from tests.factories import AIModelFactory

    other = AIModelFactory(owner=owner, title="other")
    key, _secret = endpoint_key(other)
    client_for(owner).post(f"{endpoints_url(model)}{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_menu_and_the_page_offer_the_playground_and_the_api_tab(client_for, editor, model):
    page = client_for(editor).get(f"/models/{model.uuid}/").content.decode()
    assert f'href="/models/{model.uuid}/playground/"' in page
    assert f'href="/models/{model.uuid}/endpoints/"' in page
    listing = client_for(editor).get("/models/").content.decode()
    assert 'data-menu-entry="endpoint"' in listing and 'data-menu-entry="playground"' in listing


def test_the_command_prints_the_key_on_its_last_line(model):
    out = StringIO()
    call_command(
        "create_endpoint_key", model.repo_id, "--name", "cli", "--rate-limit-rpm", "5", stdout=out
    )
    secret = out.getvalue().splitlines()[-1]
    key = EndpointKey.objects.get(model=model)
    assert key.secret_hash == token_digest(secret)
    assert (key.rate_limit_rpm, key.created_by) == (5, model.owner)


def test_the_command_takes_a_uuid_reference(model):
    out = StringIO()
    call_command("create_endpoint_key", str(model.uuid), "--name", "cli", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("mhk_")


def test_the_command_refuses_an_unknown_model(db):
    with pytest.raises(CommandError, match="No model"):
        call_command("create_endpoint_key", "nobody/nothing", "--name", "cli")
