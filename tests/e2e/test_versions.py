import re

import pytest
from playwright.sync_api import expect

from models_app.versions.models import VersionFile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WEIGHTS = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def model_folder(tmp_path):
    root = tmp_path / "my-model"
    (root / "artifacts").mkdir(parents=True)
    (root / "config.json").write_bytes(b'{"hidden_size": 64}')
    (root / "README.md").write_text("# my model\n", encoding="utf-8")
    (root / "artifacts" / "model.bin").write_bytes(WEIGHTS)
    return root


def test_create_version_upload_folder_browse_and_download(
    page, sign_in, owner, model, model_folder, tmp_path
):
    sign_in(owner)
    page.goto(model.get_absolute_url())
    page.click("nav.tabs >> text=Versions")
    page.click("text=Create the first version")
    page.select_option("select[name=status]", "training")
    page.fill("input[name=tags]", "fp16, demo")
    page.click("button:has-text('Create version')")
    page.wait_for_url(re.compile(r"/versions/v1/$"))

    page.set_input_files("input[data-folder-input]", str(model_folder))
    items = page.locator(".upload-item")
    expect(items).to_have_count(3)
    for index in range(3):
        expect(items.nth(index).locator("progress")).to_have_attribute("value", "100")
        expect(items.nth(index)).to_have_class(re.compile(r"\bdone\b"))

    # The chosen folder keeps its own name as the top directory (issue 11, point 12).
    rows = page.get_by_test_id("file-row")
    expect(rows).to_have_count(1)
    page.click("[data-testid=file-row] >> text=my-model/")
    expect(rows).to_have_count(3)
    page.click("[data-testid=file-row] >> text=artifacts/")
    model_bin = "my-model/artifacts/model.bin"
    expect(page.locator(f"[data-testid=file-row][data-path='{model_bin}']")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?path=my-model/artifacts/$"))

    with page.expect_download() as info:
        page.click(f"[data-path='{model_bin}'] >> text=Download")
    saved = tmp_path / "downloaded.bin"
    info.value.save_as(saved)
    assert saved.read_bytes() == WEIGHTS
    assert VersionFile.objects.get(path=model_bin).sha256


def test_versions_tab_lists_the_version_with_its_status(page, sign_in, owner, model):
    from tests.versions.factories import VersionFactory

    VersionFactory(model=model, number=1, name="v1", status="deployed", tags=["prod"])
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/")
    row = page.get_by_test_id("version-row")
    expect(row).to_have_count(1)
    expect(row.locator(".status")).to_have_text("Deployed")


def test_dropped_files_are_uploaded(page, sign_in, owner, model):
    from tests.versions.factories import VersionFactory

    VersionFactory(model=model, number=1, name="v1")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    page.evaluate(
        """() => {
          const transfer = new DataTransfer();
          transfer.items.add(new File(["alpha"], "a.txt"));
          transfer.items.add(new File(["bravo!"], "b.txt"));
          const zone = document.querySelector("[data-drop-zone]");
          zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        }"""
    )
    expect(page.locator(".upload-item.done")).to_have_count(2)
    expect(page.get_by_test_id("file-row")).to_have_count(2)
    assert sorted(VersionFile.objects.values_list("path", "size_bytes")) == [
        ("a.txt", 5),
        ("b.txt", 6),
    ]


def test_two_chosen_files_with_one_path_are_refused(page, sign_in, owner, model, tmp_path):
    from tests.versions.factories import VersionFactory

    version = VersionFactory(model=model, number=1, name="v1")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "weights.bin").write_bytes(b"first")
    (tmp_path / "b" / "weights.bin").write_bytes(b"second")
    (tmp_path / "a" / "config.json").write_bytes(b"{}")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/{version.name}/")
    page.set_input_files(
        "input[data-file-input]",
        [
            str(tmp_path / "a" / "weights.bin"),
            str(tmp_path / "b" / "weights.bin"),
            str(tmp_path / "a" / "config.json"),
        ],
    )
    refused = page.locator(".upload-item.failed")
    expect(refused).to_have_count(2)
    expect(refused.first).to_contain_text("Two files in this upload have this path")
    expect(page.locator(".upload-item.done")).to_have_count(1)
    assert list(VersionFile.objects.values_list("path", flat=True)) == ["config.json"]
