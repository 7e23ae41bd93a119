"""At phone width (390 px) no page scrolls sideways and tables collapse to stacked rows; at
desktop widths card titles do not break inside words (issue 11, point 14).

Every page is screenshotted to test-artifacts/phone/ for a person to look at."""

import io
import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from models_app.catalog.services import model_create
from models_app.sharing.models import Role
from models_app.sharing.services import share_add
from models_app.versions import blobs
from models_app.versions.services import Incoming, files_store, version_create
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = Path("test-artifacts") / "phone"
LONG_TITLE = "meta-llama-3-8b-instruct-customer-support-intent-classifier-v2"
OVERVIEW = (
    "<h1>Intent classifier</h1><p>Routes tickets: "
    "https://example.com/a/very/long/link/that/does/not/break/anywhere/on/its/own/0123456789</p>"
    "<pre>python -m train --model meta-llama/Meta-Llama-3-8B-Instruct --epochs 3 --lr 2e-5</pre>"
    "<ul><li>42 intents</li></ul>"
)


def store(version, by, *paths):
    items = [Incoming(path=p, source=blobs.HashingReader(io.BytesIO(b"x" * 2048))) for p in paths]
    files_store(version, items, by=by)


@pytest.fixture
def catalogue(owner, acme):
    """Models with what makes a page wide: long titles and paths, tags, an overview with code,
    versions with files, shares, a pending invitation and the activity they leave."""
    viewer = UserFactory(email="a.very.long.address.for.a.viewer@research.acme.test", tenant=acme)
    tags = {
        "framework": ["PyTorch"],
        "architecture": ["Transformer"],
        "domain": ["customer support"],
        "task": ["text classification", "intent detection"],
        "other": ["gguf", "int4-quantised"],
    }
    model = model_create(
        by=owner,
        owner=owner,
        title=LONG_TITLE,
        description="Customer-support intent classifier fine-tuned on ticket history.",
        base_model="Meta-Llama-3-8B-Instruct",
        parameter_count=8_000_000_000,
        overview=OVERVIEW,
        tags=tags,
    )
    model_create(by=owner, owner=owner, title="医療画像分類モデル", base_model="EfficientNet-B0")
    guarded = model_create(by=owner, owner=owner, title="guarded", ip_allowlist="10.0.0.0/8")
    version = version_create(model, by=owner, name="v1", tags=["fp16", "release-candidate"])
    store(
        version,
        owner,
        "config.json",
        "artifacts/tokenizer/tokenizer_config_with_a_rather_long_file_name.json",
        "artifacts/model-00001-of-00004.safetensors",
    )
    version_create(model, by=owner, name="v2-experimental", status="training", notes="Notes.")
    store(version_create(guarded, by=owner, name="v1"), owner, "weights.bin")
    share_add(model, viewer.email, Role.VIEWER, by=owner)
    invited = share_add(model, "someone.not.yet.signed.up@partner.example.org", Role.EDITOR, owner)
    return {
        "model": model,
        "guarded": guarded,
        "viewer": viewer,
        "signup_token": invited.token,
    }


