"""Place pages: everything about one commune, ward or landmark, usable
without JavaScript or a network (coordinates and map links), with a map
where Leaflet can load."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.utils import translation

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import public_pages, usable_assets
from storybank.culture.models import CultureEntryPage
from storybank.products.models import OCOPProductPage
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import Place

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> set[str]:
    return {unescape(t) for t in re.findall(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a></h3>', html)}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_place_page_shows_everything_about_the_place(demo, client, language):
    place = Place.objects.get(slug="bac-ha", locale__language_code="vi")
    response = client.get(f"/{language}/places/bac-ha/")
    assert response.status_code == 200
    html = response.content.decode()
    stories = public_pages(StoryPage.objects.filter(locale__language_code=language, place_links__place=place))
    products = public_pages(OCOPProductPage.objects.filter(locale__language_code=language, commune=place))
    culture = public_pages(CultureEntryPage.objects.filter(locale__language_code=language, place_links__place=place))
    expected = {p.title for p in [*stories, *products, *culture]}
    assert expected and card_titles(html) == expected
    images = usable_assets(LaoCaiImage.objects.filter(place=place))
    for image in images[:12]:
        with translation.override(language):
            assert f'alt="{image.alt_for()}"'.replace("'", "&#x27;") in html
    # Without JavaScript: coordinates and links to maps.
    assert f'<data value="{place.latitude},{place.longitude}">' in html
    assert f"https://www.openstreetmap.org/?mlat={place.latitude}&amp;mlon={place.longitude}" in html
    assert f'href="geo:{place.latitude},{place.longitude}"' in html
    # The map is hidden until the script draws it, and gets its marker as JSON.
    assert re.search(r'<div class="map" id="place-map" hidden', html)
    markers = json.loads(re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html).group(1))
    assert markers == [{"name": place.localized.name if language == "vi" else markers[0]["name"],
                        "lat": float(place.latitude), "lon": float(place.longitude),
                        "url": f"http://127.0.0.1:8000/{language}/places/bac-ha/"}]


def test_place_index_lists_every_place_with_its_counts(demo, client):
    html = client.get("/vi/places/").content.decode()
    for place in Place.objects.filter(locale__language_code="vi"):
        assert f'href="/vi/places/{place.slug}/"' in html
    markers = json.loads(re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html).group(1))
    assert len(markers) == Place.objects.filter(locale__language_code="vi").count()


def test_unknown_place_and_language_without_a_site_answer_404(demo, client):
    assert client.get("/vi/places/atlantis/").status_code == 404
    from storybank.home.models import HomePage

    HomePage.objects.get(locale__language_code="ko").unpublish()
    assert client.get("/ko/places/bac-ha/").status_code == 404


def test_products_link_to_their_commune(demo, client):
    product = OCOPProductPage.objects.live().get(slug="ruou-ngo-ban-pho-bac-ha", locale__language_code="vi")
    assert 'href="/vi/places/bac-ha/"' in client.get(product.url).content.decode()
