"""The rich-text editor's toolbar and link dialog speak the page's language: Trix takes its
words from the page (catalog/editor.py), not its built-in English (issue 11, point 15)."""

import pytest
from playwright.sync_api import expect

from models_app.catalog import editor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_toolbar_and_the_link_dialog_use_the_words_the_page_gives(
    page, sign_in, owner, monkeypatch
):
    # Words of another language stand in for the Japanese catalogue here.
    words = {"bold": "太字", "link": "リンク", "urlPlaceholder": "URL を入力…", "unlink": "解除"}
    monkeypatch.setattr(editor, "EDITOR_LABELS", {**editor.EDITOR_LABELS, **words})
    sign_in(owner)
    page.goto("/models/new/")
    toolbar = page.locator("trix-toolbar")
    expect(toolbar.locator("button[data-trix-attribute=bold]")).to_have_attribute("title", "太字")
    expect(toolbar.locator("button[data-trix-attribute=italic]")).to_have_attribute(
        "title", "Italic"
    )
    page.locator("trix-editor").click()
    page.keyboard.type("see the docs")
    page.keyboard.press("Control+a")
    toolbar.locator("button[data-trix-attribute=href]").click()
    dialog = toolbar.locator("[data-trix-dialog=href]")
    expect(dialog.locator("input[type=url]")).to_have_attribute("placeholder", "URL を入力…")
    expect(dialog.locator("input[data-trix-method=setAttribute]")).to_have_value("リンク")
    expect(dialog.locator("input[data-trix-method=removeAttribute]")).to_have_value("解除")
