"""The README of the newest version on the Model card tab (issue 11), and the "Use this
model" commands beside it."""

import shlex
from html import unescape

import pytest
from django.core.cache import cache

from models_app.versions import blobs
from models_app.versions.usage import Snippet, forget_usage_snippet, register_usage_snippet

from .conftest import upload_multipart
from .factories import VersionFactory

README = (
    b"---\n"
    b"license: apache-2.0\n"
    b"language: [en, ja]\n"
    b"datasets:\n- squad\n"
    b"pipeline_tag: text-generation\n"
    b"tags: [llm, demo]\n"
    b"widget: {text: hidden}\n"
    b"---\n"
    b"# Pipeline demo\n\n"
    b"Fine-tuned **for tests**. <script>alert('x')</script>\n\n"
    b"<img src=x onerror=alert(1)>\n"
)


def card_of(client, model, **extra) -> str:
    response = client.get(model.get_absolute_url(), **extra)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def with_readme(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"README.md": README, "config.json": b"{}"})
    return version


def test_the_readme_is_shown_below_the_overview(client_for, owner, model, with_readme):
    html = card_of(client_for(owner), model)
    readme = section(html, "readme-section")
    assert html.index('class="overview rich-text"') < html.index('data-testid="readme-section"')
    assert "<h1>Pipeline demo</h1>" in readme
    assert "<strong>for tests</strong>" in readme
    assert "<script" not in readme and "alert" not in readme and "<img" not in readme


def test_the_front_matter_is_a_small_table(client_for, owner, model, with_readme):
    readme = section(card_of(client_for(owner), model), "readme-section")
    table = readme[readme.index('data-testid="front-matter"') : readme.index("</dl>")]
    assert [
        tuple(cell.split("</dt><dd>"))
        for cell in (part.split("</dd>")[0] for part in table.split("<dt>")[1:])
    ] == [
        ("License", "apache-2.0"),
        ("Language", "en, ja"),
        ("Datasets", "squad"),
        ("Pipeline tag", "text-generation"),
        ("Tags", "llm, demo"),
    ]
    assert "widget" not in table and "hidden" not in readme


def test_the_readme_comes_from_the_newest_version(client_for, owner, model, with_readme):
    newer = VersionFactory(model=model, number=2, name="v2")
    upload_multipart(client_for(owner), newer, {"README.md": b"# Second edition\n"})
    readme = section(card_of(client_for(owner), model), "readme-section")
    assert "<h1>Second edition</h1>" in readme
    assert "from version v2" in readme


def test_no_readme_in_the_newest_version_no_section(client_for, owner, model, with_readme):
    VersionFactory(model=model, number=2, name="v2")
    assert 'data-testid="readme-section"' not in card_of(client_for(owner), model)


def test_a_viewer_sees_the_readme(client_for, viewer, model, with_readme):
    assert "<h1>Pipeline demo</h1>" in card_of(client_for(viewer), model)


def test_outside_the_allowlist_the_readme_is_not_shown(client_for, owner, model, with_readme):
    model.ip_allowlist = "10.0.0.0/8"
    model.save()
    readme = section(card_of(client_for(owner), model, REMOTE_ADDR="203.0.113.9"), "readme-section")
    assert "Pipeline demo" not in readme
    assert "shown only where the model's files may be downloaded from" in readme
    inside = card_of(client_for(owner), model, REMOTE_ADDR="10.1.2.3")
    assert "<h1>Pipeline demo</h1>" in inside


def test_invalid_front_matter_is_named_and_the_readme_still_shown(client_for, owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"README.md": b"---\na: [b\n---\n# Body\n"})
    readme = section(card_of(client_for(owner), model), "readme-section")
    assert "The front matter is not valid YAML." in readme
    assert "<h1>Body</h1>" in readme


def test_a_rendered_readme_is_kept_by_content(client_for, owner, model, with_readme, monkeypatch):
    client = client_for(owner)
    cache.clear()
    card_of(client, model)

    def broken(self, key, start=0, length=None):
        raise AssertionError("read again")

    monkeypatch.setattr(type(blobs.artifacts()), "chunks", broken)
    assert "<h1>Pipeline demo</h1>" in card_of(client, model)


def test_a_storage_failure_leaves_the_page_standing(
    client_for, owner, model, with_readme, monkeypatch
):
    cache.clear()

    def broken(self, key, start=0, length=None):
        raise OSError("storage down")

    monkeypatch.setattr(type(blobs.artifacts()), "chunks", broken)
    readme = section(card_of(client_for(owner), model), "readme-section")
    assert "could not be read from storage" in readme


# Use this model ---------------------------------------------------------------------------


def test_use_this_model_gives_curl_commands_with_absolute_urls(
    client_for, owner, model, with_readme
):
    html = card_of(client_for(owner), model)
    box = unescape(section(html, "use-this-model"))
    zip_url = f"http://testserver/models/{model.uuid}/versions/v1/download/"
    model_zip = f"http://testserver/models/{model.uuid}/download/"
    assert (
        f'curl -fL -b "sessionid=$MODELHUB_SESSION" -o pipeline-demo-0412-v1.zip {zip_url}' in box
    )
    assert f"-o pipeline-demo-0412.zip {model_zip}" in box
    assert "sessionid" in box and "browser session" in box
    assert 'data-copy="snippet-curl-version"' in box
    assert "js/copy.js" in html


def test_use_this_model_quotes_what_the_shell_would_split(client_for, owner, model):
    model.title = "Tom's model/v2 $HOME"
    model.save()
    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"config.json": b"{}"})
    html = card_of(client_for(owner), version.model)
    box = unescape(section(html, "use-this-model"))
    name = shlex.quote("Tom's model-v2 $HOME-v1.zip")
    assert f"-o {name} " in box


def test_no_version_no_commands(client_for, owner, model):
    assert 'data-testid="use-this-model"' not in card_of(client_for(owner), model)


def test_no_files_no_commands(client_for, owner, model):
    VersionFactory(model=model, number=1, name="v1")
    assert 'data-testid="use-this-model"' not in card_of(client_for(owner), model)


def test_no_commands_outside_the_allowlist(client_for, owner, model, with_readme):
    model.ip_allowlist = "10.0.0.0/8"
    model.save()
    assert 'data-testid="use-this-model"' not in card_of(client_for(owner), model)


def test_an_app_may_add_a_command(client_for, owner, model, with_readme):
    register_usage_snippet(
        "hf", lambda request, page, version: Snippet("hf", "Hugging Face", "hf download x")
    )
    try:
        box = section(card_of(client_for(owner), model), "use-this-model")
    finally:
        forget_usage_snippet("hf")
    assert box.index("curl-model") < box.index("hf download x")
