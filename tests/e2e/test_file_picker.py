"""Files are chosen with a styled picker, a button and the chosen names, not the browser's
bare control (issue 11, point 13)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.versions.factories import VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def avatar_png(tmp_path):
    path = tmp_path / "team-logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (20, 120, 200)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def hidden_from_sight(locator) -> bool:
    box = locator.bounding_box()
    return box is None or (box["width"] <= 1 and box["height"] <= 1)


def test_the_avatar_is_chosen_with_a_button_that_then_shows_the_name(
    page, sign_in, owner, avatar_png
):
    sign_in(owner)
    page.goto("/models/new/")
    field = page.locator("#field-avatar")
    native = field.locator("input[type=file]")
    assert hidden_from_sight(native)
    button = field.locator(".file-picker .button")
    expect(button).to_have_text("Choose an image")
    expect(button).to_be_visible()
    names = field.locator("[data-file-picker-names]")
    expect(names).to_have_text("No file chosen")
    # The field's own label still names the control for assistive technology.
    expect(page.get_by_label("Avatar")).to_have_count(1)

    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(avatar_png))
    expect(names).to_have_text("team-logo.png")
    expect(page.get_by_test_id("preview").locator("img.avatar")).to_be_visible()

    native.set_input_files([])
    expect(names).to_have_text("No file chosen")


def test_the_avatar_picker_is_reached_with_the_keyboard(page, sign_in, owner):
    sign_in(owner)
    page.goto("/models/new/")
    page.focus("input[name=ip_whitelist], textarea[name=ip_whitelist]")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_avatar"
    outline = page.locator("#field-avatar .file-picker .button").evaluate(
        "el => getComputedStyle(el).outlineStyle"
    )
    assert outline == "solid"


def test_the_uploader_has_buttons_and_lists_the_chosen_names(page, sign_in, owner, model, tmp_path):
    VersionFactory(model=model, number=1, name="v1")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    (tmp_path / "notes.md").write_bytes(b"# notes")
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/versions/v1/")
    for selector in ("input[data-file-input]", "input[data-folder-input]"):
        assert hidden_from_sight(page.locator(selector))
    expect(page.locator(".pickers .button")).to_have_text(["Choose files", "Choose a folder"])
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Choose files").click()
    chooser.value.set_files([str(tmp_path / "tokenizer.json"), str(tmp_path / "notes.md")])
    expect(page.locator(".upload-path")).to_have_text(["tokenizer.json", "notes.md"])
    expect(page.locator(".upload-item.done")).to_have_count(2)
