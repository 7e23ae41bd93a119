import pytest
from django.core import mail
from django.core.management import call_command

from models_app.accounts.models import User
from models_app.accounts.services import user_create
from models_app.audit.models import AuditAction, AuditEvent
from models_app.sharing.models import Invitation, Share
from models_app.sharing.services import invitations_accept, token_digest

from .conftest import change_url, expire, sharing_url


def role_of_new_user(model, email="new@acme.test"):
    return (
        Share.objects.filter(model=model, user__email=email).values_list("role", flat=True).first()
    )


def create_user_command(email="new@acme.test"):
    call_command("create_user", "--email", email, "--password", "a-long-new-password")


# Inviting


def test_address_without_account_becomes_a_pending_invitation(client_for, owner, model, invite):
    invite("new@acme.test", "editor")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "new@acme.test",
        "editor",
        "pending",
    )
    assert invitation.invited_by == owner
    assert not Share.objects.filter(model=model).exists()


def test_invitation_expires_in_14_days(invite):
    invite()
    invitation = Invitation.objects.get()
    assert (invitation.expires_at - invitation.created_at).days == 14


def test_invitation_email_carries_a_sign_up_link_for_that_address(invite, model):
    url = invite("new@acme.test")
    (message,) = mail.outbox
    assert message.to == ["new@acme.test"]
    assert model.title in message.subject
    assert url.startswith("http://testserver/invitations/")


def test_only_a_digest_of_the_token_is_stored(invite):
    url = invite()
    token = url.rstrip("/").rpartition("/")[2]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_digest(token)
    assert token not in invitation.token_hash


def test_pending_invitation_is_shown_in_the_table(client_for, owner, model, invite):
    invite("new@acme.test")
    html = client_for(owner).get(sharing_url(model)).content.decode()
    assert 'data-email="new@acme.test"' in html
    assert "badge-pending" in html
    assert html.count('data-testid="share-row"') == 2


def test_inviting_records_an_audit_event(invite):
    invite()
    assert AuditEvent.objects.filter(action=AuditAction.INVITED).count() == 1


# Taking effect


def test_create_user_command_gives_the_invited_role(invite, model):
    invite("new@acme.test", "editor")
    create_user_command("new@acme.test")
    assert role_of_new_user(model) == "editor"
    assert Invitation.objects.get().status == "accepted"


def test_create_user_command_says_what_invitations_gave(invite, capsys):
    invite("new@acme.test")
    create_user_command("new@acme.test")
    assert "Pending invitations gave access to 1 model(s)." in capsys.readouterr().out


def test_user_create_takes_every_pending_invitation(invite, model, client_for, owner):
    from tests.factories import AIModelFactory

    second = AIModelFactory(owner=owner, title="second")
    invite("new@acme.test", "viewer")
    client_for(owner).post(sharing_url(second), {"email": "new@acme.test", "role": "admin"})
    user = user_create("New@Acme.test", "a-long-new-password")
    assert role_of_new_user(model) == "viewer"
    assert Share.objects.get(model=second, user=user).role == "admin"


def test_revoked_invitation_gives_nothing(client_for, owner, model, invite):
    invite("new@acme.test")
    client_for(owner).post(change_url(model, "new@acme.test"), {"remove": "1"})
    create_user_command("new@acme.test")
    assert role_of_new_user(model) is None
    assert Invitation.objects.get().status == "revoked"


def test_expired_invitation_gives_nothing(invite, model):
    invite("new@acme.test")
    expire(Invitation.objects.get())
    create_user_command("new@acme.test")
    assert role_of_new_user(model) is None


def test_revoking_records_an_audit_event_and_leaves_the_table(client_for, owner, model, invite):
    invite("new@acme.test")
    client = client_for(owner)
    client.post(change_url(model, "new@acme.test"), {"remove": "1"})
    html = client.get(sharing_url(model)).content.decode()
    assert 'data-email="new@acme.test"' not in html
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_REVOKED).count() == 1


def test_role_of_a_pending_invitation_can_be_changed(client_for, owner, model, invite):
    invite("new@acme.test", "viewer")
    client_for(owner).post(change_url(model, "new@acme.test"), {"role": "admin"})
    create_user_command("new@acme.test")
    assert role_of_new_user(model) == "admin"


def test_expired_invitation_may_be_sent_again(client_for, owner, model, invite):
    invite("new@acme.test")
    expire(Invitation.objects.get())
    invite("new@acme.test", "editor")
    assert Invitation.objects.pending().get().role == "editor"


def test_accepting_keeps_the_higher_of_two_roles(owner, model, stranger):
    Share.objects.create(model=model, user=stranger, role="editor")
    Invitation.objects.create(model=model, email=stranger.email, role="viewer", token_hash="x")
    invitations_accept(stranger)
    assert Share.objects.get(model=model, user=stranger).role == "editor"


# Sign-up through the link


def test_sign_up_page_shows_the_invited_address(client, invite):
    url = invite("new@acme.test")
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="new@acme.test" readonly' in html
    assert "pipeline-demo-0412" in html


def test_sign_up_creates_the_account_signs_in_and_shows_the_model(client, invite, model):
    url = invite("new@acme.test", "editor")
    response = client.post(
        url, {"password1": "a-long-new-password", "password2": "a-long-new-password"}
    )
    assert response.status_code == 302
    assert response["Location"] == model.get_absolute_url()
    assert client.get(model.get_absolute_url()).status_code == 200
    assert role_of_new_user(model) == "editor"


