"""Random replay: publish, update, unpublish, delete, translate, rights
expiry and restoration, licence changes, view restrictions and rule edits in
seeded random order. After every step each partner's copy (kept by pulling
``?since=`` in small pages, and by receiving pushes) must equal what the feed
should hold, computed here independently from the models and the core
visibility rule."""

from __future__ import annotations

import datetime
import os
import random

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

from storybank.assets.models import LaoCaiImage
from storybank.core.choices import Licence, Pillar
from storybank.core.models import content_page_models
from storybank.core.signals import Change, announce
from storybank.core.visibility import public_pages, redistributable_assets
from storybank.feeds.models import FeedEntry, PushDestination
from storybank.feeds.push import Worker
from storybank.feeds.sync import reconcile_feed
from storybank.stories.models import StoryPage
from storybank.taxonomy.models import EthnicGroup

from .conftest import Replica, new_story

pytestmark = pytest.mark.django_db

SEEDS = [int(seed) for seed in os.environ.get("FEEDS_REPLAY_SEEDS", "2026,11,7").split(",")]
STEPS = int(os.environ.get("FEEDS_REPLAY_STEPS", "24"))


def expected(feed) -> dict[str, str]:
    """Item id → title of what ``feed`` should hold, from first principles."""
    kinds = feed.kinds or ["story", "product", "culture"]
    groups = set(feed.ethnic_groups.values_list("pk", flat=True))
    found: dict[str, str] = {}
    for model in content_page_models():
        if model.kind not in kinds:
            continue
        for page in public_pages(model.objects.all()):
            if feed.pillars and page.pillar_value not in feed.pillars:
                continue
            if feed.locales and page.locale.language_code not in feed.locales:
                continue
            if groups and not groups & {g.pk for g in page.get_ethnic_groups()}:
                continue
            found[f"urn:laocai-story:page:{page.pk}"] = page.title
    if "image" in kinds and not feed.pillars:
        for image in redistributable_assets(LaoCaiImage.objects.all()):
            if groups and not groups & set(image.ethnic_groups.values_list("pk", flat=True)):
                continue
            found[f"urn:laocai-story:image:{image.pk}"] = image.title
    return found


