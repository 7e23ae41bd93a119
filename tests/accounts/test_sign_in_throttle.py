"""Sign-in throttling (issue 11, point 16): 5 failures for one account or from one address
lock it out of /accounts/login/ and /admin/login/ for 15 minutes, with a clear message; the
lockout is logged and audited; admins lift it in the admin."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from models_app.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LOCKED = "Too many failed sign-ins for this account or from your network"


def sign_in(client, email, password, url=LOGIN, address="10.0.0.1", **headers):
    return client.post(
        url, {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, email, times, url=LOGIN, address="10.0.0.1"):
    return [sign_in(client, email, "wrong-password", url, address) for _ in range(times)]


def is_signed_in(client) -> bool:
    return client.get("/models/").status_code == 200


def test_four_failures_still_let_the_right_password_in(client, owner, password):
    responses = fail(client, owner.email, 4)
    assert {r.status_code for r in responses} == {200}
    assert "not right" in responses[-1].content.decode()
    assert sign_in(client, owner.email, password).status_code == 302
    assert is_signed_in(client)


def test_the_fifth_failure_locks_the_account_out_with_a_cooldown_message(client, owner, password):
    *_, fifth = fail(client, owner.email, 5)
    assert fifth.status_code == 429
    page = fifth.content.decode()
    assert LOCKED in page
    assert "blocked for 15 more minutes" in page
    assert 'name="username"' in page  # still the sign-in page, not a bare error

    right = sign_in(client, owner.email, password)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not is_signed_in(client)


def test_the_message_tells_how_long_is_left(client, owner, password):
    fail(client, owner.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=11))
    page = sign_in(client, owner.email, password).content.decode()
    assert "blocked for 4 more minutes" in page


def test_refused_attempts_do_not_prolong_the_lockout(client, owner, password):
    fail(client, owner.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    fail(client, owner.email, 3)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, owner.email, password).status_code == 302


def test_after_the_cooldown_the_right_password_works_again(client, owner, password):
    fail(client, owner.email, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, owner.email, password).status_code == 302
    assert is_signed_in(client)


def test_the_account_is_locked_whatever_the_address_or_case(client, owner, password):
    for number in range(5):
        sign_in(client, owner.email.upper(), "wrong", address=f"10.0.1.{number}")
    assert sign_in(client, owner.email, password, address="10.0.2.1").status_code == 429


def test_an_address_is_locked_out_for_every_account(client, owner, stranger, password):
    for number in range(5):
        sign_in(client, f"nobody{number}@acme.test", "wrong", address="10.0.3.3")
    assert sign_in(client, owner.email, password, address="10.0.3.3").status_code == 429
    # Another address, another account: unaffected.
    assert sign_in(client, stranger.email, password, address="10.0.3.4").status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_address_lockout(client, owner, password):
    for number in range(5):
        sign_in(
            client,
            f"nobody{number}@acme.test",
            "wrong",
            address="10.0.4.4",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    response = sign_in(
        client, owner.email, password, address="10.0.4.4", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429


def test_the_admin_sign_in_is_throttled_too(client, superuser, password):
    *_, fifth = fail(client, superuser.email, 5, url=ADMIN_LOGIN)
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert sign_in(client, superuser.email, password, url=ADMIN_LOGIN).status_code == 429
    # One count for both pages: the lockout holds on the other one.
    assert sign_in(client, superuser.email, password).status_code == 429


def test_a_lockout_is_one_audit_event_and_a_log_line(client, owner, caplog):
    with caplog.at_level(logging.INFO, logger="modelhub.accounts"):
        fail(client, owner.email, 5, address="10.0.5.5")
        fail(client, owner.email, 2, address="10.0.5.5")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_LOCKED_OUT)
    assert event.address == "10.0.5.5"
    assert event.actor is None
    assert event.details == {"email": owner.email, "failures": 5, "page": LOGIN}
    ours = [r for r in caplog.records if r.name == "modelhub.accounts"]
    lockouts = [r for r in ours if r.levelno == logging.WARNING]
    assert len(ours) == 3  # the lockout, then one quieter line per refused attempt
    assert len(lockouts) == 1
    assert owner.email in lockouts[0].getMessage()
    assert "10.0.5.5" in lockouts[0].getMessage()


def test_the_lockout_shows_in_the_admins_audit_log(client, client_for, owner, superuser):
    fail(client, owner.email, 5)
    page = client_for(superuser).get("/admin/audit/auditevent/", {"q": owner.email})
    assert "Sign-in locked out" in page.content.decode()


def test_an_admin_lifts_a_lockout_by_deleting_the_access_attempt(
    client, client_for, owner, superuser, password
):
    fail(client, owner.email, 5)
    attempt = AccessAttempt.objects.get()
    admin = client_for(superuser)
    assert owner.email in admin.get("/admin/axes/accessattempt/").content.decode()
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, owner.email, password).status_code == 302


def test_an_admin_lifts_a_users_lockout_from_the_user_list(
    client, client_for, owner, superuser, password
):
    fail(client, owner.email, 5)
    response = client_for(superuser).post(
        "/admin/accounts/user/",
        {"action": "lift_sign_in_lockout", "_selected_action": [owner.pk]},
        follow=True,
    )
    assert "not locked out" in response.content.decode()
    assert sign_in(client, owner.email, password).status_code == 302


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_signed_in_pages_do_not_count_towards_a_lockout(client_for, owner, url):
    client = client_for(owner)  # force_login: no sign-in attempt at all
    assert client.get("/models/").status_code == 200
    assert not AccessAttempt.objects.exists()
