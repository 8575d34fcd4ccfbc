"""Public pages never show an image whose rights have expired or whose
consent is missing, even while a page still points at it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from storybank.core.choices import ConsentStatus
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def story_with_hero(demo):
    story = StoryPage.objects.live().filter(locale__language_code="vi", hero_image__isnull=False).first()
    assert story is not None
    return story


def hero_rendition_names(client, story) -> tuple[str, str]:
    html = client.get(story.url).content.decode()
    return html, story.hero_image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@pytest.mark.parametrize("withdraw", ["rights", "consent"])
def test_withdrawn_hero_image_leaves_the_page(client, story_with_hero, withdraw):
    html, stem = hero_rendition_names(client, story_with_hero)
    assert stem in html  # shown while usable
    image = story_with_hero.hero_image
    if withdraw == "rights":
        image.rights_expire_on = timezone.localdate() - datetime.timedelta(days=1)
    else:
        image.consent_status = ConsentStatus.MISSING
    image.save()
    html = client.get(story_with_hero.url).content.decode()
    assert stem not in html
    assert story_with_hero.title in html  # the page itself stays
