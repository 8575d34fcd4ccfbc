"""The shared rule of what is public, and the ``content_changed`` hook."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from storybank.assets.models import LaoCaiImage
from storybank.core.choices import ConsentStatus
from storybank.core.signals import Change, content_changed
from storybank.core.visibility import is_asset_public, is_page_public, public_pages, usable_assets
from storybank.stories.models import StoryPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    seen: list[tuple[type, int, str]] = []

    def receiver(sender, instance, change, **kwargs):
        seen.append((sender, instance.pk, change))

    content_changed.connect(receiver)
    yield seen
    content_changed.disconnect(receiver)


def a_story() -> StoryPage:
    return StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()


def test_public_pages_leave_out_private_embargoed_and_expired_pages(demo):
    story = a_story()
    assert story in public_pages(StoryPage.objects.all())
    assert is_page_public(story)

    PageViewRestriction.objects.create(page=story.get_parent(), restriction_type=PageViewRestriction.LOGIN)
    assert story not in public_pages(StoryPage.objects.all())
    assert not is_page_public(story)
    PageViewRestriction.objects.all().delete()

    story.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    story.save(update_fields=["go_live_at"])
    assert story not in public_pages(StoryPage.objects.all())
    assert not is_page_public(story)

    story.go_live_at = None
    story.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    story.save(update_fields=["go_live_at", "expire_at"])
    assert story not in public_pages(StoryPage.objects.all())
    assert not is_page_public(story)


def test_assets_with_expired_rights_or_missing_consent_are_not_usable(demo):
    image = LaoCaiImage.objects.order_by("pk").first()
    assert is_asset_public(image)
    image.rights_expire_on = timezone.localdate() - datetime.timedelta(days=1)
    image.save()
    assert not is_asset_public(image)
    assert image not in usable_assets(LaoCaiImage.objects.all())

    image.rights_expire_on = timezone.localdate()  # the last day is still inside the rights period
    image.consent_status = ConsentStatus.MISSING
    image.save()
    assert not is_asset_public(image)
    assert image not in usable_assets(LaoCaiImage.objects.all())
    image.consent_status = ConsentStatus.OBTAINED
    image.save()
    assert image in usable_assets(LaoCaiImage.objects.all())


def test_publish_unpublish_delete_and_asset_saves_are_announced(demo, changes):
    story = a_story()
    story.save_revision().publish()
    story.unpublish()
    image = LaoCaiImage.objects.order_by("pk").first()
    image.title = image.title + " (sửa)"
    image.save()
    story_pk = story.pk
    Page.objects.get(pk=story_pk).delete()

    assert (StoryPage, story_pk, Change.PUBLISHED) in changes
    assert (StoryPage, story_pk, Change.WITHDRAWN) in changes
    assert (StoryPage, story_pk, Change.DELETED) in changes
    assert (LaoCaiImage, image.pk, Change.PUBLISHED) in changes
    # Index and home pages are not items of the bank: nothing is announced for them.
    assert all(sender in (StoryPage, LaoCaiImage) for sender, _pk, _change in changes)


def test_view_restrictions_and_moves_announce_every_content_page_of_the_branch(demo, changes):
    story = a_story()
    index = story.get_parent()
    stories_below = set(StoryPage.objects.child_of(index).values_list("pk", flat=True))

    restriction = PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    announced = {pk for sender, pk, change in changes if sender is StoryPage and change == Change.PUBLISHED}
    assert announced == stories_below

    changes.clear()
    restriction.delete()
    announced = {pk for sender, pk, change in changes if sender is StoryPage and change == Change.PUBLISHED}
    assert announced == stories_below

    changes.clear()
    story.move(index, pos="first-child")
    assert (StoryPage, story.pk, Change.PUBLISHED) in changes


def test_an_assets_ethnic_groups_are_announced_after_the_asset(demo, changes):
    from storybank.taxonomy.models import EthnicGroup

    image = LaoCaiImage.objects.order_by("pk").first()
    image.ethnic_groups.add(EthnicGroup.objects.filter(locale__language_code="vi").first())
    assert (LaoCaiImage, image.pk, Change.PUBLISHED) in changes
