"""The repository id in the model's header card, with its copy button (issue 12, SPEC §11),
in real Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("test-artifacts") / "repo-id"


def test_a_reader_copies_the_repository_id(page, sign_in, viewer, model, version_with_files):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(viewer)
    page.goto(model.get_absolute_url())
    header = page.locator("#model-header")
    repo_id = header.get_by_test_id("repo-id")
    expect(repo_id).to_have_text("acme/pipeline-demo-0412")
    SHOTS.mkdir(parents=True, exist_ok=True)
    header.screenshot(path=SHOTS / "header.png")
    header.locator("[data-copy=repo-id]").click()
    expect(header.locator(".repo-id [data-copy-state]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "acme/pipeline-demo-0412"
    # "Use this model" loads the same script: its buttons still copy once, their own text.
    box = page.get_by_test_id("use-this-model")
    box.locator("[data-copy=snippet-curl-version]").click()
    expect(box.locator("[data-snippet=curl-version] [data-copy-state]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()").startswith("curl ")


def test_the_id_is_in_the_header_of_every_tab(page, sign_in, owner, model, version_with_files):
    sign_in(owner)
    for path in ("versions/", "versions/v1/", "activity/"):
        page.goto(f"{model.get_absolute_url()}{path}")
        expect(page.get_by_test_id("repo-id")).to_have_text("acme/pipeline-demo-0412")
