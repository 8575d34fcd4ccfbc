"""Listing filters are plain GET forms: each combination is an address, the
results are exactly the public pages that match, pagination keeps the filters,
and a value the form does not know is explained, not a crash."""

from __future__ import annotations

import re
from html import unescape

import pytest

from storybank.core.visibility import public_pages
from storybank.culture.models import CultureEntryPage, CultureIndexPage
from storybank.products.models import OCOPIndexPage, OCOPProductPage
from storybank.stories.models import StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db


def listed_titles(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a></h3>', html)]


def titles(queryset) -> set[str]:
    return set(public_pages(queryset).values_list("title", flat=True))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("pillar", ["sapa", "gateway", "culture"])
def test_stories_by_pillar(demo, client, language, pillar):
    index = StoryIndexPage.objects.get(locale__language_code=language)
    html = client.get(index.url, {"pillar": pillar}).content.decode()
    expected = titles(StoryPage.objects.child_of(index).filter(pillar=pillar))
    assert expected
    assert set(listed_titles(html)) == expected
    assert f'<option value="{pillar}" selected>' in html  # the form shows what is applied


def test_stories_by_place_and_pillar_together(demo, client):
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    html = client.get(index.url, {"place": "sa-pa", "pillar": "sapa"}).content.decode()
    expected = titles(StoryPage.objects.child_of(index).filter(pillar="sapa", place_links__place__slug="sa-pa"))
    assert expected and set(listed_titles(html)) == expected
    # The place filter offers the places that have stories.
    assert '<option value="sa-pa" selected>' in html


@pytest.mark.parametrize("stars", [3, 4, 5])
def test_products_by_star_rating(demo, client, stars):
    index = OCOPIndexPage.objects.get(locale__language_code="vi")
    html = client.get(index.url, {"stars": stars}).content.decode()
    assert set(listed_titles(html)) == titles(OCOPProductPage.objects.child_of(index).filter(star_rating=stars))


def test_products_by_group_and_rating(demo, client):
    index = OCOPIndexPage.objects.get(locale__language_code="vi")
    html = client.get(index.url, {"group": "herbal", "stars": "4"}).content.decode()
    expected = titles(OCOPProductPage.objects.child_of(index).filter(product_group="herbal", star_rating=4))
    assert expected and set(listed_titles(html)) == expected
    assert not listed_titles(client.get(index.url, {"group": "tourism"}).content.decode())
    assert "Nothing matches these filters yet." in client.get(index.url, {"group": "tourism"}).content.decode() \
        or "card-title" not in client.get(index.url, {"group": "tourism"}).content.decode()


def test_culture_by_ethnic_group_and_category(demo, client):
    index = CultureIndexPage.objects.get(locale__language_code="vi")
    entries = CultureEntryPage.objects.child_of(index)
    html = client.get(index.url, {"group": "hmong"}).content.decode()
    hmong = titles(entries.filter(ethnic_group_links__ethnic_group__slug="hmong"))
    assert len(hmong) > 1 and set(listed_titles(html)) == hmong
    html = client.get(index.url, {"group": "hmong", "category": "craft"}).content.decode()
    assert set(listed_titles(html)) == titles(entries.filter(ethnic_group_links__ethnic_group__slug="hmong",
                                                            category="craft"))


def test_pagination_keeps_the_filters(demo, client, settings):
    settings.PUBLIC_LISTING_PAGE_SIZE = 2
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    expected = titles(StoryPage.objects.child_of(index).filter(pillar="sapa"))
    assert len(expected) > 2
    seen: list[str] = []
    response = client.get(index.url, {"pillar": "sapa"})
    while True:
        html = response.content.decode()
        seen += listed_titles(html)
        following = re.search(r'<a href="(\?[^"]*)" rel="next">', html)
        if not following:
            break
        link = unescape(following.group(1))
        assert "pillar=sapa" in link
        response = client.get(index.url + link)
    assert len(seen) == len(expected) and set(seen) == expected


def test_a_page_number_out_of_range_shows_the_last_page(demo, client, settings):
    settings.PUBLIC_LISTING_PAGE_SIZE = 5
    index = StoryIndexPage.objects.get(locale__language_code="vi")
    for page in ("999", "abc", "-1"):
        response = client.get(index.url, {"page": page})
        assert response.status_code == 200
        assert listed_titles(response.content.decode())


@pytest.mark.parametrize("params", [{"pillar": "moon"}, {"stars": "7"}, {"group": "martians"}, {"place": "x" * 300}])
def test_an_unknown_filter_value_is_explained_with_400(demo, client, params):
    index = StoryIndexPage if "pillar" in params or "place" in params else OCOPIndexPage
    page = index.objects.get(locale__language_code="vi")
    response = client.get(page.url, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert listed_titles(html)  # the whole listing is still there


def test_filters_are_a_plain_get_form_with_labels(demo, client):
    for model in (StoryIndexPage, OCOPIndexPage, CultureIndexPage):
        page = model.objects.get(locale__language_code="en")
        html = client.get(page.url).content.decode()
        form = re.search(r'<form class="filters" method="get" action="([^"]*)"', html)
        assert form and form.group(1) == page.url
        for select_id in re.findall(r'<select name="[^"]*" id="([^"]*)"', html):
            assert f'<label for="{select_id}">' in html
        assert '<button type="submit">' in html


def test_drafts_and_private_pages_never_appear_in_listings(demo, client):
    from wagtail.models import PageViewRestriction

    index = StoryIndexPage.objects.get(locale__language_code="vi")
    story = StoryPage.objects.child_of(index).live().first()
    PageViewRestriction.objects.create(page=story, restriction_type=PageViewRestriction.LOGIN)
    assert story.title not in listed_titles(client.get(index.url).content.decode())
