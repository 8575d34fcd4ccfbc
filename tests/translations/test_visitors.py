"""What visitors of every language see (#14, items 4 and 5), over HTTP: a
young language's listings fill up from its fallback languages, labelled; every
page offers every language, those it is not in marked and leading to the
nearest fallback; credits carry the label of the page's language; captions
and alt text not written in it are the Vietnamese ones, marked ``lang="vi"``."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import ngettext

from storybank.core.choices import Pillar
from storybank.core.i18n import fallback_chain
from storybank.core.visibility import public_pages
from storybank.feeds.models import Feed
from storybank.feeds.sync import reconcile_feed
from storybank.home.models import HomePage
from storybank.stories.models import StoryIndexPage, StoryPage
from tests.i18n import shown

from .conftest import story

pytestmark = pytest.mark.django_db

SLUG = "fansipan-noc-nha-dong-duong"
CARD = re.compile(r'<article class="card card-story( card-fallback)?"(?: lang="([a-z-]+)")?>(.*?)</article>', re.S)


def test_fallback_chains_end_in_vietnamese():
    assert fallback_chain("ko") == ["en", "vi"]
    assert fallback_chain("hmn") == ["vi"] and fallback_chain("vi") == []


def test_a_young_language_lists_its_own_stories_first_then_labelled_ones_of_its_fallbacks(demo, client):
    index = StoryIndexPage.objects.get(locale__language_code="ko")
    html = client.get(index.url).content.decode()
    own = public_pages(StoryPage.objects.filter(locale__language_code="ko")).count()
    every = public_pages(StoryPage.objects.all()).order_by().values("translation_key").distinct().count()
    assert 0 < own < every
    cards = CARD.findall(html)
    assert cards, "the listing shows stories"
    kinds = [bool(fallback) for fallback, _lang, _body in cards]
    assert kinds == sorted(kinds), "the visitor's own language first"
    assert kinds.count(False) == min(own, len(cards))
    label = shown("Not yet translated – shown in %(language)s", "ko")
    for fallback, lang, body in cards:
        if fallback:
            assert lang in ("en", "vi")  # the item's own language, for screen readers and search engines
            assert f'hreflang="{lang}"' in body and label in body
    count = re.search(r'<p class="listing-count" role="status">(.*?)</p>', html, re.S).group(1)
    with translation.override("ko"):  # never "0 items" for a young language
        assert count.startswith(ngettext("%(counter)s item", "%(counter)s items", every) % {"counter": every})
    assert re.findall(r"\d+", count) == [str(every), str(every - own)]


def test_the_korean_home_page_fills_its_sections_and_names_each_pillar_once(demo, client):
    home = HomePage.objects.get(locale__language_code="ko")
    html = client.get(home.url).content.decode()
    latest = html.split('id="latest-heading"', 1)[1].split("</section>", 1)[0]
    assert CARD.findall(latest), "the latest stories are never empty"
    with translation.override("ko"):
        names = [str(Pillar(value).label) for value in ("sapa", "gateway", "culture")]
    for name in names:
        assert html.count(f">{name}</a></h3>") == 1


def test_every_page_offers_every_language_and_leads_untranslated_ones_to_the_nearest_fallback(demo, client):
    source = public_pages(StoryPage.objects.filter(locale__language_code="vi")).exclude(
        translation_key__in=StoryPage.objects.filter(locale__language_code="ko").values("translation_key")
    ).filter(translation_key__in=StoryPage.objects.filter(locale__language_code="en").values("translation_key")).first()
    assert source is not None
    english = StoryPage.objects.get(translation_key=source.translation_key, locale__language_code="en")
    html = client.get(source.url).content.decode()
    switcher = html.split('class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    korean = re.search(r'<li class="untranslated"><a href="([^"]+)" hreflang="([^"]+)"><span lang="ko">', switcher)
    assert korean is not None, "Korean is offered, marked as not translated yet"
    assert korean.group(2) == "en" and korean.group(1) == english.get_full_url()  # ko → en → vi
    with translation.override("vi"):
        assert shown("not translated yet – opens the %(language)s version") in switcher
    assert 'hreflang="ko"' not in html.split("</head>", 1)[0]  # alternates name real translations only


def test_credits_carry_the_label_of_the_page_language(demo, client):
    labels = {"vi": "Ảnh: ", "en": "Photo: ", "zh-hans": "摄影：", "fr": "Photo : "}
    for language, label in labels.items():
        page = story(SLUG, language)
        html = unescape(client.get(page.url).content.decode())
        credits = re.findall(r'<small class="credit">(.*?)</small>', html)
        assert credits, language
        assert all(label in credit for credit in credits), (language, credits)
        if language != "vi":
            assert "Ảnh:" not in html, language
    hmong = unescape(client.get(story(SLUG, "hmn").url).content.decode())
    assert '<small class="credit"><span lang="vi">Ảnh: ' in hmong  # the Vietnamese interface, marked as such


def test_captions_and_alt_text_fall_back_to_vietnamese_marked_lang_vi(demo, client):
    english = story(SLUG, "en")
    image = english.hero_image
    texts = dict(image.localized_text or {})
    texts.pop("en", None)  # no English caption or alt text yet
    image.localized_text = texts
    image.save()
    html = client.get(english.url).content.decode()
    hero = html.split('<figure class="hero-image">', 1)[1].split("</figure>", 1)[0]
    assert re.search(r'<img [^>]*alt="[^"]+" lang="vi"', hero)
    if image.caption:
        assert f'<span lang="vi">{image.caption}</span>' in unescape(hero)


def test_feed_items_carry_credits_in_their_own_language(demo, client):
    reconcile_feed(Feed.objects.get(slug="sa-pa"))
    items = client.get("/feeds/sa-pa.json", {"since": 0, "limit": 1000}).json()["items"]
    by_language = {}
    for item in items:
        for image in item.get("_laocai", {}).get("images", []):
            by_language.setdefault(item["language"], []).append(image["credit_line"])
    assert by_language.get("en") and by_language.get("vi")
    assert all(line.startswith("Photo: ") for line in by_language["en"])
    assert all(line.startswith("Ảnh: ") for line in by_language["vi"])


def test_hmong_pages_write_dates_the_vietnamese_way(demo, client):
    hmong = story(SLUG, "hmn")
    with translation.override("vi"):
        expected = date_format(localtime(hmong.first_published_at), "DATE_FORMAT")
    byline = re.search(r'<p class="byline"><time [^>]*>(.*?)</time>', client.get(hmong.url).content.decode()).group(1)
    assert unescape(byline) == expected  # "Ngày 07 tháng 12 năm 2026", never "Tháng Mười Hai 7, 2026"
