"""In Chromium: a sign-in lockout and the way out by e-mail, changing one's password from the
user menu, and the Sharing tab's rate limits shown where the person looks (issue 11, points
16, 17 and 24)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW = "a-brand-new-passphrase"


def test_a_lockout_says_how_long_and_a_reset_by_email_lets_the_owner_in(page, owner):
    page.goto("/accounts/login/")
    for _ in range(5):
        page.fill("input[name=username]", owner.email)
        page.fill("input[name=password]", "wrong-password")
        page.click("main button[type=submit]")
    alert = page.locator(".form-error[role=alert]")
    expect(alert).to_contain_text("Too many failed sign-ins")
    expect(alert).to_contain_text("blocked for 15 more minutes")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(alert).to_contain_text("Too many failed sign-ins")  # even the right password

    page.click("a:has-text('Forgot your password?')")
    page.fill("input[name=email]", owner.email)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Check your e-mail")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(link)
    page.fill("input[name=new_password1]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("main button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("Your new password is set")

    page.click("a.button:has-text('Sign in')")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url("**/models/")


def test_changing_ones_password_from_the_user_menu(page, sign_in, owner):
    sign_in(owner)
    page.click(".user-menu summary")
    page.click(".user-menu a:has-text('Change password')")
    page.fill("input[name=old_password]", "not-it")
    page.fill("input[name=new_password1]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("main button[type=submit]")
    expect(page.locator("#field-old_password .field-error")).to_contain_text("incorrectly")

    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Password changed")
    owner.refresh_from_db()
    assert owner.check_password(NEW)


def test_the_sharing_limits_show_next_to_the_email_field(page, sign_in, owner, model, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "address_check": (1, 60),
        "invitation": (1, 3600),
    }
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/sharing/")
    email = page.locator("input[name=email]")
    hint = page.locator("#email-hint")

    email.fill("first@example.test")
    expect(hint).to_contain_text("No account has this address yet")
    email.fill("second@example.test")
    expect(hint).to_contain_text("Too many address look-ups (at most 1 in a minute).")
    expect(hint).not_to_contain_text("No account has this address")

    page.click("form.share-add button[type=submit]")  # the first invitation goes out
    expect(page.locator(".message-success")).to_contain_text(
        "an invitation to sign up was e-mailed"
    )
    page.fill("input[name=email]", "third@example.test")
    page.click("form.share-add button[type=submit]")
    error = page.locator("#field-email .field-error")
    expect(error).to_contain_text("You have sent the most invitations allowed (1 in an hour).")
    assert len(mail.outbox) == 1
