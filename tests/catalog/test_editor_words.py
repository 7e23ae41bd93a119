"""The form page carries the rich-text editor's words in its language (issue 11, point 15);
tests/e2e/test_editor_words.py shows Trix using them."""

import json
import re

from django.utils import translation

from models_app.catalog.editor import EDITOR_LABELS, editor_labels


def editor_words(html: str) -> dict:
    block = re.search(r'<script id="editor-labels" type="application/json">(.*?)</script>', html)
    return json.loads(block.group(1))


def test_create_and_edit_pages_carry_every_word_of_the_editor(client_for, owner, model):
    client = client_for(owner)
    for url in ("/models/new/", f"/models/{model.uuid}/edit/"):
        words = editor_words(client.get(url).content.decode())
        assert set(words) == set(EDITOR_LABELS)
        assert words["bold"] == "Bold"
        assert words["urlPlaceholder"] == "Enter a URL…"


def test_the_words_are_set_before_trix_starts(client_for, owner):
    html = client_for(owner).get("/models/new/").content.decode()
    assert html.index("js/model_form.js") < html.index("trix.umd.min.js")


def test_the_words_follow_the_active_language(monkeypatch):
    from django.utils.translation import trans_real

    catalogue = {"rich text editor\x04Bold": "太字"}
    real = trans_real.DjangoTranslation.gettext
    monkeypatch.setattr(
        trans_real.DjangoTranslation,
        "gettext",
        lambda self, message: catalogue.get(message, real(self, message)),
    )
    with translation.override("ja"):
        assert editor_labels()["bold"] == "太字"
