"""The "Download model" button (issue 11, point 8): the newest version that has files; disabled,
with the reason written out before any click, when no version has files or when the caller's
address is outside the model's allowlist. Downloads are counted on the card (point 7)."""

import io
import time
import zipfile

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel
from models_app.versions.blobs import HashingReader
from models_app.versions.services import Incoming, files_store
from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def store(version, path: str, data: bytes):
    files_store(version, [Incoming(path=path, source=HashingReader(io.BytesIO(data)))], by=None)


def download_button(page):
    return page.locator("[data-operation=download]")


def test_download_model_takes_the_newest_version_with_files(page, sign_in, owner, model, tmp_path):
    store(VersionFactory(model=model, number=1, name="v1"), "weights.bin", b"w" * 1000)
    VersionFactory(model=model, number=2, name="v2")  # newer, still without files
    sign_in(owner)
    page.goto(model.get_absolute_url())
    button = download_button(page)
    expect(button).to_have_attribute("title", "The newest version with files, v1, as a zip")
    expect(page.get_by_test_id("operation-reason")).to_have_count(0)
    page.screenshot(path="/tmp/i11-list-download-enabled.png", full_page=True)
    with page.expect_download() as info:
        button.click()
    saved = tmp_path / "model.zip"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "pipeline-demo-0412-v1.zip"
    assert zipfile.ZipFile(saved).namelist() == ["weights.bin"]

    # Counted once the live server has handed over the last byte: a moment after the browser
    # has the file, so the count may land just after this line is reached.
    deadline = time.monotonic() + 5
    while AIModel.objects.get(pk=model.pk).download_count < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert AIModel.objects.get(pk=model.pk).download_count == 1
    page.goto("/models/")
    expect(page.get_by_test_id("model-card").locator("[data-fact=downloads]")).to_have_text(
        "1 download"
    )


def test_download_model_is_disabled_while_no_version_has_files(page, sign_in, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    sign_in(owner)
    page.goto(model.get_absolute_url())
    button = download_button(page)
    expect(button).to_be_disabled()
    reason = page.get_by_test_id("operation-reason")
    expect(reason).to_have_text("No version of this model has files to download yet.")
    expect(button).to_have_attribute("aria-describedby", "operation-reason-download")


def test_download_model_says_before_the_click_that_the_address_is_outside_the_allowlist(
    page, sign_in, owner, model
):
    store(VersionFactory(model=model, number=1, name="v1"), "weights.bin", b"w")
    AIModel.objects.filter(pk=model.pk).update(ip_allowlist="10.0.0.0/8")
    sign_in(owner)
    page.goto(model.get_absolute_url())
    expect(download_button(page)).to_be_disabled()
    expect(page.get_by_test_id("operation-reason")).to_have_text(
        "Your address, 127.0.0.1, is outside this model's download allowlist."
    )
    page.screenshot(path="/tmp/i11-list-download-refused.png", full_page=True)
