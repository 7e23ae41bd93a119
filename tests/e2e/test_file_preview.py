"""Files of a version in the page (issue 11): the preview opened from the file browser, the
README on the Model card tab, and the "Use this model" copy button, in real Chromium."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.versions.conftest import upload_multipart
from tests.versions.factories import VersionFactory
from tests.versions.weights import safetensors_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONFIG = b'{"hidden_size":64,"architectures":["TinyForCausalLM"]}'
README = (
    b"---\nlicense: mit\npipeline_tag: text-generation\ntags: [tiny, demo]\n---\n"
    b"# Tiny model\n\nA model *for tests*.\n\n<script>document.title = 'hacked'</script>\n"
)


@pytest.fixture
def version_with_files(owner, model):
    version = VersionFactory(model=model, number=1, name="v1")
    client = Client()
    client.force_login(owner)
    upload_multipart(
        client,
        version,
        {
            "config.json": CONFIG,
            "README.md": README,
            "weights/model.safetensors": safetensors_bytes(
                {"lm_head.weight": ("F16", (128, 64)), "norm.weight": ("F32", (64,))}
            ),
            "weights/model.bin": bytes(range(256)) * 4,
        },
    )
    return version


def test_clicking_a_file_opens_its_preview_not_a_download(
    page, sign_in, owner, model, version_with_files
):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    page.get_by_test_id("file-preview-link").filter(has_text="config.json").click()
    page.wait_for_url(re.compile(r"/versions/v1/preview/config\.json$"))

    preview = page.get_by_test_id("file-preview")
    expect(preview).to_have_attribute("data-kind", "json")
    expect(preview.locator("h2")).to_have_text("config.json")
    key = preview.locator("pre.highlight .nt").first
    expect(key).to_have_text('"hidden_size"')
    # Pygments' colours come from the vendored stylesheet
    assert key.evaluate("node => getComputedStyle(node).color") == "rgb(0, 128, 0)"
    expect(preview.locator("pre.highlight")).to_contain_text('  "hidden_size": 64,\n')

    page.get_by_test_id("show-raw").click()
    expect(page.locator("pre.code-view")).to_have_text(CONFIG.decode())
    page.get_by_test_id("show-preview").click()
    expect(preview.locator("pre.highlight")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_test_id("preview-download").click()
    assert info.value.suggested_filename == "config.json"


def test_a_safetensors_file_shows_its_tensor_table(page, sign_in, owner, model, version_with_files):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/?path=weights/")
    page.get_by_role("link", name="model.safetensors").click()
    expect(page.get_by_test_id("weights-summary")).to_have_text(
        "safetensors header: 2 tensors, 8,256 parameters."
    )
    rows = page.get_by_test_id("tensor-table").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("lm_head.weight")
    expect(rows.first).to_contain_text("[128, 64]")
    expect(rows.first).to_contain_text("8,192")

    page.get_by_role("link", name="weights").click()
    page.get_by_role("link", name="model.bin").click()
    preview = page.get_by_test_id("file-preview")
    expect(preview).to_have_attribute("data-kind", "binary")
    expect(page.get_by_test_id("file-sha256")).to_have_text(
        version_with_files.files.get(path="weights/model.bin").sha256
    )
    expect(page.get_by_test_id("preview-download")).to_be_visible()


def test_the_readme_is_the_model_card(page, sign_in, owner, model, version_with_files):
    sign_in(owner)
    page.goto(model.get_absolute_url())
    readme = page.get_by_test_id("readme-section")
    expect(readme.get_by_role("heading", name="Tiny model")).to_be_visible()
    expect(readme.locator("em")).to_have_text("for tests")
    metadata = page.get_by_test_id("front-matter")
    expect(metadata).to_contain_text("License")
    expect(metadata).to_contain_text("mit")
    expect(metadata).to_contain_text("text-generation")
    expect(metadata).to_contain_text("tiny, demo")
    expect(readme.locator("script")).to_have_count(0)
    assert page.title() != "hacked"

    readme.get_by_role("link", name="from version v1").click()
    expect(page.get_by_test_id("file-preview")).to_have_attribute("data-kind", "markdown")


def test_use_this_model_copies_the_curl_command(page, sign_in, owner, model, version_with_files):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(owner)
    page.goto(model.get_absolute_url())
    box = page.get_by_test_id("use-this-model")
    command = box.locator("#snippet-curl-version")
    expect(command).to_contain_text(f"/models/{model.uuid}/versions/v1/download/")
    box.locator("[data-copy=snippet-curl-version]").click()
    expect(box.locator("[data-snippet=curl-version] [data-copy-state]")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == command.text_content()
    assert copied.startswith(
        'curl -fL -b "sessionid=$MODELHUB_SESSION" -o pipeline-demo-0412-v1.zip'
    )
