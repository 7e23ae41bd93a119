"""The Hugging Face client's commands in "Use this model" (issue 12, point 6), in real
Chromium: copied as shown, and the token link leads to the token page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-artifacts") / "use-this-model-hf"


def test_a_reader_copies_hf_download_and_finds_where_to_make_a_token(
    page, live_server, sign_in, viewer, model, version_with_files
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(viewer)
    page.goto(model.get_absolute_url())
    box = page.get_by_test_id("use-this-model")
    command = f"HF_ENDPOINT={live_server.url} hf download {model.repo_id}"
    expect(box.locator("#snippet-hf-download")).to_have_text(command)
    expect(box.locator("#snippet-hf-python")).to_contain_text(
        f'snapshot_download("{model.repo_id}")'
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    box.screenshot(path=SHOTS / "box.png")
    box.locator("[data-copy=snippet-hf-download]").click()
    expect(box.locator("[data-snippet=hf-download] [data-copy-state]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == command
    box.locator("[data-snippet=hf-download]").get_by_role("link", name="create a token").click()
    expect(page).to_have_url(f"{live_server.url}/settings/tokens/")
