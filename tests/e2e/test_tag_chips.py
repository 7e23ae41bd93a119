"""Tag chips with suggestions (issue 11, point 5) in the create/edit form and the list's
filters, and tags that link to the filtered list (point 6)."""

import re

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel
from tests.factories import AIModelFactory, TagFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def chips_of(page, name):
    return page.locator(f"[data-tag-chips-for={name}] [data-tag-chip]")


def test_typed_tags_become_chips_with_suggestions_ranked_by_use(page, sign_in, owner):
    pytorch = TagFactory(category="framework", name="PyTorch")
    jax = TagFactory(category="framework", name="JAX")
    paddle = TagFactory(category="framework", name="PaddlePaddle")
    AIModelFactory.create_batch(3, owner=owner, tags=[pytorch])
    AIModelFactory(owner=owner, tags=[paddle])
    AIModelFactory.create_batch(2, owner=owner, tags=[jax])
    sign_in(owner)
    page.goto("/models/new/")
    entry = page.locator("#id_tags_framework")
    entry.click()
    suggestions = page.locator("[data-tag-chips-for=tags_framework] [role=option]")
    expect(suggestions).to_have_text(["PyTorch", "JAX", "PaddlePaddle"])
    entry.press_sequentially("p")
    expect(suggestions).to_have_text(["PyTorch", "PaddlePaddle"])
    entry.press("ArrowDown")
    entry.press("Enter")
    chips = chips_of(page, "tags_framework")
    expect(chips).to_have_text(["PyTorch×"])
    entry.press_sequentially("Flax,")
    expect(chips).to_have_text(["PyTorch×", "Flax×"])
    entry.press_sequentially("MLX、")  # as a Japanese input method types a comma
    expect(chips).to_have_text(["PyTorch×", "Flax×", "MLX×"])
    page.get_by_role("button", name="Remove the tag MLX").click()
    expect(entry).to_have_value("")
    entry.press_sequentially("JAX")
    entry.press("Enter")
    expect(chips).to_have_text(["PyTorch×", "Flax×", "JAX×"])
    page.get_by_role("button", name="Remove the tag Flax").click()
    expect(chips).to_have_text(["PyTorch×", "JAX×"])
    preview = page.get_by_test_id("preview")
    expect(preview.locator(".tag")).to_have_text(["PyTorch", "JAX"])
    page.screenshot(path="/tmp/i11-list-chips-form.png", full_page=True)

    page.fill("input[name=title]", "chips-model")
    page.click("#model-form button[type=submit]")
    page.wait_for_url(re.compile(r"/models/[0-9a-f-]{36}/$"))
    saved = AIModel.objects.get(title="chips-model")
    assert sorted(t.name for t in saved.tags.all()) == ["JAX", "PyTorch"]


def test_the_edit_form_shows_the_saved_tags_as_chips(page, sign_in, owner):
    model = AIModelFactory(
        owner=owner,
        tags=[
            TagFactory(category="task", name="embedding"),
            TagFactory(category="task", name="qa"),
        ],
    )
    sign_in(owner)
    page.goto(f"/models/{model.uuid}/edit/")
    chips = chips_of(page, "tags_task")
    expect(chips).to_have_text(["embedding×", "qa×"])
    page.locator("#id_tags_task").click()
    page.keyboard.press("Backspace")
    expect(chips).to_have_text(["embedding×"])
    page.click("#model-form button[type=submit]")
    page.wait_for_url(re.compile(r"/models/[0-9a-f-]{36}/$"))
    assert [t.name for t in model.tags.all()] == ["embedding"]


def test_suggestions_leave_out_tags_only_on_models_the_user_cannot_see(
    page, sign_in, owner, stranger
):
    AIModelFactory(owner=owner, tags=[TagFactory(category="domain", name="secret-project")])
    AIModelFactory(owner=stranger, tags=[TagFactory(category="domain", name="medical")])
    sign_in(stranger)
    page.goto("/models/new/")
    page.locator("#id_tags_domain").click()
    expect(page.locator("[data-tag-chips-for=tags_domain] [role=option]")).to_have_text(["medical"])


def test_without_javascript_the_comma_separated_field_still_works(browser, live_server, owner):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", owner.email)
        page.fill("input[name=password]", "correct-horse-battery")
        # Without JavaScript the header's language switch has a submit button too.
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/models/")
        page.goto("/models/new/")
        page.fill("input[name=title]", "no-script")
        page.fill("input[name=tags_framework]", "PyTorch, JAX")
        page.click("#model-form button[type=submit]")
        page.wait_for_url(re.compile(r"/models/[0-9a-f-]{36}/$"))
        saved = AIModel.objects.get(title="no-script")
        assert sorted(t.name for t in saved.tags.all()) == ["JAX", "PyTorch"]
        page.goto("/models/?framework=PyTorch")
        expect(page.locator("input[name=framework]")).to_have_value("PyTorch")
        expect(page.get_by_test_id("model-card")).to_have_count(1)
    finally:
        context.close()


def test_the_list_filters_take_chips_suggested_from_the_database(page, sign_in, owner):
    pytorch = TagFactory(category="framework", name="PyTorch")
    onnx = TagFactory(category="framework", name="ONNX")
    AIModelFactory.create_batch(2, owner=owner, tags=[pytorch, onnx])
    AIModelFactory(owner=owner, tags=[pytorch])
    AIModelFactory(owner=owner)
    sign_in(owner)
    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(4)
    page.click("text=+ Add filter")
    entry = page.locator("#id_framework")
    entry.click()
    suggestions = page.locator("[data-tag-chips-for=framework] [role=option]")
    expect(suggestions).to_have_text(["PyTorch", "ONNX"])
    suggestions.filter(has_text="PyTorch").click()
    expect(cards).to_have_count(3)
    expect(page).to_have_url(re.compile(r"framework=PyTorch"))
    entry.press_sequentially("onn")
    expect(suggestions).to_have_text(["ONNX"])
    entry.press("ArrowDown")
    entry.press("Enter")
    expect(cards).to_have_count(2)
    expect(page).to_have_url(re.compile(r"framework=PyTorch%2C(\+|%20)?ONNX"))
    page.screenshot(path="/tmp/i11-list-chips-filter.png", full_page=True)
    page.get_by_role("button", name="Remove the tag PyTorch").click()
    expect(cards).to_have_count(2)
    expect(page).to_have_url(re.compile(r"framework=ONNX"))
    page.reload()
    expect(chips_of(page, "framework")).to_have_text(["ONNX×"])


def test_a_tag_on_a_card_opens_the_list_filtered_by_it(page, sign_in, owner):
    medical = TagFactory(category="domain", name="medical")
    AIModelFactory(owner=owner, title="x-ray", tags=[medical])
    AIModelFactory(owner=owner, title="finance-qa")
    sign_in(owner)
    expect(page.get_by_test_id("model-card")).to_have_count(2)
    page.get_by_test_id("model-card").filter(has_text="x-ray").get_by_role(
        "link", name="medical"
    ).click()
    expect(page).to_have_url(re.compile(r"/models/\?domain=medical$"))
    expect(page.get_by_test_id("model-card")).to_have_count(1)
    expect(page.locator(".filter-chips")).to_contain_text("medical")
