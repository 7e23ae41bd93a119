from models_app.accounts.models import User
from models_app.sharing.models import Invitation, Share

from .conftest import expire


def test_tenant_page_lists_members_and_domains(client_for, superuser, acme_domain, owner):
    html = client_for(superuser).get(f"/admin/accounts/tenant/{acme_domain.pk}/change/")
    text = html.content.decode()
    assert html.status_code == 200
    assert "owner@acme.test" in text
    assert 'value="acme.test"' in text


def test_tenant_list_links_the_member_count(client_for, superuser, acme, owner):
    text = client_for(superuser).get("/admin/accounts/tenant/").content.decode()
    assert f"?tenant__id__exact={acme.pk}" in text


def test_user_added_in_the_admin_joins_the_domains_tenant_and_takes_invitations(
    client_for, superuser, acme_domain, invite, model
):
    invite("new@acme.test", "editor")
    client_for(superuser).post(
        "/admin/accounts/user/add/",
        {
            "email": "New@acme.test",
            "password1": "a-long-new-password",
            "password2": "a-long-new-password",
            "usable_password": "true",
        },
    )
    user = User.objects.get(email="new@acme.test")
    assert user.tenant == acme_domain
    assert Share.objects.get(model=model, user=user).role == "editor"


def test_share_list_shows_tenants(client_for, superuser, model, outsider):
    Share.objects.create(model=model, user=outsider)
    text = client_for(superuser).get("/admin/sharing/share/").content.decode()
    assert "outsider@globex.test" in text
    assert "Globex" in text


def test_invitation_list_filters_by_status(client_for, superuser, invite):
    invite("pending@acme.test")
    invite("late@acme.test")
    expire(Invitation.objects.get(email="late@acme.test"))
    text = client_for(superuser).get("/admin/sharing/invitation/?status=pending").content.decode()
    assert "pending@acme.test" in text
    assert "late@acme.test" not in text


def test_admin_action_revokes_pending_invitations(client_for, superuser, invite):
    invite("new@acme.test")
    invitation = Invitation.objects.get()
    client_for(superuser).post(
        "/admin/sharing/invitation/",
        {"action": "revoke", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
