"""Real Chromium through Playwright for e2e tests (pytest plugin).

Without Chromium the e2e tests are skipped with one loud line; with
MODELHUB_REQUIRE_E2E=1 that is a failure instead.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MODELHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REQUIRED = os.environ.get("MODELHUB_REQUIRE_E2E") == "1"


def chromium_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    e2e = [item for item in items if "e2e" in item.keywords]
    reason = chromium_missing_reason()
    if not e2e or reason is None:
        return
    if REQUIRED:
        raise pytest.UsageError(
            f"MODELHUB_REQUIRE_E2E=1 but {len(e2e)} browser tests cannot run: {reason}"
        )
    config._modelhub_e2e_skipped = (len(e2e), reason)
    marker = pytest.mark.skip(reason=reason)
    for item in e2e:
        item.add_marker(marker)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_modelhub_e2e_skipped", None)
    if skipped:
        count, reason = skipped
        terminalreporter.write_line(
            f"!!!!! {count} BROWSER TESTS SKIPPED: {reason} !!!!!", red=True, bold=True
        )


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def sign_in(page):
    """Signs a user in through the real login form."""
    from tests.factories import PASSWORD

    def do(user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/models/")
        return page

    return do
