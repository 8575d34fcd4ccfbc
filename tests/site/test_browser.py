"""The public site in a real browser (Debian's headless Chromium through
Playwright): a visitor's walk, every page type in Vietnamese, English and
Chinese with a screenshot each, axe-core on every page, keyboard use, the map
with and without JavaScript."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.demo_replay import load_demo

from .browser import assert_accessible, axe_violations, keep_local, screenshot

# serialized_rollback: an earlier transactional test may have flushed the database (Wagtail's root
# page and collection included); this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def site(live_server):
    """The demo, with the Wagtail site pointing at the live server (absolute links go there)."""
    from wagtail.models import Site

    load_demo()
    address = urlsplit(live_server.url)
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = address.hostname, address.port
    site.save()
    return live_server.url


def new_page(browser, **options):
    page = browser.new_page(**options)
    keep_local(page)
    return page


def test_visitor_walk_home_pillar_story_english_product_search(site, browser):
    page = new_page(browser, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/vi/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert_accessible(page, "home (vi)")

    # Home → pillar: the Sa Pa pillar opens the stories of that pillar.
    page.locator(".pillar-sapa h3 a").click()
    page.wait_for_url("**/vi/cau-chuyen/?pillar=sapa")
    assert page.locator("#id_pillar").input_value() == "sapa"
    assert_accessible(page, "stories of the Sa Pa pillar")

    # Pillar → story.
    page.get_by_role("link", name="Chinh phục Fansipan – nóc nhà Đông Dương").click()
    page.wait_for_url("**/vi/cau-chuyen/fansipan-noc-nha-dong-duong/")
    assert page.locator("h1").inner_text() == "Chinh phục Fansipan – nóc nhà Đông Dương"
    assert_accessible(page, "story (vi)")

    # Story → English, with the keyboard-usable language menu.
    page.locator(".language-switcher summary").click()
    page.locator('.language-switcher a[hreflang="en"]').click()
    page.wait_for_url("**/en/cau-chuyen/fansipan-noc-nha-dong-duong/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Conquering Fansipan, the roof of Indochina"
    assert_accessible(page, "story (en)")

    # → an OCOP product, through the main navigation and the listing.
    page.locator(".site-nav a").nth(1).click()
    page.wait_for_url("**/en/san-pham-ocop/")
    page.get_by_role("link", name="Ban Pho corn wine from Bac Ha").click()
    page.wait_for_url("**/en/san-pham-ocop/ruou-ngo-ban-pho-bac-ha/")
    assert page.locator(".stars").get_attribute("aria-label")
    assert_accessible(page, "product (en)")

    # → search without diacritics → the result.
    page.locator('.site-nav a[href="/en/search/"]').click()
    page.wait_for_url("**/en/search/")
    page.locator("#search-q").fill("ruou ngo")
    page.locator("#search-q").press("Enter")
    page.wait_for_url("**q=ruou+ngo**")
    assert_accessible(page, "search results (en)")
    page.locator(".search-hit h3 a", has_text="Ban Pho corn wine from Bac Ha").click()
    page.wait_for_url("**/en/san-pham-ocop/ruou-ngo-ban-pho-bac-ha/")
    assert page.locator("h1").inner_text() == "Ban Pho corn wine from Bac Ha"


#: The self-hosted Be Vietnam Pro answers for Vietnamese text, diacritics included (its Vietnamese subset loads).
VIETNAMESE_FONT_LOADS = """async () => {
  const faces = await document.fonts.load('16px "Be Vietnam Pro"', 'Chinh phục Đông Dương ỗ ự');
  return faces.length >= 2 && document.fonts.check('16px "Be Vietnam Pro"', 'Chinh phục Đông Dương ỗ ự');
}"""

PAGE_TYPES = {
    "home": "/{lang}/",
    "stories": "/{lang}/cau-chuyen/",
    "story": "/{lang}/cau-chuyen/fansipan-noc-nha-dong-duong/",
    "products": "/{lang}/san-pham-ocop/",
    "product": "/{lang}/san-pham-ocop/ruou-ngo-ban-pho-bac-ha/",
    "culture": "/{lang}/van-hoa/",
    "culture-entry": "/{lang}/van-hoa/khen-hmong/",
    "places": "/{lang}/places/",
    "place": "/{lang}/places/bac-ha/",
    "search": "/{lang}/search/?q=fansipan",
}


def test_every_page_type_in_three_languages_is_accessible_and_photographed(site, browser):
    from storybank.culture.models import CultureEntryPage

    assert CultureEntryPage.objects.filter(slug="khen-hmong", locale__language_code="zh-hans").exists()
    for language, browser_locale in (("vi", "vi-VN"), ("en", "en-GB"), ("zh-hans", "zh-CN")):
        for width in (1280, 390):
            page = new_page(browser, locale=browser_locale, viewport={"width": width, "height": 900})
            for name, path in PAGE_TYPES.items():
                response = page.goto(site + path.format(lang=language))
                assert response.status == 200, path
                assert page.locator("html").get_attribute("lang") == language
                # The Vietnamese webfont is used (and has the glyphs: it is the first family of the stack).
                assert page.evaluate(VIETNAMESE_FONT_LOADS)
                assert_accessible(page, f"{name} ({language}, {width}px)")
                shot = screenshot(page, f"{language}-{name}-{'desktop' if width > 800 else 'mobile'}")
                assert shot.stat().st_size > 10_000
            page.close()


def test_keyboard_skip_link_focus_and_language_menu(site, browser):
    page = new_page(browser, locale="vi-VN")
    page.goto(f"{site}/vi/cau-chuyen/fansipan-noc-nha-dong-duong/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The language menu opens and is walked with the keyboard alone.
    page.locator(".language-switcher summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".language-switcher details").get_attribute("open") is not None
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('hreflang')") in ("en", "zh-hans", "fr", "ko", "ja")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cau-chuyen/fansipan-noc-nha-dong-duong/")
    assert page.locator("html").get_attribute("lang") != "vi"


def test_place_map_draws_with_javascript_and_the_page_works_without_it(site, browser):
    page = new_page(browser, locale="vi-VN")
    page.goto(f"{site}/vi/places/bac-ha/")
    page.wait_for_selector("#place-map.leaflet-container")  # vendored Leaflet loaded and drew the map
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert page.locator(".leaflet-marker-icon").get_attribute("alt") == "Bắc Hà"
    assert_accessible(page, "place with its map")
    # The check is real: an image without alt text is reported.
    page.evaluate("() => document.querySelector('.card img').removeAttribute('alt')")
    assert "image-alt" in {v["id"] for v in axe_violations(page)}

    without_js = browser.new_context(java_script_enabled=False, locale="vi-VN")
    keep_local(without_js)
    plain = without_js.new_page()
    plain.goto(f"{site}/vi/places/bac-ha/")
    assert not plain.locator("#place-map").is_visible()
    assert plain.locator(".coordinates").inner_text().strip()
    assert plain.locator('a[href^="https://www.openstreetmap.org/"]').count() == 1
    assert plain.locator(".card").count() > 0
    # Filters work without JavaScript: a plain GET form.
    plain.goto(f"{site}/vi/san-pham-ocop/")
    plain.locator("#id_stars").select_option("4")
    plain.locator(".filters button[type=submit]").click()
    plain.wait_for_url("**stars=4**")
    assert plain.locator(".card").count() > 0
    without_js.close()


#: Records every Content-Security-Policy violation the page reports (installed before any script of the page).
CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (event) => window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));"""
IMAGES_NOT_LOADED = """() => Array.from(document.querySelectorAll("main img:not(.leaflet-container img)"))
  .filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.currentSrc || img.src)"""


def test_the_site_works_under_its_security_policy(site, browser, settings):
    """Production's Content-Security-Policy (no inline script or style) breaks nothing: pictures (served by
    /media/), fonts, the map, search suggestions."""
    from .browser import load_lazy_images

    settings.SECURITY_POLICY_HEADERS = True
    page = new_page(browser, locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.add_init_script(CSP_LISTENER)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    for name, path in PAGE_TYPES.items():
        response = page.goto(site + path.format(lang="vi"))
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert "camera=()" in response.headers["permissions-policy"], path
        if name == "place":
            page.wait_for_selector("#place-map.leaflet-container")
        if name == "search":
            page.locator("#search-q").fill("fansi")
            page.wait_for_selector("#search-suggestions option", state="attached")  # no eval: CSP forbids it
        load_lazy_images(page)
        assert page.evaluate(IMAGES_NOT_LOADED) == [], path
        assert page.evaluate("() => window.__cspViolations") == [], path
    assert [text for text in console if "Content Security Policy" in text] == []
