"""The header's language switch turns the whole UI Japanese (SPEC §10, issue 6)."""

import pytest
from playwright.sync_api import expect

from models_app.catalog.models import AIModel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_switching_to_japanese_translates_the_list_the_form_and_its_errors(
    page, sign_in, owner, model
):
    sign_in(owner)
    expect(page.get_by_role("heading", name="Models")).to_be_visible()

    page.select_option("#language-select", "ja")
    expect(page.get_by_role("heading", name="モデル一覧")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_test_id("model-card").first).to_contain_text("バージョン")

    page.locator(".site-header").get_by_role("link", name="作成").click()
    page.wait_for_url("**/models/new/")
    expect(page.get_by_role("heading", name="モデルの作成")).to_be_visible()
    expect(page.locator("label[for=id_title]")).to_contain_text("モデルタイトル")
    expect(page.locator("label[for=id_ip_whitelist]")).to_have_text("IPアドレスのホワイトリスト")
    expect(page.get_by_role("group", name="タグ")).to_be_visible()

    page.fill("textarea[name=ip_whitelist]", "192.168.300.1")
    page.click("#model-form button[type=submit]")
    title_error = page.locator("#field-title [data-testid=field-error]")
    allowlist_error = page.locator("#field-ip_whitelist [data-testid=field-error]")
    expect(title_error).to_have_text("このフィールドは必須です。")
    expect(allowlist_error).to_contain_text("「192.168.300.1」")
    expect(allowlist_error).to_contain_text("以上 255 以下ではありません")
    assert AIModel.objects.count() == 1


def test_the_choice_is_remembered_and_can_be_undone(page, sign_in, owner):
    sign_in(owner)
    page.select_option("#language-select", "ja")
    expect(page.get_by_role("heading", name="モデル一覧")).to_be_visible()
    page.goto("/models/new/")
    expect(page.get_by_role("heading", name="モデルの作成")).to_be_visible()
    page.select_option("#language-select", "en")
    expect(page.get_by_role("heading", name="Create model")).to_be_visible()
