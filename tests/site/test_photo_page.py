"""The photo page (``/<lang>/photos/<id>/``) over HTTP: the picture large,
credit and rights, the download box, structured data; linked from search
results and story figures; press-only photos hidden from anonymous visitors."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import public_pages, usable_assets
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db

TERRACES = "Ruộng bậc thang Y Tý mùa nước đổ"


def jsonld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.fixture
def terraces(demo):
    return LaoCaiImage.objects.get(title=TERRACES)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_photo_page_shows_the_picture_its_rights_and_every_size(client, terraces, language):
    response = client.get(f"/{language}/photos/{terraces.pk}/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert terraces.caption_for(language) in html  # the caption in the page's language
    assert terraces.credit in html
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in html
    assert 'class="photo-picture"' in html and "srcset=" in html
    for preset in ("thumbnail", "web", "facebook", "instagram", "stories", "youtube"):
        row = re.search(rf'<tr data-preset="{preset}">(.*?)</tr>', html, re.S).group(1)
        assert f"/press/images/{terraces.pk}/{preset}/?format=jpeg" in row
        assert f"/press/images/{terraces.pk}/{preset}/?format=webp" in row
        assert re.search(r"\d+ × \d+", row) and re.search(r"\d+(\.\d+)?\s(KB|bytes|MB)", row)
    assert f"/press/images/{terraces.pk}/facebook/?format=jpeg&branded=1" in html
    assert f"{reverse('press:original', args=[terraces.pk])}" in html  # CC BY lets the original travel
    assert "Copy credit line" in html or language != "en"
    assert f'<output id="credit-line" aria-labelledby="credit-line-label">{terraces.credit_line()}' in html
    data = jsonld(html)
    assert data["@type"] == "ImageObject" and data["creditText"] == terraces.credit
    assert data["creator"] == {"@type": "Person", "name": terraces.creator}
    assert data["copyrightNotice"] == terraces.copyright_notice
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["acquireLicensePage"].endswith(f"/{language}/photos/{terraces.pk}/#download")
    assert re.search(rf'<meta property="og:image" content="https?://[^"]+/press/images/{terraces.pk}/facebook/"', html)


def test_photo_page_lists_the_stories_that_use_it(client, demo):
    story = next(page for page in public_pages(StoryPage.objects.filter(locale__language_code="vi")).order_by("pk")
                 if page.hero_image_id)
    html = client.get(story.url).content.decode()
    assert f'href="/vi/photos/{story.hero_image_id}/"' in html  # the story's figure opens the photo page
    photo = unescape(client.get(f"/vi/photos/{story.hero_image_id}/").content.decode())
    assert f'<a href="{story.url}">{story.title}</a>' in photo


def test_place_photos_open_their_photo_pages(client, demo):
    place_photo = usable_assets(LaoCaiImage.objects.filter(place__slug="bac-ha")).first()
    assert f'href="/en/photos/{place_photo.pk}/"' in client.get("/en/places/bac-ha/").content.decode()


def test_search_result_opens_the_photo_page_not_the_file(client, terraces):
    html = client.get("/vi/search/", {"q": "Y Tý", "kind": "image"}).content.decode()
    assert f'href="/vi/photos/{terraces.pk}/"' in html
    assert f'href="/press/images/{terraces.pk}/original/"' not in html


def test_press_only_photo_is_forbidden_to_anonymous_visitors_who_may_ask_for_it(client, admin_client, demo):
    press_only = LaoCaiImage.objects.get(title="Băng tuyết Sa Pa")
    refused = client.get(f"/en/photos/{press_only.pk}/")
    assert refused.status_code == 403 and refused["Cache-Control"] == "private, no-store"
    refused_html = refused.content.decode()
    assert reverse("press_accounts:request_access", args=[press_only.pk]) in refused_html  # the request form
    assert f"/press/images/{press_only.pk}/" not in refused_html and 'content="noindex, follow"' in refused_html
    # Who may have its files (here an editor managing the bank) sees the page, unindexed and uncached.
    response = admin_client.get(f"/en/photos/{press_only.pk}/")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    html = unescape(response.content.decode())
    assert 'content="noindex, follow"' in html and "https://rightsstatements.org/vocab/InC/1.0/" in html
    assert reverse("press:original", args=[press_only.pk]) not in html  # press-only: no original


def test_unknown_photo_is_not_found(client, demo):
    assert client.get("/vi/photos/999999/").status_code == 404
