"""The search page in a real browser (headless Debian Chromium through Playwright)."""

from __future__ import annotations

import pytest

from tests.demo_replay import load_demo

# serialized_rollback: an earlier transactional test (e.g. the feed worker kill test) flushes the
# database, Wagtail's root page and collection included; this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(locale="vi-VN")
        yield page
        browser.close()


def test_search_type_filter_and_page_through(live_server, browser_page):
    load_demo()
    page = browser_page
    page.goto(f"{live_server.url}/vi/search/")
    search_box = page.locator("#search-q")  # labelled "Search for" (translated with the catalogues)
    assert page.locator('label[for="search-q"]').count() == 1
    search_box.fill("ruou ngo bac ha")
    search_box.press("Enter")
    page.wait_for_url("**q=ruou+ngo+bac+ha**")
    titles = page.locator(".search-hit h3").all_inner_texts()
    assert "Rượu ngô Bản Phố Bắc Hà" in titles
    assert page.locator(".search-snippet mark").count() > 0

    page.locator('.facet a[href*="kind=image"]').first.click()
    page.wait_for_url("**kind=image**")
    kinds = page.locator(".search-hit").evaluate_all("items => items.map(item => item.className)")
    assert kinds and all("search-hit-image" in kind for kind in kinds)

    # Suggestions fill the datalist as one types.
    page.goto(f"{live_server.url}/vi/search/")
    page.locator("#search-q").type("Fansi", delay=50)
    page.wait_for_function("document.querySelectorAll('#search-suggestions option').length > 0")
    suggestions = page.locator("#search-suggestions option").evaluate_all("options => options.map(o => o.value)")
    assert any("Fansipan" in suggestion for suggestion in suggestions)
