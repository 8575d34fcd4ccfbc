"""A small committed site for tests whose servers and workers run in other
processes (they cannot see a test's uncommitted transaction, so the
``demo`` fixture is no use to them): a Vietnamese home page, a story index,
stories, a public feed of them and an editor."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command


@dataclass
class SmallSite:
    home: Any
    index: Any
    stories: list[Any] = field(default_factory=list)
    feed: Any = None
    editor: Any = None
    password: str = "bien-tap-thu-2026"


def build_small_site(stories: int = 6) -> SmallSite:
    from django.contrib.auth import get_user_model
    from wagtail.models import Locale, Page, Site

    from storybank.feeds.models import Feed
    from storybank.home.models import HomePage
    from storybank.stories.models import StoryIndexPage, StoryPage

    call_command("sync_locales", stdout=open(os.devnull, "w"))
    vi = Locale.objects.get(language_code="vi")
    root = Page.get_first_root_node()
    home = HomePage(title="Trang chủ", slug="trang-chu-thu", hero_title="Lào Cai", locale=vi)
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.root_page, site.hostname, site.port, site.site_name = home, "127.0.0.1", 80, "Lào Cai"
    site.save()
    index = StoryIndexPage(title="Câu chuyện", slug="cau-chuyen")
    home.add_child(instance=index)
    index.save_revision().publish()
    built = SmallSite(home=home, index=index)
    for number in range(1, stories + 1):
        title = f"Ruộng bậc thang mùa nước đổ {number}"
        page = StoryPage(title=title, slug=f"ruong-bac-thang-{number}", lede=f"Tóm tắt {number}", pillar="sapa",
                         body=[{"type": "paragraph", "value": f"<p>{title}</p>"}])
        index.add_child(instance=page)
        page.save_revision().publish()
        built.stories.append(page)
    built.feed = Feed.objects.create(slug="sa-pa-thu", title="Sa Pa", is_public=True)
    from storybank.feeds.sync import reconcile_feed

    reconcile_feed(built.feed)
    built.editor = get_user_model().objects.create_superuser("bientap-thu", "bientap@example.org", built.password)
    return built


