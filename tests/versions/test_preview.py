"""The file preview (issue 11): a file of a version shown in the page — highlighted,
rendered, tabulated or summarised — from its first MiB or its header, never the whole file;
and it is content, so only those who may download it see it."""

import re

import pytest
from django.urls import reverse

from models_app.versions import blobs
from models_app.versions.preview import PREVIEW_BYTES

from .conftest import sha256, upload_multipart
from .weights import gguf_bytes, safetensors_bytes


def preview_url(version, path, raw=False):
    url = reverse(
        "versions:preview", kwargs={"ref": version.model.uuid, "name": version.name, "path": path}
    )
    return url + "?view=raw" if raw else url


def preview_of(client, version, path, raw=False) -> str:
    response = client.get(preview_url(version, path, raw))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('data-testid="file-preview"') :]


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


def store(client, version, files):
    assert upload_multipart(client, version, files).status_code == 302


def test_json_is_pretty_printed_and_highlighted(owner_client, version):
    store(owner_client, version, {"config.json": b'{"hidden_size":4096,"act":"silu"}'})
    html = preview_of(owner_client, version, "config.json")
    assert 'data-kind="json"' in html
    assert '<pre class="highlight code-view">' in html
    assert re.search(r'<span class="nt">"hidden_size"</span>', html)
    # pretty-printed: one key per line, indented
    text = re.sub(r"<[^>]+>", "", html)
    assert '{\n  "hidden_size": 4096,\n  "act": "silu"\n}' in text


def test_python_is_highlighted_and_escaped(owner_client, version):
    store(owner_client, version, {"src/train.py": b"def f():\n    return 1 < 2  # <b>\n"})
    html = preview_of(owner_client, version, "src/train.py")
    assert '<span class="k">def</span>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html


def test_yaml_and_tokenizer_text_files_are_shown_as_text(owner_client, version):
    store(owner_client, version, {"params.yaml": b"lr: 0.1\n", "merges.txt": b"a b\nab c\n"})
    assert '<span class="nt">lr</span>' in preview_of(owner_client, version, "params.yaml")
    html = preview_of(owner_client, version, "merges.txt")
    assert 'data-kind="text"' in html
    assert "ab c" in html


def test_markdown_is_rendered_sanitised_with_its_front_matter(owner_client, version):
    readme = (
        b"---\nlicense: apache-2.0\nlanguage:\n- en\n- ja\n---\n"
        b"# Tiny model\n\nSee <script>alert(1)</script>[docs](https://example.com).\n"
        b'<a href="javascript:alert(2)" onclick="x()">bad</a>\n'
    )
    store(owner_client, version, {"docs/guide.md": readme})
    html = preview_of(owner_client, version, "docs/guide.md")
    assert "<h1>Tiny model</h1>" in html
    assert "<script" not in html and "alert(1)" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert '<a href="https://example.com"' in html
    assert "<dt>License</dt><dd>apache-2.0</dd>" in html
    assert "<dt>Language</dt><dd>en, ja</dd>" in html


def test_csv_is_a_table(owner_client, version):
    store(owner_client, version, {"eval.csv": b'task,score\nqa,0.81\n"a, b",<i>0.5</i>\n'})
    html = preview_of(owner_client, version, "eval.csv")
    table = html[html.index('data-testid="csv-table"') : html.index("</table>")]
    assert '<th scope="col">task</th><th scope="col">score</th>' in table
    assert "<td>qa</td><td>0.81</td>" in table
    assert "<td>a, b</td><td>&lt;i&gt;0.5&lt;/i&gt;</td>" in table


def test_show_raw_gives_the_text_as_written(owner_client, version):
    store(owner_client, version, {"README.md": b"# Title\n\n*x*\n"})
    html = preview_of(owner_client, version, "README.md")
    assert 'href="?view=raw"' in html
    raw = preview_of(owner_client, version, "README.md", raw=True)
    assert '<pre class="code-view"># Title\n\n*x*\n</pre>' in raw
    assert 'data-testid="show-preview"' in raw


def test_download_link_is_next_to_the_preview(owner_client, version):
    store(owner_client, version, {"a/config.json": b"{}"})
    html = preview_of(owner_client, version, "a/config.json")
    download = reverse(
        "versions:file", kwargs={"ref": version.model.uuid, "name": "v1", "path": "a/config.json"}
    )
    assert f'href="{download}" download' in html


def test_binary_file_shows_size_sha_and_a_download_button(owner_client, version):
    data = bytes(range(256)) * 8
    store(owner_client, version, {"weights/model.bin": data})
    html = preview_of(owner_client, version, "weights/model.bin")
    assert 'data-kind="binary"' in html
    assert sha256(data) in html
    assert "2.0\xa0KB" in html
    assert "/files/weights/model.bin" in html
    assert "show-raw" not in html


def test_an_empty_file_says_so(owner_client, version):
    store(owner_client, version, {"empty.txt": b""})
    assert "This file is empty." in preview_of(owner_client, version, "empty.txt")


