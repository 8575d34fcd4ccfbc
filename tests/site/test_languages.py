"""Language handling of the public pages: lang attributes, H'Mông pages with
Vietnamese interface text, the language menu listing only real translations."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def nav_labels(html: str) -> list[str]:
    header = re.search(r'<header class="site-header".*?</header>', html, re.S).group(0)
    return re.findall(r'<a href="/[^"]*/(?:places|search)/"[^>]*>([^<]+)</a>', header)


def test_hmong_pages_show_hmong_content_with_vietnamese_interface_text(demo, client):
    html = client.get("/hmn/").content.decode()
    assert '<html lang="hmn">' in html
    assert "Zaj dab neeg Lào Cai" in html  # the H'Mông content
    # The interface (header, footer) is Vietnamese, and says so.
    assert '<header class="site-header" lang="vi">' in html
    assert '<footer class="site-footer" lang="vi">' in html
    vietnamese = nav_labels(client.get("/vi/").content.decode())
    assert nav_labels(html) == vietnamese
    with translation.override("vi"):
        assert vietnamese == [translation.gettext("Places"), translation.gettext("Search")]


@pytest.mark.parametrize("language", ["vi", "en", "zh-hans", "fr", "ko", "ja"])
def test_interface_languages_mark_their_content(demo, client, language):
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}">' in html
    assert '<header class="site-header">' in html  # interface and content share the page's language
    # Each language in the menu is named in itself and marked with its own language.
    for code, name in re.findall(r'<a href="[^"]*" hreflang="([^"]*)" lang="[^"]*">([^<]*)</a>', html):
        assert name == translation.get_language_info(code)["name_local"]


def test_vietnamese_text_is_served_nfc_normalised(demo, client):
    import unicodedata

    html = client.get("/vi/cau-chuyen/fansipan-noc-nha-dong-duong/").content.decode()
    assert unicodedata.normalize("NFC", html) == html
