"""Pages per locale, the root redirect, hreflang, sitemap and robots.txt."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from wagtail.models import Locale, Page

pytestmark = pytest.mark.django_db

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def path_of(url: str) -> str:
    return urlsplit(url).path


def live_pages() -> list[Page]:
    return [page for page in Page.objects.live().public().filter(depth__gt=1).specific() if page.url]


def test_every_demo_page_answers_200_in_each_locale_it_exists_in_and_404_elsewhere(demo, client):
    checked_missing = 0
    for page in live_pages():
        path = path_of(page.get_full_url())
        assert client.get(path).status_code == 200, path
        existing = set(page.get_translations(inclusive=True).live().values_list("locale__language_code", flat=True))
        own_prefix = f"/{page.locale.language_code}/"
        for code in LANGUAGE_CODES:
            if code in existing:
                continue
            other_path = path.replace(own_prefix, f"/{code}/", 1)
            assert client.get(other_path).status_code == 404, other_path
            checked_missing += 1
    assert checked_missing > 100  # the demo really has untranslated items


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en-GB,en;q=0.9", "/en/"), ("zh-CN,zh;q=0.9", "/zh-hans/"), ("fr-FR", "/fr/"), ("", "/vi/"), ("de-DE", "/vi/")],
)
def test_root_redirects_by_the_visitors_language(demo, client, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/feeds/no-such-feed.json", "/press/images/999999/web/"])
def test_unknown_machine_endpoints_answer_404_not_a_redirect_to_a_page(db, client, path):
    assert client.get(path).status_code == 404


def test_a_page_path_without_language_prefix_still_redirects_to_the_visitors_language(demo, client):
    response = client.get("/cau-chuyen/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/cau-chuyen/"


def parse_alternates(html: str) -> dict[str, str]:
    from html.parser import HTMLParser

    found: dict[str, str] = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
                found[attributes["hreflang"]] = attributes["href"]

    Parser().feed(html)
    return found


def test_hreflang_and_language_switcher_list_exactly_the_existing_translations(demo, client):
    for page in live_pages():
        response = client.get(path_of(page.get_full_url()))
        html = response.content.decode()
        expected = {
            other.locale.language_code: other.get_full_url()
            for other in page.get_translations(inclusive=True).live().public()
        }
        assert parse_alternates(html) == expected, page.url
        for code, url in expected.items():
            if code != page.locale.language_code and len(expected) > 1:
                assert f'href="{url}" hreflang="{code}"' in html  # the switcher links it
        # Every other language is in the switcher too, marked as not translated yet and leading to a fallback
        # in another language (the link's hreflang names the language it opens), never in the alternates.
        untranslated = re.findall(r'<li class="untranslated"><a href="[^"]+" hreflang="[^"]+"><span lang="([^"]+)">',
                                  html)
        assert sorted(untranslated) == sorted(set(LANGUAGE_CODES) - set(expected)), page.url


def sitemap_entries(client) -> dict[str, dict[str, str]]:
    """Every <url> of every per-locale sitemap listed by the sitemap index, with its alternates."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"].startswith("application/xml")
    entries = {}
    for location in ElementTree.fromstring(index.content).findall("sm:sitemap/sm:loc", SITEMAP_NS):
        response = client.get(path_of(location.text))
        assert response.status_code == 200
        for url in ElementTree.fromstring(response.content).findall("sm:url", SITEMAP_NS):
            entries[url.find("sm:loc", SITEMAP_NS).text] = {
                link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", SITEMAP_NS)
            }
    return entries


def test_sitemap_lists_every_live_page_of_every_locale_with_its_translations(demo, client):
    entries = {url: alternates for url, alternates in sitemap_entries(client).items() if "/places/" not in url}
    pages = live_pages()
    assert set(entries) == {page.get_full_url() for page in pages}
    assert {path_of(url).split("/")[1] for url in entries} == set(LANGUAGE_CODES)
    for page in pages:
        expected = {o.locale.language_code: o.get_full_url() for o in page.get_translations(inclusive=True).live()}
        assert entries[page.get_full_url()] == expected


def test_unpublished_translation_disappears_from_hreflang_and_sitemap(demo, client):
    from django.core.cache import cache

    story = Page.objects.get(slug="fansipan-noc-nha-dong-duong", locale__language_code="zh-hans")
    story.unpublish()
    cache.clear()
    vi_url = story.get_translation(Locale.get_default()).get_full_url()
    assert "zh-hans" not in parse_alternates(client.get(path_of(vi_url)).content.decode())
    assert story.get_full_url() not in sitemap_entries(client)
    assert client.get(path_of(story.get_full_url())).status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_hmong_pages_are_served_with_their_own_language_code(demo, client):
    response = client.get("/hmn/")
    assert response.status_code == 200
    assert '<html lang="hmn">' in response.content.decode()
    assert "Zaj dab neeg Lào Cai" in response.content.decode()


def test_admin_login_page_answers(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
