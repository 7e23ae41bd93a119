"""The Japanese catalogue is complete, tidy and compiled, and nothing of the interface is
left in English (docs/translations.md).

After `make messages`, a new or changed string shows up here as a failure naming it, until
someone translates it and commits both locale/ja/LC_MESSAGES/django.po and django.mo. Words
that never reach the catalogue (an unmarked template text, a word written in a script, a
label Trix brings) show up in the tests at the end, page by page.
"""

import ast
import gettext
import re

import pytest
from django.utils import translation

from .catalogue import KEYWORDS, Entry, parse_po, placeholders, source_messages
from .conftest import ROOT
from .untranslated import english_words, page_texts, prose_in_script, trix_lang

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


# Everything below fails on English left in the Japanese interface that the catalogue checks
# above cannot see: strings the extraction misses (an alias of gettext), words of page
# scripts and of the rich-text editor, form labels, and text a template does not mark.


def test_gettext_is_imported_under_names_the_extraction_knows():
    """`from django.utils.translation import gettext_lazy as _lazy` hides every string
    marked with `_lazy` from `make messages`: they stay English, and no test notices."""
    found = []
    for folder in ("modelhub", "models_app"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    for alias in node.names:
                        name = alias.asname or alias.name
                        if "gettext" in alias.name and name not in KEYWORDS:
                            found.append(f"{path.relative_to(ROOT)}: {alias.name} as {name}")
    assert not found, "use gettext names that `make messages` extracts:\n" + "\n".join(found)


def _user_facing_forms():
    """Every form a user fills in (the admin's are Django's), built as its pages build it."""
    from models_app.accounts.forms import (
        NewPasswordForm,
        OwnPasswordChangeForm,
        ResetRequestForm,
        SignInForm,
    )
    from models_app.accounts.models import User
    from models_app.api.forms import TokenCreateForm
    from models_app.catalog.filters import ModelFilter
    from models_app.catalog.forms import ModelEditForm
    from models_app.catalog.models import AIModel
    from models_app.deployments.forms import DeployForm, RedeployForm
    from models_app.deployments.key_forms import EndpointKeyForm
    from models_app.finetune.forms import FineTuneForm
    from models_app.sharing.forms import InvitationSignUpForm, ShareAddForm, ShareChangeForm
    from models_app.versions.forms import VersionForm

    saved = AIModel(pk=1, title="x")
    return {
        SignInForm: [SignInForm()],
        TokenCreateForm: [TokenCreateForm()],
        OwnPasswordChangeForm: [OwnPasswordChangeForm(User(email="x@example.com"))],
        ResetRequestForm: [ResetRequestForm()],
        NewPasswordForm: [NewPasswordForm(User(email="x@example.com"))],
        ModelEditForm: [
            ModelEditForm(owner=None),
            ModelEditForm({}, owner=None, instance=saved, allowlist_editable=False),
        ],
        ModelFilter.Meta.form: [ModelFilter(data={}, queryset=AIModel.objects.none()).form],
        VersionForm: [VersionForm(require_name=True)],
        ShareAddForm: [ShareAddForm(model=None, actor=None)],
        ShareChangeForm: [ShareChangeForm()],
        InvitationSignUpForm: [InvitationSignUpForm(email="new@example.com")],
        DeployForm: [DeployForm(model=saved)],
        RedeployForm: [RedeployForm(newer_versions=[])],
        EndpointKeyForm: [EndpointKeyForm()],
        FineTuneForm: [FineTuneForm(saved)],
    }


# Fields that are posted but never shown with their label (the template writes the control).
UNLABELLED = {("ShareChangeForm", "remove")}


def _form_texts(form):
    """(where, text) of what a form shows: labels, help texts, placeholders, choices."""
    for name, field in form.fields.items():
        if field.widget.is_hidden or (type(form).__name__, name) in UNLABELLED:
            continue
        where = f"{type(form).__name__}.{name}"
        yield f"{where} label", form[name].label
        yield f"{where} help text", field.help_text
        yield f"{where} placeholder", field.widget.attrs.get("placeholder", "")
        for value, label in getattr(field, "choices", ()):
            yield f"{where} choice {value!r}", label


def test_every_form_label_help_text_and_choice_is_japanese(db):
    import django.forms
    from django.utils.translation import override

    forms = _user_facing_forms()
    defined = {
        cls.__name__
        for cls in _subclasses(django.forms.BaseForm)
        if cls.__module__.startswith("models_app.")
        and not cls.__module__.endswith(".admin")
        and "Admin" not in cls.__name__
    }
    assert defined <= {cls.__name__ for cls in forms}, "add the new form to _user_facing_forms"
    untranslated = []
    for built in forms.values():
        for form in built:
            for where, text in _form_texts(form):
                with override("en"):
                    english = str(text)
                with override("ja"):
                    japanese = str(text)
                if english_words([english]) and japanese == english:
                    untranslated.append(f"{where}: {english!r}")
    assert not untranslated, "not Japanese:\n" + "\n".join(untranslated)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_page_scripts_take_their_words_from_the_page():
    """A script's words reach it through the page, rendered in the page's language (data
    attributes, hidden elements, JSON blocks); a word written in a script stays English.
    Strings marked with gettext() in a script need the djangojs catalogue."""
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    assert scripts
    prose = {script.name: prose_in_script(script.read_text(encoding="utf-8")) for script in scripts}
    assert not any(prose.values()), f"words written in scripts: {prose}"
    javascript_catalogue = CATALOGUE.with_name("djangojs.po")
    marked = {
        (script.name, msgid)
        for script in scripts
        for msgid in re.findall(r"\bn?gettext\(\s*[\"'`]([^\"'`]+)", script.read_text("utf-8"))
    }
    if marked:
        known = {entry.msgid for entry in parse_po(javascript_catalogue) if entry.translated}
        assert not {key for key in marked if key[1] not in known}, "run `make messages`"


def test_the_rich_text_editor_has_every_word_of_its_toolbar_and_link_dialog():
    from models_app.catalog.editor import EDITOR_LABELS, SAME_IN_EVERY_LANGUAGE

    trix = trix_lang(next((ROOT / "static" / "vendor").glob("trix-*/trix.umd.min.js")))
    assert set(trix) == set(EDITOR_LABELS) | set(SAME_IN_EVERY_LANGUAGE)
    with translation.override("en"):
        assert {key: str(label) for key, label in EDITOR_LABELS.items()} == {
            key: word for key, word in trix.items() if key in EDITOR_LABELS
        }
    with translation.override("ja"):
        untranslated = [
            word for key, word in trix.items() if str(EDITOR_LABELS.get(key, "")) == word
        ]
    assert set(untranslated) <= {"URL"}, "not Japanese: " + ", ".join(untranslated)


@pytest.fixture
def japanese_site(client_for, acme):
    """A catalogue whose own content is Japanese, so that any English word on its pages
    belongs to the interface: models, a version with files, shares, an invitation and the
    activity they leave; a model downloadable only from elsewhere."""
    import io

    from models_app.catalog.services import model_create
    from models_app.sharing.models import Role
    from models_app.sharing.services import share_add
    from models_app.versions import blobs
    from models_app.versions.services import Incoming, files_store, version_create
    from tests.factories import TenantFactory, UserFactory

    tenant = TenantFactory(name="アクメ")
    owner = UserFactory(email="hanako@acme.test", tenant=tenant, display_name="山田 花子")
    viewer = UserFactory(email="taro@acme.test", tenant=tenant, display_name="佐藤 太郎")
    editor = UserFactory(email="jiro@acme.test", tenant=tenant, display_name="鈴木 次郎")
    model = model_create(
        by=owner,
        owner=owner,
        title="日本語モデル",
        description="問い合わせを分類します。",
        base_model="基盤モデル甲",
        parameter_count=7_000_000_000,
        overview="<h1>概要</h1><p>社内の問い合わせを<strong>分類</strong>します。</p>",
        tags={"framework": ["独自"], "task": ["分類"], "other": ["試作"]},
    )
    version = version_create(model, by=owner, name="v1", tags=["量子化"], notes="初版です。")
    files_store(
        version,
        [
            Incoming(path=path, source=blobs.HashingReader(io.BytesIO(b"0123456789")))
            for path in ("設定.json", "重み/モデル.bin")
        ],
        by=owner,
    )
    share_add(model, viewer.email, Role.VIEWER, by=owner)
    share_add(model, editor.email, Role.EDITOR, by=owner)
    invited = share_add(model, "hanako.new@partner.test", Role.VIEWER, by=owner)
    guarded = model_create(by=owner, owner=owner, title="社外秘", ip_allowlist="10.0.0.0/8")
    files_store(
        version_create(guarded, by=owner, name="v1"),
        [Incoming(path="重み.bin", source=blobs.HashingReader(io.BytesIO(b"0")))],
        by=owner,
    )
    return {
        "owner": client_for(owner),
        "viewer": client_for(viewer),
        "editor": client_for(editor),
        "model": model,
        "guarded": guarded,
        "signup": f"/invitations/{invited.token}/",
    }


def _japanese_pages(site, anonymous):
    """(name, response) for every page of the interface but the admin, in Japanese."""
    ja = {"HTTP_ACCEPT_LANGUAGE": "ja"}
    owner, base = site["owner"], f"/models/{site['model'].uuid}/"
    version = base + "versions/v1/"
    yield "sign in", anonymous.get("/accounts/login/", **ja)
    yield "sign up from an invitation", anonymous.get(site["signup"], **ja)
    yield "an invitation that cannot be used", anonymous.get("/invitations/nothing/", **ja)
    for name, url in {
        "the list": "/models/",
        "the list as a table": "/models/?view=table",
        "the list with nothing found": "/models/?q=見つからない&params_min=1B",
        "create": "/models/new/",
        "the model card": base,
        "versions": base + "versions/",
        "a version": version,
        "a folder of a version": version + "?path=重み/",
        "new version": base + "versions/new/",
        "edit a version": version + "edit/",
        "sharing": base + "sharing/",
        "activity": base + "activity/",
        "edit": base + "edit/",
        "delete": base + "delete/",
        "not found": f"/models/{site['guarded'].uuid}x/",
        "a download refused": f"/models/{site['guarded'].uuid}/download/",
    }.items():
        yield name, owner.get(url, **ja)
    yield "create with errors", owner.post("/models/new/", {"title": ""}, **ja)
    yield "new version with errors", owner.post(base + "versions/new/", {"name": "a b"}, **ja)
    yield "a stale edit", owner.post(base + "edit/", {"title": "新", "revision": 0}, **ja)
    yield "edit as an editor", site["editor"].get(base + "edit/", **ja)
    yield "sharing as a viewer", site["viewer"].get(base + "sharing/", **ja)
    yield "a version as a viewer", site["viewer"].get(version, **ja)
    yield "not allowed", site["viewer"].get(base + "edit/", **ja)


def test_no_english_is_left_on_a_japanese_page(japanese_site, client):
    left = {}
    for name, response in _japanese_pages(japanese_site, client):
        assert response["Content-Language"] == "ja", name
        words = english_words(page_texts(response.content.decode()))
        if words:
            left[name] = sorted(words)
    assert not left, "English on Japanese pages:\n" + "\n".join(
        f"{name}: {', '.join(words)}" for name, words in left.items()
    )


def test_the_english_checks_find_words_and_let_content_code_and_names_be():
    html = (
        '<p title="Delete file">削除 <code>curl -L https://hub/x</code> v1 fp16 alice@acme.test '
        '設定.json e3b0c44298fc1c149afb %(status)s ModelHub ZIP <span translate="no">Brand</span>'
        '<script type="application/json">{"bold": "太字", "undo": "Undo"}</script>'
        '<script>const word = "Nope";</script><span hidden data-text-x>Not sent.</span></p>'
    )
    assert english_words(page_texts(html)) == {"Delete", "file", "Undo", "Not", "sent"}
    script = 'const a = "[data-x]"; // "Not this"\nb = `Delete ${name}?`; c = "thead th";'
    assert prose_in_script(script) == ["Delete ${name}?"]
