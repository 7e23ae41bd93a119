import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from models_app.accounts.models import User
from models_app.sharing.models import Share
from models_app.versions.services import version_create
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_browser(browser, live_server):
    """A separate browser (own cookies) for a second person in the same test."""
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/models/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def share_row(page, email):
    return page.get_by_test_id("share-row").filter(has_text=email)


CONFIG = b'{"hidden_size": 64, "shared": true}\n'


@pytest.fixture
def version_with_a_file(client_for, owner, model):
    """Version v1 of the model with one small file, uploaded by the owner over HTTP."""
    version = version_create(model, by=owner, status="training")
    response = client_for(owner).post(
        f"/models/{model.uuid}/versions/{version.name}/upload/",
        {"files": [SimpleUploadedFile("upload.bin", CONFIG)], "paths": ["config.json"]},
    )
    assert response.status_code < 400, response.content.decode()[:1000]
    return version


def test_owner_shares_changes_the_role_and_removes_a_colleague(
    page, sign_in, second_browser, owner, model, stranger, version_with_a_file, tmp_path
):
    sign_in(owner)
    page.goto(model.get_absolute_url())
    page.click("nav.tabs a:has-text('Sharing')")
    page.fill("input[name=email]", stranger.email)
    page.select_option("#field-role select", "viewer")
    page.click("form.share-add button[type=submit]")
    expect(share_row(page, stranger.email)).to_be_visible()
    expect(page.locator(".message", has_text="Shared with stranger@acme.test")).to_be_visible()
    page.screenshot(path="/tmp/wt5-sharing-owner.png", full_page=True)

    colleague = second_browser(stranger)
    card = colleague.get_by_test_id("model-card").filter(has_text=model.title)
    expect(card).to_be_visible()
    card.locator("a", has_text=model.title).click()
    expect(colleague.locator("h1.model-title")).to_have_text(model.title)
    expect(colleague.locator(".detail-actions a", has_text="Edit")).to_have_count(0)

    colleague.goto(f"/models/{model.uuid}/versions/{version_with_a_file.name}/")
    row = colleague.locator("[data-testid=file-row][data-path='config.json']")
    with colleague.expect_download() as download:
        row.locator("a", has_text="Download").click()
    saved = tmp_path / "config.json"
    download.value.save_as(saved)
    assert saved.read_bytes() == CONFIG

    colleague.goto(model.get_absolute_url())
    colleague.click("nav.tabs a:has-text('Sharing')")
    expect(share_row(colleague, stranger.email)).to_contain_text("Viewer")
    expect(colleague.locator("input[name=email]")).to_have_count(0)
    colleague.screenshot(path="/tmp/wt5-sharing-viewer.png", full_page=True)
    assert colleague.goto(f"/models/{model.uuid}/edit/").status == 403

    share_row(page, stranger.email).locator("select[name=role]").select_option("editor")
    expect(page.locator(".message", has_text="stranger@acme.test is now Editor")).to_be_visible()
    assert Share.objects.get(model=model, user=stranger).role == "editor"

    colleague.goto(model.get_absolute_url())
    colleague.click(".detail-actions a:has-text('Edit')")
    colleague.fill("input[name=title]", "renamed-by-colleague")
    colleague.click("#model-form button[type=submit]")
    expect(colleague.locator("h1.model-title")).to_have_text("renamed-by-colleague")

    page.reload()
    share_row(page, stranger.email).locator("button", has_text="Remove").click()
    expect(share_row(page, stranger.email)).to_have_count(0)
    expect(page.locator(".message", has_text="no longer has access")).to_be_visible()

    colleague.goto("/models/")
    expect(colleague.get_by_test_id("model-card")).to_have_count(0)
    assert colleague.goto(model.get_absolute_url()).status == 404


def test_bad_input_is_shown_next_to_the_field_in_place(page, sign_in, owner, model):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/sharing/")
    page.fill("input[name=email]", owner.email)
    page.click("form.share-add button[type=submit]")
    error = page.locator("#field-email [data-testid=field-error]")
    expect(error).to_contain_text("yourself")
    expect(page.locator("input[name=email]")).to_have_value(owner.email)
    page.screenshot(path="/tmp/wt5-sharing-error.png", full_page=True)
    assert Share.objects.count() == 0


def test_other_tenant_address_is_warned_while_typing(page, sign_in, owner, model, outsider):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/sharing/")
    page.fill("input[name=email]", outsider.email)
    expect(page.get_by_test_id("tenant-warning")).to_contain_text("outside Acme")
    page.screenshot(path="/tmp/wt5-sharing-warning.png", full_page=True)
    page.click("form.share-add button[type=submit]")
    expect(share_row(page, outsider.email)).to_contain_text("Globex")


def test_invited_person_signs_up_through_the_link_and_sees_the_model(
    page, sign_in, browser, live_server, owner, model
):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/sharing/")
    page.fill("input[name=email]", "newcomer@acme.test")
    page.select_option("#field-role select", "editor")
    page.click("form.share-add button[type=submit]")
    expect(share_row(page, "newcomer@acme.test")).to_contain_text("pending")
    page.screenshot(path="/tmp/wt5-sharing-pending.png", full_page=True)
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        newcomer = context.new_page()
        newcomer.goto(link)
        expect(newcomer.locator("#signup-email")).to_have_value("newcomer@acme.test")
        newcomer.fill("input[name=password1]", "a-long-new-password")
        newcomer.fill("input[name=password2]", "a-long-new-password")
        newcomer.screenshot(path="/tmp/wt5-signup.png", full_page=True)
        newcomer.click("button[type=submit]")
        expect(newcomer.locator("h1.model-title")).to_have_text(model.title)
        expect(newcomer.locator(".detail-actions a", has_text="Edit")).to_be_visible()
    finally:
        context.close()
    user = User.objects.get(email="newcomer@acme.test")
    assert Share.objects.get(model=model, user=user).role == "editor"


def test_sharing_works_without_javascript(browser, live_server, owner, model, stranger, viewer):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", owner.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=username]) button[type=submit]")
        page.wait_for_url("**/models/")
        page.goto(f"/models/{model.uuid}/sharing/")
        page.fill("input[name=email]", stranger.email)
        page.click("form.share-add button[type=submit]")
        expect(share_row(page, stranger.email)).to_contain_text("Acme")
        row = share_row(page, viewer.email)
        row.locator("select[name=role]").select_option("admin")
        row.locator("button", has_text="Change").click()
        expect(page.locator(".message", has_text="viewer@acme.test is now Admin")).to_be_visible()
        share_row(page, stranger.email).locator("button", has_text="Remove").click()
        expect(share_row(page, stranger.email)).to_have_count(0)
    finally:
        context.close()
    assert list(Share.objects.filter(model=model).values_list("user__email", "role")) == [
        ("viewer@acme.test", "admin")
    ]
