"""Versions and files are deleted through the model's delete dialog, never window.confirm;
a save conflict on the edit page shows one message (issue 11, point 11)."""

import io

import pytest
from playwright.sync_api import expect

from models_app.catalog.services import model_update
from models_app.versions import blobs
from models_app.versions.models import ModelVersion, VersionFile
from models_app.versions.services import Incoming, files_store
from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def native_dialogs(page):
    """Every alert/confirm/prompt the page opens (there must be none); each is dismissed."""
    opened = []

    def dismiss(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def store(version, owner, *paths):
    items = [Incoming(path=p, source=blobs.HashingReader(io.BytesIO(b"data"))) for p in paths]
    files_store(version, items, by=owner)


def test_a_version_is_deleted_from_the_tab_once_confirm_is_typed(
    page, sign_in, owner, model, native_dialogs
):
    VersionFactory(model=model, number=1, name="v1")
    VersionFactory(model=model, number=2, name="v2")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/")
    page.get_by_test_id("version-row").filter(has_text="v1").get_by_role(
        "button", name="Delete"
    ).click()
    dialog = page.locator("#version-delete-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Delete version “v1”")
    button = dialog.get_by_test_id("confirm-button")
    expect(button).to_be_disabled()
    dialog.get_by_test_id("confirm-input").fill("Confirm")
    expect(button).to_be_disabled()
    dialog.get_by_test_id("confirm-input").fill("confirm")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator(".message-success")).to_contain_text("Version “v1” deleted.")
    expect(page.get_by_test_id("version-row")).to_have_count(1)
    assert list(ModelVersion.objects.values_list("name", flat=True)) == ["v2"]
    assert native_dialogs == []


def test_cancel_closes_the_dialog_and_keeps_the_version(
    page, sign_in, owner, model, native_dialogs
):
    VersionFactory(model=model, number=1, name="v1")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/")
    page.get_by_test_id("version-row").get_by_role("button", name="Delete").click()
    dialog = page.locator("#version-delete-dialog")
    dialog.get_by_test_id("confirm-input").fill("confirm")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("version-row")).to_have_count(1)
    assert ModelVersion.objects.count() == 1
    assert native_dialogs == []


def test_a_file_and_then_its_version_are_deleted_from_the_version_page(
    page, sign_in, owner, model, native_dialogs
):
    version = VersionFactory(model=model, number=1, name="v1")
    store(version, owner, "config.json", "weights/model.bin")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/?path=weights/")
    page.locator("[data-path='weights/model.bin']").get_by_role("button", name="Delete").click()
    dialog = page.locator("#file-delete-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Delete file “weights/model.bin”")
    dialog.get_by_test_id("confirm-button").click()
    expect(page.locator(".message-success")).to_contain_text("“weights/model.bin” deleted.")
    assert list(VersionFile.objects.values_list("path", flat=True)) == ["config.json"]

    page.locator(".version-head").get_by_role("button", name="Delete").click()
    dialog = page.locator("#version-delete-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Delete version “v1”")
    dialog.get_by_test_id("confirm-input").fill("confirm")
    dialog.get_by_test_id("confirm-button").click()
    expect(page.locator(".message-success")).to_contain_text("Version “v1” deleted.")
    assert not ModelVersion.objects.exists()
    assert native_dialogs == []


def test_a_save_conflict_shows_one_message(page, sign_in, owner, model):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/edit/")
    model_update(model, by=owner, expected_revision=model.revision, description="saved meanwhile")
    page.fill("input[name=title]", "my-rename")
    page.click("#model-form button[type=submit]")
    message = page.get_by_test_id("stale-edit")
    expect(message).to_contain_text("Someone saved this model after you opened the form.")
    expect(page.locator(".messages")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.locator("input[name=title]")).to_have_value("my-rename")
