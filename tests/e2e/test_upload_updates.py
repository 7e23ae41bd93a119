"""A chosen folder keeps its name; the model header and the version's facts follow an upload
without a reload (issue 11, point 12)."""

import pytest
from playwright.sync_api import expect

from models_app.versions.models import VersionFile
from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "llama-gguf"
    (root / "weights").mkdir(parents=True)
    (root / "config.json").write_bytes(b"{}")
    (root / "weights" / "model.gguf").write_bytes(b"\0" * (2 * 1024 * 1024))
    return root


def test_a_chosen_folder_keeps_its_name_and_the_header_follows_the_upload(
    page, sign_in, owner, model, folder
):
    VersionFactory(model=model, number=1, name="v1")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    header_facts = page.locator("#model-header .card-facts")
    version_facts = page.locator("#version-facts")
    expect(header_facts).to_contain_text("0\xa0bytes")
    expect(version_facts).to_contain_text("0 files")
    page.evaluate("window.notReloaded = true")

    page.set_input_files("input[data-folder-input]", str(folder))
    expect(page.locator(".upload-item.done")).to_have_count(2)
    expect(page.locator(".upload-path")).to_have_text(
        ["llama-gguf/config.json", "llama-gguf/weights/model.gguf"]
    )
    expect(header_facts).to_contain_text("2.0\xa0MB")
    expect(version_facts).to_contain_text("2 files")
    expect(version_facts).to_contain_text("2.0\xa0MB")
    expect(page.get_by_test_id("file-row")).to_have_count(1)
    expect(page.get_by_test_id("file-row")).to_have_attribute("data-path", "llama-gguf/")
    assert page.evaluate("window.notReloaded") is True
    assert sorted(VersionFile.objects.values_list("path", flat=True)) == [
        "llama-gguf/config.json",
        "llama-gguf/weights/model.gguf",
    ]


def test_the_download_button_and_the_facts_follow_an_upload_into_a_new_version(
    page, sign_in, owner, model, tmp_path
):
    """The header is swapped whole: its operation buttons follow the files too."""
    VersionFactory(model=model, number=1, name="v1")
    (tmp_path / "a.txt").write_bytes(b"alpha")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    page.evaluate("window.notReloaded = true")
    page.set_input_files("input[data-file-input]", str(tmp_path / "a.txt"))
    expect(page.locator(".upload-item.done")).to_have_count(1)
    expect(page.locator("#version-facts")).to_contain_text("1 file ·")
    expect(page.locator("#model-header .card-facts")).to_contain_text("5\xa0bytes")
    expect(page.locator("#model-header [data-operation=download]")).to_be_visible()
    expect(page.locator("#model-header")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True


def test_an_answer_that_is_not_the_hubs_or_a_lost_connection_is_said_in_the_page_language(
    page, sign_in, owner, model, tmp_path
):
    """Not the browser's English status text (issue 11, point 15)."""
    VersionFactory(model=model, number=1, name="v1")
    (tmp_path / "a.bin").write_bytes(b"a")
    (tmp_path / "b.bin").write_bytes(b"b")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    answers = iter(["proxy", "lost"])

    def answer(route):
        if next(answers) == "proxy":
            route.fulfill(status=502, content_type="text/html", body="<h1>Bad Gateway</h1>")
        else:
            route.abort("connectionreset")

    page.route("**/upload/", answer)
    page.set_input_files(
        "input[data-file-input]", [str(tmp_path / "a.bin"), str(tmp_path / "b.bin")]
    )
    errors = page.locator(".upload-item.failed .upload-error")
    expect(errors).to_have_text(
        [
            "The server refused the upload (HTTP 502).",
            "The connection was lost before the server answered.",
        ]
    )
