"""The home page: three pillars leading to their stories, featured and latest items."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation

from storybank.core.choices import Pillar
from storybank.core.visibility import public_pages
from storybank.home.models import HomePage
from storybank.stories.models import StoryIndexPage, StoryPage

pytestmark = pytest.mark.django_db


def section_titles(html: str, section_id: str) -> list[str]:
    match = re.search(rf'aria-labelledby="{section_id}-heading">(.*?)</section>', html, re.S)
    if not match:
        return []
    return [unescape(t) for t in re.findall(r'<h3 class="card-title"><a href="[^"]*"[^>]*>([^<]*)</a>', match.group(1))]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pillars_lead_to_their_stories_with_counts(demo, client, language):
    """Each pillar is headed by its one name in the page's language (the name kickers, filters and feeds use)."""
    home = HomePage.objects.get(locale__language_code=language)
    index = StoryIndexPage.objects.get(locale__language_code=language)
    html = client.get(home.url).content.decode()
    for block in home.pillars:
        pillar = block.value["pillar"]
        with translation.override(language):
            name = str(Pillar(pillar).label)
        assert f'<a href="{index.url}?pillar={pillar}">{name}</a>'.replace("'", "&#x27;") in html
    links = re.findall(r'<li class="pillar pillar-(\w+)">', html)
    assert links == ["sapa", "gateway", "culture"]


def test_latest_stories_are_the_newest_public_ones(demo, client):
    home = HomePage.objects.get(locale__language_code="vi")
    html = client.get(home.url).content.decode()
    expected = list(public_pages(StoryPage.objects.filter(locale=home.locale))
                    .order_by("-first_published_at").values_list("title", flat=True)[:6])
    assert section_titles(html, "latest") == expected


def test_featured_section_shows_the_editors_weekly_highlights_and_follows_them(demo, client):
    """The featured section is the editors' weekly highlights (storybank.governance), in the
    page's language, and a change of highlights reaches the cached home page at once."""
    from storybank.governance.highlights import weekly_highlights
    from storybank.governance.models import WeeklyHighlight

    home = HomePage.objects.get(locale__language_code="en")
    chosen = weekly_highlights(home.locale)
    assert chosen  # the demo marks this week's highlights
    assert section_titles(client.get(home.url).content.decode(), "featured") == [p.title for p in chosen]
    for highlight in WeeklyHighlight.objects.all():
        highlight.delete()
    assert section_titles(client.get(home.url).content.decode(), "featured") == []
