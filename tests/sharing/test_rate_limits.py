"""Invitation e-mails and the `?check=` look-up are rate-limited per user (issue 11, point 24):
20 invitations an hour, 60 look-ups a minute (settings.RATE_LIMITS)."""

from django.core import mail

from models_app.sharing.limits import address_check_refusal, invitation_refusal
from models_app.sharing.models import Invitation, Share
from tests.factories import AIModelFactory, UserFactory

from .conftest import sharing_url


def invite(client, model, email, **headers):
    return client.post(sharing_url(model), {"email": email, "role": "viewer"}, **headers)


def check(client, model, email):
    return client.get(sharing_url(model), {"check": "1", "email": email}, HTTP_HX_REQUEST="true")


def test_the_limits_are_twenty_invitations_an_hour_and_sixty_checks_a_minute(settings):
    assert settings.RATE_LIMITS["invitation"] == (20, 3600)
    assert settings.RATE_LIMITS["address_check"] == (60, 60)


def test_the_twenty_first_invitation_within_an_hour_is_refused(client_for, owner, model):
    client = client_for(owner)
    for number in range(20):
        assert invite(client, model, f"new{number}@example.test").status_code == 302
    assert len(mail.outbox) == 20

    refused = invite(client, model, "one-more@example.test")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert "You have sent the most invitations allowed (20 in an hour)." in page
    assert "Try again in" in page
    assert 'data-testid="field-error"' in page
    # Nothing half-written: no invitation, no e-mail.
    assert not Invitation.objects.filter(email="one-more@example.test").exists()
    assert len(mail.outbox) == 20


def test_the_refusal_comes_back_as_the_panel_for_htmx(client_for, owner, model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (1, 3600)}
    client = client_for(owner)
    invite(client, model, "first@example.test", HTTP_HX_REQUEST="true")
    refused = invite(client, model, "second@example.test", HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert html.lstrip().startswith('<div id="sharing-panel"')
    assert "most invitations allowed" in html


def test_sharing_with_existing_accounts_is_not_counted(client_for, owner, model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (1, 3600)}
    client = client_for(owner)
    for number in range(3):
        colleague = UserFactory(email=f"colleague{number}@acme.test")
        assert invite(client, model, colleague.email).status_code == 302
    assert Share.objects.filter(model=model).count() == 3
    assert invite(client, model, "first@example.test").status_code == 302


def test_the_limit_is_per_user_across_models(client_for, owner, stranger, model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (2, 3600)}
    other_model = AIModelFactory(owner=owner, title="another")
    client = client_for(owner)
    invite(client, model, "a@example.test")
    invite(client, other_model, "b@example.test")
    assert invite(client, other_model, "c@example.test").status_code == 429
    # Someone else has their own allowance.
    theirs = AIModelFactory(owner=stranger, title="theirs")
    assert invite(client_for(stranger), theirs, "c@example.test").status_code == 302


def test_the_sixty_first_check_within_a_minute_is_refused(client_for, owner, model, stranger):
    client = client_for(owner)
    for number in range(60):
        assert check(client, model, f"someone{number}@example.test").status_code == 200
    refused = check(client, model, stranger.email)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "Too many address look-ups (at most 60 in a minute)." in html
    # The refusal tells nothing about the address.
    assert "No account has this address" not in html
    assert "outside" not in html


def test_unfinished_addresses_are_not_counted(client_for, owner, model, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "address_check": (1, 60)}
    client = client_for(owner)
    for partial in ["s", "someone@", "someone@example"]:
        assert check(client, model, partial).status_code == 200
    assert check(client, model, "someone@example.test").status_code == 200
    assert check(client, model, "other@example.test").status_code == 429


def test_the_rules_answer_directly(owner, stranger, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "invitation": (1, 3600),
        "address_check": (1, 60),
    }
    assert invitation_refusal(owner, "x@example.test") is None
    refusal = invitation_refusal(owner, "y@example.test")
    assert refusal is not None and 0 < refusal.wait <= 3600
    assert invitation_refusal(owner, stranger.email) is None  # an account: a share, no e-mail
    assert address_check_refusal(owner) is None
    assert address_check_refusal(owner).wait <= 60
    assert address_check_refusal(stranger) is None