@pytest.fixture
def phone(browser, live_server):
    contexts = []

    def open_page(user=None, locale="en-US"):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport=PHONE, device_scale_factor=1
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", user.email)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/models/")
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_fits(page, name: str, full_page=True):
    """No sideways scrolling: the document is no wider than the viewport. An open dialog is
    shot as the screen shows it (`full_page=False`)."""
    page.wait_for_load_state("load")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=full_page)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5).map((el) => el.tagName + '.' + el.className)"""
    )
    assert width <= PHONE["width"], f"{name}: {width}px wide; too wide: {wide}"


def test_no_page_scrolls_sideways_at_phone_width(phone, owner, catalogue):
    model, guarded = catalogue["model"], catalogue["guarded"]
    base = f"/models/{model.uuid}/"
    page = phone()
    page.goto("/accounts/login/")
    assert_fits(page, "sign-in")
    page.goto(f"/invitations/{catalogue['signup_token']}/")
    assert_fits(page, "invitation-sign-up")
    page.goto("/invitations/not-a-token/")
    assert_fits(page, "invitation-invalid")

    page = phone(owner)
    pages = {
        "list-cards": "/models/",
        "list-table": "/models/?view=table",
        "list-empty": "/models/?q=nothing-matches-this",
        "create": "/models/new/",
        "detail": base,
        "versions": base + "versions/",
        "version": base + "versions/v1/",
        "version-folder": base + "versions/v1/?path=artifacts/tokenizer/",
        "version-empty": base + "versions/v2-experimental/",
        "version-new": base + "versions/new/",
        "version-edit": base + "versions/v1/edit/",
        "sharing": base + "sharing/",
        "activity": base + "activity/",
        "edit": base + "edit/",
        "delete": base + "delete/",
        "not-found": f"/models/{uuid.uuid4()}/",
        "download-refused": f"/models/{guarded.uuid}/download/",
    }
    for name, url in pages.items():
        page.goto(url)
        assert_fits(page, name)

    page.goto("/models/")
    page.get_by_text("+ Add filter").click()
    assert_fits(page, "list-filters-open")
    page.get_by_test_id("model-card").filter(has_text="guarded").locator(
        ".card-menu summary"
    ).click()
    assert_fits(page, "list-card-menu")
    page.get_by_test_id("model-card").filter(has_text="guarded").get_by_role(
        "link", name="Delete"
    ).click()
    expect(page.get_by_test_id("delete-dialog")).to_be_visible()
    assert_fits(page, "list-delete-dialog", full_page=False)

    page.goto("/models/new/")
    page.click("#model-form button[type=submit]")
    expect(page.get_by_test_id("field-error").first).to_be_visible()
    assert_fits(page, "create-with-errors")

    page.goto(base + "versions/v1/")
    page.locator(".version-head").get_by_role("button", name="Delete").click()
    expect(page.locator("#version-delete-dialog")).to_be_visible()
    assert_fits(page, "version-delete-dialog", full_page=False)

    viewer_page = phone(catalogue["viewer"])
    viewer_page.goto(base + "edit/")
    assert_fits(viewer_page, "forbidden")
    viewer_page.goto(base + "versions/v1/")
    assert_fits(viewer_page, "version-as-viewer")

    japanese = phone(owner, locale="ja-JP")
    for name in ("list-cards", "detail", "version", "sharing", "activity", "edit"):
        japanese.goto(pages[name])
        assert_fits(japanese, f"ja-{name}")


def test_tables_collapse_to_stacked_rows_with_their_column_names(phone, owner, catalogue):
    page = phone(owner)
    page.goto(f"/models/{catalogue['model'].uuid}/versions/")
    row = page.get_by_test_id("version-row").first
    cells = row.locator("td")
    assert cells.first.evaluate("el => getComputedStyle(el).display") == "block"
    assert page.locator("thead").evaluate("el => el.getBoundingClientRect().height") <= 1
    status = row.locator("td").nth(2)
    assert status.get_attribute("data-label") == "Status"
    label = status.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Status"'
    # A row's cells are stacked: each starts below the one before.
    tops = cells.evaluate_all("cells => cells.map((c) => c.getBoundingClientRect().top)")
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    # The operations column has a heading only for screen readers, so no label.
    assert row.locator("td.row-actions").get_attribute("data-label") is None

    # Cells that htmx brings in later are labelled too (a folder opened in place).
    page.goto(f"/models/{catalogue['model'].uuid}/versions/v1/")
    page.get_by_test_id("file-row").filter(has_text="artifacts/").locator("a").first.click()
    expect(page.get_by_test_id("file-row").filter(has_text="tokenizer/")).to_be_visible()
    sizes = page.locator("[data-testid=file-row] td.num[data-label='Size']")
    expect(sizes).to_have_count(2)


def words_broken_across_lines(page, selector: str) -> list[str]:
    """The words (Intl.Segmenter's, so Japanese words too) of each element that are split
    over two lines."""
    return page.evaluate(
        """(selector) => {
          const broken = [];
          for (const element of document.querySelectorAll(selector)) {
            const node = [...element.childNodes].find((n) => n.nodeType === Node.TEXT_NODE);
            if (!node) continue;
            const segmenter = new Intl.Segmenter(undefined, { granularity: "word" });
            for (const { segment, index, isWordLike } of segmenter.segment(node.textContent)) {
              if (!isWordLike) continue;
              const range = document.createRange();
              range.setStart(node, index);
              range.setEnd(node, index + segment.length);
              const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
              if (tops.size > 1) broken.push(segment);
            }
          }
          return broken;
        }""",
        selector,
    )


@pytest.mark.parametrize("width", [1024, 1280, 1440, 1920])
def test_card_titles_do_not_break_inside_words_at_desktop_widths(page, sign_in, owner, width):
    for title in (
        "whisper-callcenter",
        "distilbert-sentiment-ja",
        "edu-embedding-small",
        "Meta-Llama-3-8B-Instruct",
        "医療画像分類モデル",
        "Qwen2-72B-Instruct-finance",
        "pipeline-demo-0412",
    ):
        model_create(by=owner, owner=owner, title=title, base_model="Qwen2-72B-Instruct")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(owner)
    expect(page.get_by_test_id("model-card")).to_have_count(7)
    assert words_broken_across_lines(page, "[data-testid=model-card] .model-title a") == []
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=SHOTS / f"cards-{width}.png", full_page=True)
