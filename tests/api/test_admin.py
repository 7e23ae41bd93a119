from models_app.api.models import AccessToken
from models_app.api.services import token_create
from models_app.audit.models import AuditAction, AuditEvent

CHANGELIST = "/admin/api/accesstoken/"


def test_admins_see_tokens_but_never_a_secret(client_for, superuser, owner):
    token, secret = token_create(by=owner, user=owner, name="ci", scope="write", expires_days=30)
    client = client_for(superuser)
    listing = client.get(CHANGELIST).content.decode()
    assert "ci" in listing and token.prefix in listing and owner.email in listing
    assert secret not in listing and token.secret_hash not in listing
    detail = client.get(f"{CHANGELIST}{token.pk}/change/").content.decode()
    assert secret not in detail and token.secret_hash not in detail


def test_tokens_cannot_be_added_in_the_admin(client_for, superuser):
    assert client_for(superuser).get(f"{CHANGELIST}add/").status_code == 403


def test_the_revoke_action_goes_through_the_service(client_for, superuser, owner):
    token, _secret = token_create(by=owner, user=owner, name="ci", scope="read", expires_days=30)
    response = client_for(superuser).post(
        CHANGELIST, {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert event.actor == superuser
    assert event.details["via"] == "admin"
    assert AccessToken.objects.count() == 1
