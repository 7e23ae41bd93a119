"""The token page in a browser: made from the user menu, copied once, revoked; at phone width
nothing scrolls sideways. The copied token then works with the Hugging Face client."""

import os
from pathlib import Path

import pytest
from huggingface_hub import HfApi
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("test-artifacts") / "phone"


def test_create_copy_use_and_revoke_a_token(page, sign_in, owner, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(owner)
    page.locator("details.user-menu summary").click()
    page.get_by_role("link", name="Access tokens").click()
    page.wait_for_url("**/settings/tokens/")
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()

    page.get_by_label("Name").fill("training job")
    page.get_by_label("Scope").select_option("write")
    page.get_by_label("Expires after").select_option("30")
    page.get_by_role("button", name="Create token").click()

    shown = page.get_by_test_id("new-token")
    expect(shown).to_be_visible()
    secret = shown.text_content()
    assert secret.startswith("mh_")
    page.locator("button[data-copy=new-token]").click()
    expect(page.locator(".new-token [data-copy-state]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    row = page.get_by_test_id("token-row").filter(has_text="training job")
    expect(row).to_contain_text("write")
    expect(row).to_contain_text(secret[:8])

    me = HfApi(endpoint=live_server.url, token=secret).whoami()
    assert me["auth"]["accessToken"]["displayName"] == "training job"

    page.goto("/settings/tokens/")
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    assert secret not in page.content()
    row = page.get_by_test_id("token-row").filter(has_text="training job")
    expect(row).to_contain_text("127.0.0.1")  # last used, by the client above
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Token “training job” revoked.")).to_be_visible()
    expect(page.get_by_test_id("token-row").filter(has_text="training job")).to_contain_text(
        "revoked"
    )


def test_the_token_page_fits_a_phone(browser, live_server, owner):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/models/")
    page.goto("/settings/tokens/")
    page.get_by_label("Name").fill("a token with a rather long name for a phone")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_test_id("new-token")).to_be_visible()
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=SHOTS / "tokens.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    context.close()
