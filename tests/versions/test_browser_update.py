"""What htmx gets when the file browser changes (issue 11, point 12): after an upload the
uploader asks for it, and the model header and the version's facts come along out of band."""

import re

from django.urls import reverse

from .conftest import upload_multipart, upload_raw

HTMX = {"HX-Request": "true", "HX-Target": "file-browser"}


def squeezed(html: str) -> str:
    """Runs of spaces and newlines as one space (a no-break space stays)."""
    return re.sub(r"[ \n]+", " ", html)


def browser_update(client, version) -> str:
    url = reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": version.name})
    return client.get(url, headers=HTMX).content.decode()


def test_the_update_carries_the_header_and_the_facts_out_of_band(client_for, owner, version):
    client = client_for(owner)
    upload_multipart(client, version, {"a.bin": b"x" * 2048, "dir/b.bin": b"y" * 1024})
    html = browser_update(client, version)
    assert html.startswith('<div id="file-browser"')
    header = re.search(
        r'<section class="detail-header" id="model-header" hx-swap-oob="true">', html
    )
    assert header
    assert re.search(r'<li title="Storage used">3.0\xa0KB</li>', html)
    assert re.search(r'<li title="Versions">1 version</li>', html)
    facts = re.search(
        r'<p class="muted" id="version-facts" hx-swap-oob="true">(.*?)</p>', html, re.S
    )
    assert "Version #1 · 2 files · 3.0\xa0KB" in squeezed(facts.group(1))


def test_the_update_follows_each_upload(client_for, owner, version):
    client = client_for(owner)
    assert "0 files" in browser_update(client, version)
    upload_raw(client, version, "one.txt", b"1")
    html = browser_update(client, version)
    assert "Version #1 · 1 file · 1\xa0byte" in squeezed(html)


def test_the_full_page_has_the_same_header_and_facts_in_place(client_for, owner, version):
    url = reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": version.name})
    html = client_for(owner).get(url).content.decode()
    assert html.count('id="model-header"') == 1
    assert html.count('id="version-facts"') == 1
    assert "hx-swap-oob" not in html


def test_a_viewer_gets_the_header_with_their_own_buttons(client_for, owner, viewer, version):
    upload_raw(client_for(owner), version, "one.txt", b"1")
    html = browser_update(client_for(viewer), version)
    assert 'data-operation="download"' in html
    assert 'data-operation="upload"' not in html
