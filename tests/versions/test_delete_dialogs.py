"""Deleting a version or a file asks in the model's own delete dialog, never window.confirm
(issue 11, point 11). The browser side is tests/e2e/test_delete_dialogs.py."""

import re
from pathlib import Path

from django.urls import reverse

from models_app.versions.models import ModelVersion, VersionFile

from .conftest import upload_multipart
from .factories import VersionFactory

ROOT = Path(__file__).resolve().parents[2]


def tab_html(client, model) -> str:
    return client.get(reverse("versions:tab", kwargs={"ref": model.uuid})).content.decode()


def version_html(client, version, folder="") -> str:
    url = reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": version.name})
    return client.get(url, {"path": folder} if folder else {}).content.decode()


def dialog(html: str, dialog_id: str) -> str:
    match = re.search(rf'<dialog id="{dialog_id}".*?</dialog>', html, re.S)
    assert match, f"no dialog {dialog_id}"
    return match.group(0)


def test_the_versions_tab_deletes_through_the_model_delete_dialog(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    html = tab_html(client_for(owner), model)
    found = dialog(html, "version-delete-dialog")
    assert 'data-testid="delete-dialog"' in found
    assert "Delete version" in found
    assert "This deletes the version with all its files." in found
    assert 'data-testid="confirm-input"' in found
    assert re.search(r'data-testid="confirm-button" data-delete-confirm disabled', found)
    trigger = re.search(r'<form [^>]*action="([^"]+)" data-delete-dialog="([^"]+)" [^>]*>', html)
    delete_url = f"/models/{model.uuid}/versions/v1/delete/"
    assert trigger.groups() == (delete_url, "version-delete-dialog")
    assert 'data-delete-title="v1"' in trigger.group(0)
    assert "data-confirm" not in html


def test_the_version_page_has_a_dialog_for_the_version_and_one_for_its_files(
    client_for, owner, version
):
    client = client_for(owner)
    upload_multipart(client, version, {"weights/model.bin": b"123"})
    html = version_html(client, version)
    dialog(html, "version-delete-dialog")
    files = dialog(html, "file-delete-dialog")
    assert "Delete file" in files
    # One file is deleted with a click in the dialog, without typing the word.
    assert "confirm-input" not in files
    assert "disabled" not in files
    in_folder = version_html(client, version, "weights/")
    trigger = 'data-delete-dialog="file-delete-dialog" data-delete-title="weights/model.bin"'
    assert trigger in in_folder
    assert '<input type="hidden" name="path" value="weights/model.bin">' in in_folder
    assert "data-confirm" not in html + in_folder


def test_people_who_may_not_delete_get_no_dialog(client_for, editor, version):
    client = client_for(editor)
    assert "delete-dialog" not in tab_html(client, version.model)
    assert "delete-dialog" not in version_html(client, version)


def test_the_dialog_posts_what_the_contract_needs_and_the_delete_still_works(
    client_for, owner, version
):
    """The dialog adds `confirm` (and `next`); the route still needs nothing (SPEC §9)."""
    client = client_for(owner)
    upload_multipart(client, version, {"a.bin": b"1", "b.bin": b"2"})
    url = reverse("versions:delete_file", kwargs={"ref": version.model.uuid, "name": "v1"})
    assert client.post(url, {"path": "a.bin", "next": "/elsewhere/"}).status_code == 302
    assert list(VersionFile.objects.values_list("path", flat=True)) == ["b.bin"]
    url = reverse("versions:delete", kwargs={"ref": version.model.uuid, "name": "v1"})
    assert client.post(url, {"confirm": "confirm", "next": "/"}).status_code == 302
    assert not ModelVersion.objects.exists()


def test_no_page_script_asks_through_window_confirm():
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    assert scripts
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        assert not re.search(r"\b(window\.)?confirm\s*\(", source), script.name
