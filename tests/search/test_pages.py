"""The public search page and the editors' search in the admin."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation
from django.utils.translation import gettext

from storybank.stories.models import StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db


def result_titles(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', html)]


def test_search_page_in_vietnamese(demo, client):
    response = client.get("/vi/search/", {"q": "ruou ngo"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html and 'role="search"' in html
    assert "Rượu ngô Bản Phố Bắc Hà" in result_titles(html)
    assert "<mark>" in html
    assert 'aria-current="true"' in html  # the page's language is the selected language facet
    with translation.override("vi"):
        widen = gettext("Search in all languages")
    assert "?q=ruou+ngo&amp;locale=all" not in html or widen in html


def test_results_default_to_the_page_language_and_can_span_all(demo, client):
    english = result_titles(client.get("/en/search/", {"q": "Fansipan"}).content.decode())
    assert english and "Conquering Fansipan, the roof of Indochina" in english
    assert "Chinh phục Fansipan – nóc nhà Đông Dương" not in english
    everywhere = result_titles(client.get("/en/search/", {"q": "Fansipan", "locale": "all"}).content.decode())
    assert "Chinh phục Fansipan – nóc nhà Đông Dương" in everywhere


def test_chinese_page(demo, client):
    html = client.get("/zh-hans/search/", {"q": "梯田"}).content.decode()
    assert "伊蒂梯田灌水季" in result_titles(html)


def test_facet_links_filter_and_keep_the_query(demo, client):
    html = client.get("/vi/search/", {"q": "Sa Pa"}).content.decode()
    link = re.search(r'href="(\?[^"]*kind=image[^"]*)"', html)
    assert link, "a link that adds the image filter"
    filtered = client.get("/vi/search/" + unescape(link.group(1)))
    assert filtered.status_code == 200
    body = filtered.content.decode()
    assert "q=Sa+Pa" in unescape(link.group(1))
    assert re.search(r'class="search-hit search-hit-image"', body)
    assert not re.search(r'class="search-hit search-hit-(story|product|culture)"', body)


def test_pagination(demo, client):
    html = client.get("/vi/search/", {"locale": "all", "per_page": "10"}).content.decode()
    assert 'aria-label="Result pages"' in html or "pagination" in html
    assert 'rel="next"' in html
    second = client.get("/vi/search/", {"locale": "all", "per_page": "10", "page": "2"}).content.decode()
    assert result_titles(second) and result_titles(second) != result_titles(html)


def test_bad_parameters_show_a_message_with_400(db, client):
    response = client.get("/vi/search/", {"kind": "poem"})
    assert response.status_code == 400
    assert "kind must be one of" in response.content.decode()


def test_admin_search_finds_drafts_for_editors(demo, client, admin_user):
    parent = StoryIndexPage.objects.get(locale__language_code="vi")
    draft = StoryPage(title="Bản nháp về hoa tam giác mạch", slug="nhap-tam-giac-mach", lede="Chưa duyệt.",
                      pillar="sapa", body=[], live=False)
    parent.add_child(instance=draft)
    from search.service import index_objects

    index_objects([draft])
    assert "tam giác mạch" not in client.get("/vi/search/", {"q": "tam giac mach"}).content.decode()

    url = "/admin/asset-search/"
    assert client.get(url, {"q": "tam giac mach"}).status_code == 302  # login first
    client.force_login(admin_user)
    response = client.get(url, {"q": "tam giac mach"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bản nháp về hoa tam giác mạch" in html and 'data-status="draft"' in html
    assert f"/admin/pages/{draft.pk}/edit/" in html
    assert '"/admin/asset-search/"' in client.get("/admin/").content.decode()  # the menu item
