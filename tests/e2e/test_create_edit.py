import re

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_preview_follows_typing_and_submit_shows_everything(page, sign_in, owner):
    sign_in(owner)
    page.click("text=Create")
    page.wait_for_url("**/models/new/")
    preview = page.get_by_test_id("preview")
    page.fill("input[name=title]", "pipeline-demo-0412")
    page.fill("input[name=parameter_size]", "13b")
    # The tag fields are chips now (issue 11, point 5): the label names the chip entry.
    page.fill("#id_tags_framework", "PyTorch")
    page.fill("#id_tags_task", "text classification")
    editor = page.locator("trix-editor")
    editor.click()
    page.keyboard.press("Control+b")
    page.keyboard.type("strongly typed")
    expect(preview.locator(".model-title")).to_have_text("pipeline-demo-0412")
    expect(preview.locator(".param-size")).to_have_text("13B")
    expect(preview.locator(".tag", has_text="PyTorch")).to_be_visible()
    expect(preview.locator(".overview strong")).to_have_text("strongly typed")
    assert not AIModel.objects.exists()

    page.click("#model-form button[type=submit]")
    page.wait_for_url(re.compile(r"/models/[0-9a-f-]{36}/$"))
    expect(page.locator("h1.model-title")).to_have_text("pipeline-demo-0412")
    expect(page.locator(".param-size").first).to_have_text("13B")
    expect(page.locator(".tag", has_text="text classification")).to_be_visible()
    expect(page.locator(".overview strong")).to_have_text("strongly typed")


def test_invalid_allowlist_is_shown_next_to_the_field_and_input_is_kept(page, sign_in, owner):
    sign_in(owner)
    page.goto("/models/new/")
    page.fill("input[name=title]", "keeps-my-input")
    page.fill("textarea[name=description]", "typed by hand")
    page.fill("textarea[name=ip_whitelist]", "192.168.300.1, 10.0.0.0/8")
    page.click("#model-form button[type=submit]")
    error = page.locator("#field-ip_whitelist [data-testid=field-error]")
    expect(error).to_contain_text("192.168.300.1")
    expect(page.locator("input[name=title]")).to_have_value("keeps-my-input")
    expect(page.locator("textarea[name=description]")).to_have_value("typed by hand")
    expect(page.locator("textarea[name=ip_whitelist]")).to_have_value("192.168.300.1, 10.0.0.0/8")
    assert not AIModel.objects.exists()


def test_edit_changes_the_title(page, sign_in, owner, model):
    sign_in(owner)
    page.goto(model.get_absolute_url())
    page.click("a:has-text('Edit')")
    page.fill("input[name=title]", "renamed-model")
    expect(page.get_by_test_id("preview").locator(".model-title")).to_have_text("renamed-model")
    page.click("#model-form button[type=submit]")
    expect(page.locator("h1.model-title")).to_have_text("renamed-model")


def test_edit_back_leaves_the_model_unchanged(page, sign_in, owner, model):
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/edit/")
    page.fill("input[name=title]", "not saved")
    page.click("a:has-text('Back')")
    expect(page.locator("h1.model-title")).to_have_text("pipeline-demo-0412")
    model.refresh_from_db()
    assert model.title == "pipeline-demo-0412"


def test_chosen_avatar_shows_in_the_preview_and_is_saved(page, sign_in, owner, tmp_path):
    from PIL import Image

    image_path = tmp_path / "avatar.png"
    Image.new("RGB", (300, 200), (20, 120, 200)).save(image_path)
    sign_in(owner)
    page.goto("/models/new/")
    page.fill("input[name=title]", "with-avatar")
    page.set_input_files("input[name=avatar]", str(image_path))
    preview_avatar = page.get_by_test_id("preview").locator("img.avatar")
    expect(preview_avatar).to_have_attribute("src", re.compile(r"^data:image/webp;base64,"))
    page.fill("input[name=parameter_size]", "7B")
    expect(page.get_by_test_id("preview").locator(".param-size")).to_have_text("7B")
    expect(preview_avatar).to_be_visible()
    page.click("#model-form button[type=submit]")
    page.wait_for_url(re.compile(r"/models/[0-9a-f-]{36}/$"))
    expect(page.locator(".detail-header img.avatar")).to_have_attribute(
        "src", re.compile(r"/avatar/\?v=")
    )
    assert AIModel.objects.get().avatar
