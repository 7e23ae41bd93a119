"""The "Use this model" box gives the Hugging Face client's commands (issue 12, point 6)."""

from html import unescape

import pytest

from .hub_helpers import add_version

pytestmark = pytest.mark.django_db


def use_box(client, model) -> str:
    html = client.get(model.get_absolute_url()).content.decode()
    start = html.index('data-testid="use-this-model"')
    return unescape(html[start : html.index("</section>", start)])


def test_the_box_gives_hf_download_and_python_with_the_hubs_address(client_for, owner, model):
    add_version(model, "v1", {"config.json": b"{}"})
    box = use_box(client_for(owner), model)
    assert f"HF_ENDPOINT=http://testserver hf download {model.repo_id}" in box
    assert 'os.environ["HF_ENDPOINT"] = "http://testserver"' in box
    assert f'folder = snapshot_download("{model.repo_id}")' in box
    assert f'AutoModel.from_pretrained("{model.repo_id}")' in box
    assert 'href="/settings/tokens/">create a token</a>' in box
    assert "HF_TOKEN" in box
    assert "access token" in box and "browser session" in box


def test_an_older_version_with_files_is_named_as_the_revision(client_for, owner, model):
    add_version(model, "v1", {"config.json": b"{}"})
    add_version(model, "v2", {})
    box = use_box(client_for(owner), model)
    assert f"hf download {model.repo_id} --revision v1" in box
    assert f'snapshot_download("{model.repo_id}", revision="v1")' in box