def test_sign_up_puts_the_user_in_the_tenant_of_the_domain(client, invite, acme_domain):
    url = invite("new@acme.test")
    client.post(url, {"password1": "a-long-new-password", "password2": "a-long-new-password"})
    assert User.objects.get(email="new@acme.test").tenant == acme_domain


def test_sign_up_ignores_an_email_field_in_the_post(client, invite):
    url = invite("new@acme.test")
    client.post(
        url,
        {
            "email": "attacker@evil.test",
            "password1": "a-long-new-password",
            "password2": "a-long-new-password",
        },
    )
    assert not User.objects.filter(email="attacker@evil.test").exists()
    assert User.objects.filter(email="new@acme.test").exists()


def test_sign_up_with_different_passwords_is_refused(client, invite):
    url = invite()
    response = client.post(
        url, {"password1": "a-long-new-password", "password2": "another-long-password"}
    )
    assert response.status_code == 400
    assert "The two passwords differ" in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()


def test_sign_up_with_a_weak_password_is_refused(client, invite):
    url = invite()
    response = client.post(url, {"password1": "password", "password2": "password"})
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()


def test_unknown_token_is_404(client, db):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "not a valid invitation" in response.content.decode()


def test_expired_link_says_so(client, invite):
    url = invite()
    expire(Invitation.objects.get())
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_revoked_link_says_so_and_creates_nothing(client, client_for, owner, model, invite):
    url = invite("new@acme.test")
    client_for(owner).post(change_url(model, "new@acme.test"), {"remove": "1"})
    response = client.post(
        url, {"password1": "a-long-new-password", "password2": "a-long-new-password"}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="new@acme.test").exists()


def test_used_link_sends_to_sign_in(client, invite):
    url = invite()
    create_user_command("new@acme.test")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_failed_email_leaves_a_pending_invitation_and_warns(
    client_for, owner, model, settings, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("models_app.sharing.services.send_mail", refuse)
    response = client_for(owner).post(
        sharing_url(model), {"email": "new@acme.test", "role": "viewer"}, follow=True
    )
    assert "could not be sent" in response.content.decode()
    assert Invitation.objects.pending().count() == 1


def test_heading_counts_people_and_pending_invitations_apart(client_for, owner, model, invite):
    invite("new@acme.test")
    html = client_for(owner).get(sharing_url(model)).content.decode()
    assert "1 person has access" in html
    assert "1 invitation pending" in html


# The link of an address that has an account already


@pytest.fixture
def link_for_stranger(model, owner, stranger):
    """A pending admin invitation for an address that has an account (stranger's)."""
    Invitation.objects.create(
        model=model,
        email=stranger.email,
        role="admin",
        token_hash=token_digest("stranger-token"),
        invited_by=owner,
    )
    return "/invitations/stranger-token/"


def stranger_role(model, stranger):
    return role_of_new_user(model, stranger.email)


def test_opening_the_link_of_an_existing_account_changes_nothing(
    client, link_for_stranger, model, stranger
):
    response = client.get(link_for_stranger)
    assert response.status_code == 200
    assert stranger_role(model, stranger) is None
    assert Invitation.objects.get().status == "pending"


def test_the_link_of_an_existing_account_offers_a_sign_in_that_returns_to_it(
    client, link_for_stranger
):
    html = client.get(link_for_stranger).content.decode()
    assert 'href="/accounts/login/?next=%2Finvitations%2Fstranger-token%2F"' in html
    assert "Sign in as stranger@acme.test to accept" in html


def test_signed_in_invitee_sees_an_accept_button_and_nothing_changes(
    client_for, link_for_stranger, model, stranger
):
    response = client_for(stranger).get(link_for_stranger)
    assert response.status_code == 200
    assert 'data-testid="invitation-accept-button"' in response.content.decode()
    assert stranger_role(model, stranger) is None


def test_a_head_from_the_signed_in_invitee_accepts_nothing(
    client_for, link_for_stranger, model, stranger
):
    response = client_for(stranger).head(link_for_stranger)
    assert response.status_code == 200
    assert stranger_role(model, stranger) is None
    assert Invitation.objects.get().status == "pending"


def test_signed_in_invitee_accepts_with_a_post(client_for, link_for_stranger, model, stranger):
    response = client_for(stranger).post(link_for_stranger)
    assert response.status_code == 302
    assert response["Location"] == model.get_absolute_url()
    assert stranger_role(model, stranger) == "admin"
    assert Invitation.objects.get().status == "accepted"


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_else_signed_in_is_refused_and_nothing_changes(
    client_for, link_for_stranger, model, stranger, viewer, method
):
    response = getattr(client_for(viewer), method)(link_for_stranger)
    assert response.status_code == 403
    assert "This invitation is for stranger@acme.test" in response.content.decode()
    assert stranger_role(model, stranger) is None
    assert Share.objects.get(model=model, user=viewer).role == "viewer"
    assert Invitation.objects.get().status == "pending"


def test_anonymous_post_for_an_existing_account_changes_nothing(
    client, link_for_stranger, model, stranger
):
    response = client.post(
        link_for_stranger,
        {"password1": "a-long-new-password", "password2": "a-long-new-password"},
    )
    assert response.status_code == 403
    assert stranger_role(model, stranger) is None
    assert Invitation.objects.get().status == "pending"
