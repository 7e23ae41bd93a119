import re

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from .conftest import upload_multipart


@pytest.fixture
def filled(client_for, owner, version):
    upload_multipart(
        client_for(owner),
        version,
        {
            "config.json": b"{}",
            "artifacts/model.bin": b"a" * 1000,
            "artifacts/tokenizer/vocab.txt": b"b" * 24,
        },
    )
    return version


def page_url(version, path=None):
    url = reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": version.name})
    return f"{url}?path={path}" if path is not None else url


def rows(html):
    return re.findall(r'data-testid="file-row" data-path="([^"]+)"', html)


def test_root_lists_folders_then_files(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled)).content.decode()
    assert rows(html) == ["artifacts/", "config.json"]


def test_a_folder_size_is_the_sum_of_its_files(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled)).content.decode()
    assert 'title="1024 bytes"' in html


def test_opening_a_folder_lists_its_children(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled, "artifacts/")).content.decode()
    assert rows(html) == ["artifacts/tokenizer/", "artifacts/model.bin"]


def test_breadcrumb_leads_back_up(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled, "artifacts/tokenizer/")).content.decode()
    assert 'href="?path=artifacts/"' in html
    assert '<span aria-current="page">tokenizer</span>' in html


def test_each_file_has_a_download_link(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled, "artifacts")).content.decode()
    assert f'href="/models/{filled.model.uuid}/versions/v1/files/artifacts/model.bin"' in html


def test_htmx_request_gets_only_the_browser(filled, client_for, owner):
    response = client_for(owner).get(
        page_url(filled, "artifacts/"),
        headers={"HX-Request": "true", "HX-Target": "file-browser"},
    )
    html = response.content.decode()
    assert html.startswith('<div id="file-browser"')
    assert rows(html) == ["artifacts/tokenizer/", "artifacts/model.bin"]


def test_the_page_and_the_browser_vary_on_the_htmx_headers(filled, client_for, owner):
    """A cache must not hand the file browser out for the page, or the page for it."""
    client = client_for(owner)
    fragment = {"HX-Request": "true", "HX-Target": "file-browser"}
    for response in (client.get(page_url(filled)), client.get(page_url(filled), headers=fragment)):
        for header in ("HX-Request", "HX-Target", "HX-History-Restore-Request"):
            assert has_vary_header(response, header), header


def test_folders_have_real_links_beside_htmx(filled, client_for, owner):
    html = client_for(owner).get(page_url(filled)).content.decode()
    assert 'href="?path=artifacts/" hx-get="?path=artifacts/"' in html


@pytest.mark.parametrize("path", ["nope/", "../", "config.json/"])
def test_unknown_or_bad_folder_is_404(filled, client_for, owner, path):
    assert client_for(owner).get(page_url(filled, path)).status_code == 404


def test_viewer_sees_files_but_no_upload_form(filled, client_for, viewer):
    html = client_for(viewer).get(page_url(filled)).content.decode()
    assert rows(html) == ["artifacts/", "config.json"]
    assert "data-uploader" not in html
    assert "delete-file" not in html


def test_editor_sees_the_upload_form_with_progress_template(filled, client_for, editor):
    html = client_for(editor).get(page_url(filled)).content.decode()
    assert "data-uploader" in html
    assert "webkitdirectory" in html
    assert "<progress" in html


def test_unknown_version_is_404(client_for, owner, model):
    url = reverse("versions:detail", kwargs={"ref": model.uuid, "name": "v9"})
    assert client_for(owner).get(url).status_code == 404


def test_folder_filter_is_case_sensitive(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"A/x.bin": b"1", "a/y.bin": b"2"})
    html = client_for(owner).get(page_url(version, "a/")).content.decode()
    assert rows(html) == ["a/y.bin"]


def test_htmx_refresh_also_updates_the_version_size(filled, client_for, owner):
    html = (
        client_for(owner)
        .get(page_url(filled), headers={"HX-Request": "true", "HX-Target": "file-browser"})
        .content.decode()
    )
    assert 'id="version-facts" hx-swap-oob="true"' in html
    assert "1.0\xa0KB" in html
