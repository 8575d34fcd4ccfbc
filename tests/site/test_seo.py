"""Open Graph, Twitter cards, canonical URLs, hreflang and schema.org JSON-LD
of every page type, checked against what the page holds."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from storybank.core.visibility import is_asset_public
from storybank.culture.models import CultureEntryPage, CultureIndexPage
from storybank.home.models import HomePage
from storybank.products.models import OCOPIndexPage, OCOPProductPage
from storybank.stories.models import StoryIndexPage, StoryPage
from storybank.taxonomy.models import Place

from .pagedata import path_of, read_head

pytestmark = pytest.mark.django_db
LANGUAGES = ["vi", "en", "zh-hans"]


def expected_alternates(page: Page) -> dict[str, str]:
    return {other.locale.language_code: other.get_full_url()
            for other in page.get_translations(inclusive=True).live().public()}


def share_url(image) -> str:
    return "http://127.0.0.1:8000" + reverse("press:rendition", args=[image.pk, "facebook"])


def fetch(client, page: Page):
    response = client.get(path_of(page.get_full_url()))
    assert response.status_code == 200
    return read_head(response.content.decode())


def check_common(head, page: Page, *, og_type: str) -> None:
    language = page.locale.language_code
    assert head.html_lang == language
    assert head.canonical == page.get_full_url()
    assert head.one("og:url") == page.get_full_url()
    assert head.one("og:title") == head.one("twitter:title") == (page.seo_title or page.title)
    assert head.one("og:type") == og_type
    assert head.alternates == expected_alternates(page)
    if language in ("vi", "en", "zh-hans"):
        assert head.one("og:locale") == {"vi": "vi_VN", "en": "en_US", "zh-hans": "zh_CN"}[language]
    others = set(expected_alternates(page)) - {language, "hmn"}
    assert len(head.meta.get("og:locale:alternate", [])) == len(others)


def check_share_image(head, page: Page) -> None:
    image = page.hero_image
    if image is not None and is_asset_public(image):
        assert head.one("og:image") == head.one("twitter:image") == share_url(image)
        assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
        with translation.override(page.locale.language_code):
            assert head.one("og:image:alt") == image.alt_for()
        assert head.one("twitter:card") == "summary_large_image"
    else:
        assert "og:image" not in head.meta
        assert head.one("twitter:card") == "summary"


def one_jsonld(head, schema_type: str) -> dict:
    found = [block for block in head.jsonld if block.get("@type") == schema_type]
    assert len(found) == 1, head.jsonld
    assert found[0]["@context"] == "https://schema.org"
    return found[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_story_article(demo, client, language):
    for page in StoryPage.objects.live().filter(locale__language_code=language):
        head = fetch(client, page)
        check_common(head, page, og_type="article")
        check_share_image(head, page)
        article = one_jsonld(head, "Article")
        assert article["headline"] == page.title[:110]
        assert article["description"] == page.lede
        assert article["url"] == article["mainEntityOfPage"] == page.get_full_url()
        assert article["inLanguage"] == language
        assert article["datePublished"] == page.first_published_at.isoformat()
        assert article["articleSection"] == translation_of(page, page.get_pillar_display)
        if page.contributing_unit:
            assert article["author"] == {"@type": "Organization", "name": page.contributing_unit.name}
        places = {place.slug: place for place in page.get_places()}
        assert [(node["geo"]["latitude"], node["geo"]["longitude"]) for node in article.get("contentLocation", [])] \
            == [(float(p.latitude), float(p.longitude)) for p in places.values()]
        if page.hero_image and is_asset_public(page.hero_image):
            assert article["image"][0]["url"] == share_url(page.hero_image)
            assert article["image"][0]["creditText"] == page.hero_image.credit


def translation_of(page: Page, getter) -> str:
    with translation.override(page.locale.language_code):
        return str(getter())


@pytest.mark.parametrize("language", LANGUAGES)
def test_product_with_ocop_rating(demo, client, language):
    pages = OCOPProductPage.objects.live().filter(locale__language_code=language)
    assert pages.exists()
    for page in pages:
        head = fetch(client, page)
        check_common(head, page, og_type="website")
        check_share_image(head, page)
        product = one_jsonld(head, "Product")
        assert product["name"] == page.title
        assert product["description"] == page.lede
        assert product["url"] == page.get_full_url()
        assert product["brand"]["name"] == page.producer
        rating = product["review"]["reviewRating"]
        assert rating == {"@type": "Rating", "ratingValue": page.star_rating, "bestRating": 5, "worstRating": 1}
        properties = {item["propertyID"]: item["value"] for item in product["additionalProperty"]}
        assert properties == {"ocop-stars": page.star_rating, "ocop-certification-year": page.certification_year,
                              "ocop-decision": page.decision_number}
        assert "aggregateRating" not in product  # nobody but the council rated it
        with translation.override(language):
            assert product["manufacturer"]["address"]["addressLocality"] == page.commune.localized_name


@pytest.mark.parametrize("language", LANGUAGES)
def test_culture_entry_creative_work(demo, client, language):
    pages = CultureEntryPage.objects.live().filter(locale__language_code=language)
    assert pages.exists()
    for page in pages:
        head = fetch(client, page)
        check_common(head, page, og_type="article")
        check_share_image(head, page)
        work = one_jsonld(head, "CreativeWork")
        assert work["name"] == work["headline"] == page.title
        assert work["genre"] == translation_of(page, page.get_category_display)
        with translation.override(language):
            assert [node["name"] for node in work["about"]] == [g.localized_name for g in page.get_ethnic_groups()]
            assert [node["name"] for node in work.get("spatialCoverage", [])] == \
                [p.localized_name for p in page.get_places()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_website_with_search_action(demo, client, language):
    page = HomePage.objects.get(locale__language_code=language)
    head = fetch(client, page)
    check_common(head, page, og_type="website")
    check_share_image(head, page)
    site = one_jsonld(head, "WebSite")
    assert site["name"] == page.title
    template = site["potentialAction"]["target"]["urlTemplate"]
    assert template == f"http://127.0.0.1:8000/{language}/search/?q={{search_term_string}}"
    response = client.get(path_of(template.replace("{search_term_string}", "Fansipan")))
    assert response.status_code == 200


@pytest.mark.parametrize("model", [StoryIndexPage, OCOPIndexPage, CultureIndexPage])
@pytest.mark.parametrize("language", LANGUAGES)
def test_listing_collection_page(demo, client, model, language):
    page = model.objects.get(locale__language_code=language)
    head = fetch(client, page)
    check_common(head, page, og_type="website")
    collection = one_jsonld(head, "CollectionPage")
    listed = [(item["position"], item["name"], item["url"]) for item in collection["mainEntity"]["itemListElement"]]
    html = client.get(path_of(page.get_full_url())).content.decode()
    assert listed, "the listing lists its items"
    for _position, name, url in listed:
        # An item not yet translated links to its own language's page, marked with its hreflang.
        assert re.search(rf'href="{re.escape(path_of(url))}"( hreflang="[a-z-]+")?>{re.escape(name)}</a>',
                         html.replace("&#x27;", "'")), name
    assert [position for position, _name, _url in listed] == list(range(1, len(listed) + 1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_place_page(demo, client, language):
    place = Place.objects.get(slug="bac-ha", locale__language_code="vi")
    with translation.override(language):
        path = reverse("public:place", args=["bac-ha"])
        name = place.localized_name
    response = client.get(path)
    assert response.status_code == 200
    head = read_head(response.content.decode())
    assert head.html_lang == language
    assert head.canonical == head.one("og:url") == "http://127.0.0.1:8000" + path
    assert head.one("og:title") == name
    assert head.one("og:type") == "place"
    assert set(head.alternates) == {"vi", "en", "zh-hans", "fr", "ko", "ja", "hmn"}
    assert all(url.endswith(f"/{code}/places/bac-ha/") for code, url in head.alternates.items())
    data = one_jsonld(head, "Place")
    assert data["name"] == name
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (float(place.latitude), float(place.longitude))


def test_search_page_is_not_indexed_but_has_its_meta(demo, client):
    head = read_head(client.get("/en/search/", {"q": "Fansipan"}).content.decode())
    assert head.one("robots") == "noindex, follow"
    assert head.canonical == "http://127.0.0.1:8000/en/search/"
    assert one_jsonld(head, "SearchResultsPage")["inLanguage"] == "en"
    assert head.alternates["vi"] == "http://127.0.0.1:8000/vi/search/"


def test_filtered_listings_are_not_indexed_and_later_pages_have_their_own_canonical(demo, client, settings):
    settings.PUBLIC_LISTING_PAGE_SIZE = 3
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    filtered = read_head(client.get(index.url, {"pillar": "sapa"}).content.decode())
    assert filtered.one("robots") == "noindex, follow"
    assert filtered.canonical == index.get_full_url()
    second = read_head(client.get(index.url, {"page": "2"}).content.decode())
    assert second.canonical == index.get_full_url() + "?page=2"
    assert "robots" not in second.meta


def test_withdrawn_hero_image_leaves_the_share_tags_and_json_ld(demo, client):
    page = StoryPage.objects.live().filter(locale__language_code="vi", hero_image__isnull=False).first()
    assert share_url(page.hero_image) in client.get(page.url).content.decode()
    page.hero_image.consent_status = "missing"
    page.hero_image.save()
    head = fetch(client, page)
    assert "og:image" not in head.meta
    assert "image" not in one_jsonld(head, "Article")


def test_json_ld_cannot_break_out_of_its_script(demo, client):
    page = StoryPage.objects.live().filter(locale__language_code="vi").first()
    page.lede = "Đêm </script><script>alert(1)</script> & ngày"
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    head = read_head(html)
    assert one_jsonld(head, "Article")["description"] == page.lede
    assert "<script>alert(1)" not in html
