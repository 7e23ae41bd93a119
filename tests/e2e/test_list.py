import re

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel
from tests.factories import AIModelFactory, TagFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_in_the_search_box_narrows_the_cards(page, sign_in, owner):
    AIModelFactory(owner=owner, title="医療画像分類モデル")
    AIModelFactory(owner=owner, title="finance-qa")
    AIModelFactory(owner=owner, title="speech-to-text")
    sign_in(owner)
    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(3)
    page.fill("#list-q", "画像")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("医療画像分類モデル")
    assert "q=%E7%94%BB%E5%83%8F" in page.url
    page.screenshot(path="/tmp/wt3-search.png", full_page=True)


def test_back_after_a_search_shows_the_whole_list_again(page, sign_in, owner):
    AIModelFactory(owner=owner, title="finance-qa")
    AIModelFactory(owner=owner, title="speech-to-text")
    sign_in(owner)
    cards = page.get_by_test_id("model-card")
    page.fill("#list-q", "finance")
    expect(cards).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=finance"))
    page.go_back()
    expect(cards).to_have_count(2)
    expect(page.locator("#list-filters")).to_have_count(1)
    expect(page.locator("header.site-header")).to_have_count(1)


def test_tag_filter_and_page_size_survive_a_reload(page, sign_in, owner):
    pytorch = TagFactory(category="framework", name="PyTorch")
    AIModelFactory.create_batch(6, owner=owner, tags=[pytorch])
    AIModelFactory.create_batch(3, owner=owner)
    sign_in(owner)
    cards = page.get_by_test_id("model-card")
    expect(cards).to_have_count(9)
    page.click("text=+ Add filter")
    page.fill("#id_framework", "PyTorch")
    page.press("#id_framework", "Enter")
    expect(cards).to_have_count(6)
    page.select_option("[data-testid=page-size]", "4")
    expect(cards).to_have_count(4)
    expect(page).to_have_url(re.compile(r"framework=PyTorch.*page_size=4"))
    page.reload()
    expect(cards).to_have_count(4)
    expect(page.locator(".filter-chips")).to_contain_text("PyTorch")
    expect(page.locator("[data-testid=page-size]")).to_have_value("4")
    page.screenshot(path="/tmp/wt3-filters.png", full_page=True)


def open_delete_dialog(page, title):
    card = page.get_by_test_id("model-card").filter(has_text=title)
    card.locator(".card-menu summary").click()
    page.screenshot(path="/tmp/wt3-menu.png", full_page=True)
    card.get_by_role("link", name="Delete").click()
    dialog = page.get_by_test_id("delete-dialog")
    expect(dialog).to_be_visible()
    return dialog


def test_confirm_is_enabled_only_by_the_exact_word_and_deletes(page, sign_in, owner, model):
    sign_in(owner)
    dialog = open_delete_dialog(page, "pipeline-demo-0412")
    field = dialog.get_by_test_id("confirm-input")
    button = dialog.get_by_test_id("confirm-button")
    expect(button).to_be_disabled()
    for typed in ("Confirm", "confirm ", "conf"):
        field.fill(typed)
        expect(button).to_be_disabled()
    field.fill("confirm")
    expect(button).to_be_enabled()
    page.screenshot(path="/tmp/wt3-dialog.png", full_page=True)
    button.click()
    expect(page.locator(".message-success")).to_contain_text("deleted")
    expect(page.get_by_test_id("model-card")).to_have_count(0)
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_cancel_closes_the_dialog_and_keeps_the_model(page, sign_in, owner, model):
    sign_in(owner)
    dialog = open_delete_dialog(page, "pipeline-demo-0412")
    dialog.get_by_test_id("confirm-input").fill("confirm")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("model-card")).to_have_count(1)
    assert AIModel.objects.filter(pk=model.pk).exists()


def test_table_view_deletes_through_the_same_dialog(page, sign_in, owner, model):
    sign_in(owner)
    page.check("input[name=view][value=table]")
    row = page.get_by_test_id("model-row")
    expect(row).to_have_count(1)
    page.screenshot(path="/tmp/wt3-table.png", full_page=True)
    row.get_by_role("link", name="Delete").click()
    dialog = page.get_by_test_id("delete-dialog")
    dialog.get_by_test_id("confirm-input").fill("confirm")
    dialog.get_by_test_id("confirm-button").click()
    expect(page.locator(".message-success")).to_contain_text("deleted")
    assert "view=table" in page.url
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_the_card_menu_closes_on_a_click_elsewhere(page, sign_in, owner, model):
    sign_in(owner)
    menu = page.locator(".card-menu")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="Playground")).to_be_visible()
    page.locator("h1").click()
    expect(menu.get_by_role("link", name="Playground")).to_be_hidden()
