"""The Japanese catalogue is complete, tidy and compiled (docs/translations.md).

After `make messages`, a new or changed string shows up here as a failure naming it, until
someone translates it and commits both locale/ja/LC_MESSAGES/django.po and django.mo.
"""

import gettext

import pytest
from django.utils import translation

from .catalogue import Entry, parse_po, placeholders, source_messages
from .conftest import ROOT

CATALOGUE = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")


def problems(entries: list[Entry]) -> list[str]:
    """What keeps a catalogue from being shipped, one line per entry."""
    found = []
    for entry in entries:
        name = f"{entry.msgid!r}" if entry.msgid else "the header"
        if entry.obsolete:
            found.append(f"{name} is obsolete (run `make messages` and delete it)")
        elif "fuzzy" in entry.flags:
            found.append(f"{name} is fuzzy (check the translation, then drop the flag)")
        elif entry.msgid and not entry.translated:
            found.append(f"{name} is not translated")
        elif entry.msgid:
            expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
            for translated in entry.msgstr.values():
                if placeholders(translated) != expected:
                    found.append(f"{name}: the translation must keep {sorted(expected)}")
    return found


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(CATALOGUE)


def test_every_string_marked_in_the_code_is_in_the_catalogue(entries):
    in_catalogue = {e.key for e in entries if e.msgid and not e.obsolete}
    in_code = source_messages(ROOT)
    assert (None, "Model card") in in_code
    missing = [f"{key[1]!r} ({path})" for key, path in in_code.items() if key not in in_catalogue]
    assert not missing, "run `make messages` and translate:\n" + "\n".join(missing)


def test_every_entry_is_translated_and_tidy(entries):
    assert not problems(entries), "\n".join(problems(entries))


def test_the_header_declares_japanese_with_one_plural_form(entries):
    header = entries[0].msgstr[0]
    assert "Language: ja\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header


def test_the_compiled_catalogue_is_up_to_date(entries):
    with COMPILED.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if not entry.msgid:
            continue
        if entry.msgid_plural:
            got = compiled.ngettext(entry.msgid, entry.msgid_plural, 2)
        elif entry.msgctxt:
            got = compiled.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = compiled.gettext(entry.msgid)
        if got != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert not stale, "run `make messages` (compilemessages) and commit django.mo:\n" + "\n".join(
        stale
    )


def test_the_checks_find_untranslated_fuzzy_obsolete_and_broken_entries(tmp_path):
    broken = tmp_path / "django.po"
    broken.write_text(
        'msgid ""\nmsgstr "Language: ja\\n"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "あいまい"\n\n'
        '#~ msgid "Gone"\n#~ msgstr "削除"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "こんにちは"\n\n'
        'msgid "%(n)s file"\nmsgid_plural "%(n)s files"\nmsgstr[0] ""\n\n'
        'msgid "Fine"\nmsgstr "良い"\n',
        encoding="utf-8",
    )
    found = problems(parse_po(broken))
    assert found == [
        "'Empty' is not translated",
        "'Fuzzy' is fuzzy (check the translation, then drop the flag)",
        "'Gone' is obsolete (run `make messages` and delete it)",
        "'Hello %(name)s': the translation must keep ['%(name)s']",
        "'%(n)s file' is not translated",
    ]


def test_a_multiline_entry_is_read_whole(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n'
        'msgctxt "date"\nmsgid ""\n"Created "\n"at"\nmsgstr ""\n"作成"\n"日時"\n',
        encoding="utf-8",
    )
    entry = parse_po(path)[1]
    assert (entry.msgctxt, entry.msgid, entry.msgstr) == ("date", "Created at", {0: "作成日時"})


def test_the_list_page_follows_the_browser_language(client_for, owner, model):
    client = client_for(owner)
    html = client.get("/models/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja">' in html
    assert "モデル一覧" in html
    assert "サインアウト" in html


def test_dates_and_sizes_are_formatted_for_japanese(client_for, owner, model):
    from datetime import datetime

    from django.utils import timezone

    model.created_at = timezone.make_aware(datetime(2026, 3, 4, 5, 6))
    model.storage_bytes = 3 * 1024**3
    model.save()
    html = client_for(owner).get(model.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja")
    html = html.content.decode()
    assert "2026年3月4日" in html
    assert "3.0\xa0GB" in html


def test_plural_strings_use_the_single_japanese_form():
    with translation.override("ja"):
        assert translation.ngettext("%(counter)s person", "%(counter)s people", 3) == (
            "%(counter)s 人"
        )