def test_only_the_first_mib_is_read_and_shown(owner_client, version, monkeypatch):
    line = b"x" * 99 + b"\n"
    data = line * (PREVIEW_BYTES // 100 + 5000)
    store(owner_client, version, {"big.txt": data})
    reads = record_reads(monkeypatch)
    html = preview_of(owner_client, version, "big.txt")
    assert reads == [(0, PREVIEW_BYTES)]
    assert "Only the first 1 MiB of this 1.5\xa0MB file is shown" in html
    assert html.count("x" * 99) == PREVIEW_BYTES // 100


def test_a_long_json_file_is_shown_as_written(owner_client, version):
    data = b'{"vocab": {' + b",".join(b'"t%d": %d' % (i, i) for i in range(120_000)) + b"}}"
    assert len(data) > PREVIEW_BYTES
    store(owner_client, version, {"tokenizer.json": data})
    html = preview_of(owner_client, version, "tokenizer.json")
    assert "shown as written" in html
    assert 'data-testid="preview-cut"' in html


def record_reads(monkeypatch) -> list:
    calls = []
    original = type(blobs.artifacts()).chunks

    def chunks(self, key, start=0, length=None):
        calls.append((start, length))
        return original(self, key, start, length)

    monkeypatch.setattr(type(blobs.artifacts()), "chunks", chunks)
    return calls


def test_safetensors_shows_its_tensor_table_from_the_header(
    backend, client_for, owner, version, monkeypatch
):
    data = safetensors_bytes(
        {"model.embed_tokens.weight": ("BF16", (320, 64)), "model.norm.weight": ("F32", (64,))},
        {"format": "pt"},
    )
    store(client_for(owner), version, {"model.safetensors": data})
    reads = record_reads(monkeypatch)
    html = preview_of(client_for(owner), version, "model.safetensors")
    header_length = int.from_bytes(data[:8], "little")
    assert reads == [(0, 8), (8, header_length)]  # a Range read of the header on S3
    assert "safetensors header: 2 tensors, 20,544 parameters." in html
    table = html[html.index('data-testid="tensor-table"') :]
    assert "<td><code>model.embed_tokens.weight</code></td><td>BF16</td>" in table
    assert '<td class="shape">[320, 64]</td><td class="num">20,480</td>' in table
    assert "<code>format</code>" in html


def test_gguf_shows_its_metadata_keys(owner_client, version):
    data = gguf_bytes(
        {"general.architecture": "llama", "llama.block_count": 2},
        {"token_embd.weight": (12, (256, 64))},
    )
    store(owner_client, version, {"tiny.Q4_K_M.gguf": data})
    html = preview_of(owner_client, version, "tiny.Q4_K_M.gguf")
    metadata = html[html.index('data-testid="weights-metadata"') :]
    assert '<code>general.architecture</code></td><td class="muted">string</td>' in metadata
    assert '<td class="metadata-value">llama</td>' in metadata
    assert "GGUF header: 1 tensor, 16,384 parameters." in html
    assert "<td>Q4_K</td>" in html


def test_an_unreadable_weights_header_says_why(owner_client, version):
    store(owner_client, version, {"broken.safetensors": b"\x10" + bytes(7) + b"not json at all!"})
    html = preview_of(owner_client, version, "broken.safetensors")
    assert "The header of this file cannot be read: the header is not valid JSON." in html


def test_the_file_browser_links_each_file_to_its_preview(owner_client, version):
    store(owner_client, version, {"weights/config.json": b"{}"})
    url = reverse("versions:detail", kwargs={"ref": version.model.uuid, "name": "v1"})
    html = owner_client.get(url + "?path=weights/").content.decode()
    assert f'href="{preview_url(version, "weights/config.json")}"' in html
    assert f'href="/models/{version.model.uuid}/versions/v1/files/weights/config.json"' in (html)


def test_a_viewer_may_preview(client_for, owner, viewer, version):
    store(client_for(owner), version, {"config.json": b"{}"})
    assert 'data-kind="json"' in preview_of(client_for(viewer), version, "config.json")


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_who_cannot_see_the_model_get_404(client_for, owner, version, who, request):
    store(client_for(owner), version, {"config.json": b"{}"})
    user = request.getfixturevalue(who)
    assert client_for(user).get(preview_url(version, "config.json")).status_code == 404


def test_outside_the_allowlist_the_preview_is_refused(owner_client, version):
    store(owner_client, version, {"config.json": b'{"secret": 1}'})
    version.model.ip_allowlist = "10.0.0.0/8"
    version.model.save()
    response = owner_client.get(preview_url(version, "config.json"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert "secret" not in response.content.decode()


def test_unknown_file_and_path_traversal_are_404(owner_client, version):
    store(owner_client, version, {"config.json": b"{}"})
    assert owner_client.get(preview_url(version, "missing.json")).status_code == 404
    assert owner_client.get(preview_url(version, "../../etc/passwd")).status_code == 404


def test_head_answers_without_reading_the_file(owner_client, version, monkeypatch):
    store(owner_client, version, {"config.json": b"{}"})
    reads = record_reads(monkeypatch)
    response = owner_client.head(preview_url(version, "config.json"))
    assert response.status_code == 200
    assert reads == []


def test_a_storage_failure_says_so(owner_client, version, monkeypatch):
    store(owner_client, version, {"config.json": b"{}"})

    def broken(self, key, start=0, length=None):
        raise OSError("storage down")

    monkeypatch.setattr(type(blobs.artifacts()), "chunks", broken)
    response = owner_client.get(preview_url(version, "config.json"))
    assert response.status_code == 503
    assert "could not be read from storage" in response.content.decode()


def test_a_long_markdown_file_renders_its_beginning(owner_client, version):
    paragraphs = b"".join(b"Paragraph %d with *emphasis*.\n\n" % i for i in range(8000))
    store(owner_client, version, {"NOTES.md": b"# Notes\n\n" + paragraphs})
    html = preview_of(owner_client, version, "NOTES.md")
    assert "<h1>Notes</h1>" in html
    assert "<p>Paragraph 0 with <em>emphasis</em>.</p>" in html
    assert "Paragraph 7999" not in html
    assert 'data-testid="markdown-shortened"' in html


def test_a_japanese_path_is_previewed(owner_client, version):
    store(owner_client, version, {"設定/説明.txt": "こんにちは".encode()})
    assert "こんにちは" in preview_of(owner_client, version, "設定/説明.txt")