class Editor:
    """Random editorial actions on the demo content."""

    def __init__(self, rng: random.Random, feeds: list) -> None:
        self.rng = rng
        self.feeds = feeds
        self.count = 0
        self.log: list[str] = []

    def pages(self, **filters):
        return list(Page.objects.type(*content_page_models()).filter(**filters).order_by("pk"))

    def pick(self, items):
        return self.rng.choice(items) if items else None

    def step(self) -> None:
        actions = [
            (self.publish_new, 3), (self.update, 4), (self.unpublish, 3), (self.republish, 2), (self.delete, 2),
            (self.translate, 2), (self.expire_rights, 2), (self.restore_rights, 1), (self.change_licence, 2),
            (self.restrict, 1), (self.change_rules, 1),
        ]
        action = self.rng.choices([a for a, _w in actions], weights=[w for _a, w in actions])[0]
        self.log.append(action.__name__)
        action()

    def publish_new(self) -> None:
        self.count += 1
        image = self.pick(list(LaoCaiImage.objects.order_by("pk")))
        new_story(f"Câu chuyện ngẫu nhiên {self.count}", pillar=self.rng.choice(Pillar.values), image=image)

    def update(self) -> None:
        page = self.pick(self.pages(live=True))
        if page:
            page = page.specific
            page.title = f"{page.title.split(' ·')[0]} · bản {self.rng.randint(1, 999)}"
            page.save_revision().publish()

    def unpublish(self) -> None:
        page = self.pick(self.pages(live=True))
        if page:
            page.specific.unpublish()

    def republish(self) -> None:
        page = self.pick(self.pages(live=False))
        if page:
            page.specific.save_revision().publish()

    def delete(self) -> None:
        page = self.pick(self.pages())
        if page:
            Page.objects.get(pk=page.pk).delete()

    def translate(self) -> None:
        english = Locale.objects.get(language_code="en")
        candidates = [p for p in StoryPage.objects.filter(locale__language_code="vi").order_by("pk")
                      if not p.has_translation(english) and p.get_parent().has_translation(english)]
        page = self.pick(candidates)
        if page:
            translated = page.copy_for_translation(english)
            translated.title = f"Story {page.pk} in English"
            translated.save_revision().publish()

    def expire_rights(self) -> None:
        image = self.pick(list(LaoCaiImage.objects.filter(rights_expire_on__isnull=True).order_by("pk")))
        if image:  # the governance engineer's daily task: the date passes, then announce()
            yesterday = timezone.localdate() - datetime.timedelta(days=1)
            LaoCaiImage.objects.filter(pk=image.pk).update(rights_expire_on=yesterday)
            image.refresh_from_db()
            announce(image, Change.WITHDRAWN)

    def restore_rights(self) -> None:
        image = self.pick(list(LaoCaiImage.objects.filter(rights_expire_on__isnull=False).order_by("pk")))
        if image:
            image.rights_expire_on = None
            image.save()

    def change_licence(self) -> None:
        image = self.pick(list(LaoCaiImage.objects.order_by("pk")))
        if image:
            image.licence = self.rng.choice(Licence.values)
            image.save()

    def restrict(self) -> None:
        restriction = PageViewRestriction.objects.first()
        if restriction:
            restriction.delete()
            return
        page = self.pick(self.pages(live=True, locale__language_code="vi"))
        if page:
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    def change_rules(self) -> None:
        feed = self.feeds[0]
        feed.pillars = self.rng.sample(Pillar.values, self.rng.randint(0, 2))
        feed.save()
        reconcile_feed(feed)  # what the task queued by save() does once the edit commits


@pytest.mark.parametrize("seed", SEEDS)
def test_partners_copies_always_equal_the_feed(client, quiet_demo_feeds, make_feed, partner, receiver, settings, seed):
    settings.FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE = 0  # this partner polls far more than a real one
    rng = random.Random(seed)
    stories = make_feed(slug="replay-stories", kinds=["story", "culture"])
    press = make_feed(slug="replay-press", kinds=["story", "image"])
    hmong = make_feed(slug="replay-hmong", kinds=["story", "culture", "image"],
                      ethnic_groups=list(EthnicGroup.in_default_locale().filter(slug="hmong")))
    server = receiver()
    PushDestination.objects.create(partner=partner, feed=press, name="hook", url=server.url)
    feeds = [stories, press, hmong]
    for feed in feeds:
        reconcile_feed(feed)

    replicas = {feed.slug: Replica(feed.slug) for feed in feeds}
    late = Replica(press.slug)  # a partner that only syncs now and then
    editor = Editor(rng, feeds)
    worker = Worker()
    for step in range(STEPS):
        editor.step()
        for feed in feeds:
            replica = replicas[feed.slug]
            replica.sync(client, limit=rng.choice([3, 10, 500]))
            want = expected(feed)
            context = f"seed {seed}, step {step}: {editor.log}"
            assert {item_id: item["title"] for item_id, item in replica.items.items()} == want, context
            present = set(FeedEntry.objects.filter(feed=feed, present=True).values_list("item_key", flat=True))
            assert {f"urn:laocai-story:{key}" for key in present} == set(want), context
            usable = {f"urn:laocai-story:image:{pk}" for pk in
                      redistributable_assets(LaoCaiImage.objects.all()).values_list("pk", flat=True)}
            for item in replica.items.values():
                assert {image["id"] for image in item["_laocai"].get("images", [])} <= usable, context
        worker.run_once()
        assert {i: item["title"] for i, item in server.items().items()} == expected(press), editor.log
        if step % 5 == 4:
            late.sync(client, limit=4)
            assert set(late.items) == set(expected(press))
