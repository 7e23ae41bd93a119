"""A model's admins see its history on the Activity tab (issue 6)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_activity_tab_lists_the_edit_above_the_creation(page, sign_in, owner):
    sign_in(owner)
    page.goto("/models/new/")
    page.fill("input[name=title]", "audited-in-browser")
    page.click("#model-form button[type=submit]")
    page.click("a:has-text('Edit')")
    page.fill("textarea[name=description]", "now with a description")
    page.click("#model-form button[type=submit]")

    page.get_by_role("navigation", name="Model sections").get_by_role(
        "link", name="Activity"
    ).click()
    rows = page.get_by_test_id("activity-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Model edited")
    expect(rows.nth(1)).to_contain_text("Model created")
    expect(rows.nth(0)).to_contain_text("owner@acme.test")
    expect(rows.nth(0)).to_contain_text("127.0.0.1")
