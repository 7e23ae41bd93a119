"""Users manage their own password (issue 11, point 17): change it signed in, reset it by
e-mail; both throttled."""

import re

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from models_app.accounts.passwords import reset_request_wait

CHANGE = "/accounts/password/"
RESET = "/accounts/password/reset/"
NEW = "a-brand-new-passphrase"


def change(client, old, new=NEW, again=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def reset_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_the_user_menu_links_to_change_password(client_for, owner):
    page = client_for(owner).get("/models/").content.decode()
    assert f'href="{CHANGE}"' in page
    assert "Change password" in page


def test_changing_the_password_keeps_this_session_and_ends_the_others(client_for, owner, password):
    here, elsewhere = client_for(owner), client_for(owner)
    response = change(here, password)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert "Your new password is set" in here.get(response["Location"]).content.decode()
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    assert here.get("/models/").status_code == 200
    assert elsewhere.get("/models/").status_code == 302


def test_a_wrong_current_password_is_a_field_error(client_for, owner, password):
    response = change(client_for(owner), "not-my-password")
    assert response.status_code == 400
    assert "Your old password was entered incorrectly" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(password)


def test_a_weak_or_mismatched_new_password_is_refused(client_for, owner, password):
    client = client_for(owner)
    weak = change(client, password, new="password")
    assert weak.status_code == 400
    assert "too common" in weak.content.decode()
    assert change(client, password, again="something-else-entirely").status_code == 400


def test_guessing_the_current_password_is_throttled(client_for, owner, password):
    client = client_for(owner)
    for _ in range(5):
        assert change(client, "guess").status_code == 400
    response = change(client, password)  # even the right one, until the window ends
    assert response.status_code == 429
    assert "Too many wrong current passwords. Try again in" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(password)


def test_changing_needs_a_signed_in_user(client, db):
    assert client.get(CHANGE)["Location"].startswith("/accounts/login/?next=")


def test_the_sign_in_page_links_to_the_reset(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{RESET}"' in page
    assert "Forgot your password?" in page


def test_reset_by_email_end_to_end(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert client.get(RESET).status_code == 200
    response = client.post(RESET, {"email": "Owner@Acme.test"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert "If an account has this address" in client.get(response["Location"]).content.decode()

    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "Reset your ModelHub password"
    link = client.get(reset_link(message))
    assert link.status_code == 302  # Django moves the token out of the URL
    form_page = client.get(link["Location"])
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(link["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password/reset/done/"
    assert "Sign in with it" in client.get(done["Location"]).content.decode()

    signed_in = client.post("/accounts/login/", {"username": owner.email, "password": NEW})
    assert signed_in.status_code == 302
    # The link works once.
    used = client.get(reset_link(message), follow=True).content.decode()
    assert "This link cannot be used" in used


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(RESET, {"email": "nobody@acme.test"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_a_bad_address_is_a_field_error(client, db):
    response = client.post(RESET, {"email": "not-an-address"})
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()


def test_reset_links_are_limited_per_address(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for number in range(3):
        client.post(RESET, {"email": owner.email}, REMOTE_ADDR=f"10.1.0.{number}")
    response = client.post(RESET, {"email": owner.email}, REMOTE_ADDR="10.1.0.9")
    assert response.status_code == 429
    assert "Too many requests for a reset link" in response.content.decode()
    assert len(mail.outbox) == 3


def test_reset_requests_are_limited_per_client_address(db):
    waits = [reset_request_wait(f"user{n}@acme.test", "10.2.0.1") for n in range(11)]
    assert waits[:10] == [0] * 10
    assert 0 < waits[10] <= 3600
    assert reset_request_wait("user99@acme.test", "10.2.0.2") == 0


def test_a_completed_reset_lifts_the_accounts_lockout(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(5):
        client.post("/accounts/login/", {"username": owner.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=owner.email).exists()
    client.post(RESET, {"email": owner.email})
    link = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(link, {"new_password1": NEW, "new_password2": NEW})
    fresh = Client()
    signed_in = fresh.post("/accounts/login/", {"username": owner.email, "password": NEW})
    assert signed_in.status_code == 302
    assert fresh.get("/models/").status_code == 200
