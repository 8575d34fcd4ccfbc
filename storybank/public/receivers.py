"""What makes cached public pages stale.

Every content change arrives through ``storybank.core.signals.content_changed``
(publish, unpublish, delete, moves, view restrictions, asset saves, and
renamed or deleted places, ethnic groups, topics and contributing units).
Public pages also show things that signal does not cover: the home and index
pages, the site and its locales.
Each receiver writes a new page cache generation in the changing transaction.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from storybank.core.signals import content_changed
from storybank.public.cache import invalidate

#: Page fields Wagtail writes when a draft is saved or a page locked: the live page does not change.
DRAFT_BOOKKEEPING_FIELDS = frozenset({
    "draft_title", "has_unpublished_changes", "latest_revision", "latest_revision_created_at",
    "locked", "locked_at", "locked_by", "live_revision",
})


def _invalidate(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures being loaded
        return
    invalidate()


def _on_page_saved(sender: Any, instance: Any, update_fields: Any = None, raw: bool = False, **kwargs: Any) -> None:
    """A live page saved directly (not through a draft) changes what visitors see."""
    from wagtail.models import Page

    if raw or not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is not None and set(update_fields) <= DRAFT_BOOKKEEPING_FIELDS:
        return
    invalidate()


def page_cache_dependencies() -> list[type]:
    """Models (besides pages) whose rows appear on public pages."""
    from wagtail.models import Locale, PageViewRestriction, Site

    from storybank.governance.models import WeeklyHighlight

    return [Site, Locale, PageViewRestriction, WeeklyHighlight]


def connect() -> None:
    content_changed.connect(_invalidate, dispatch_uid="public.page_cache.content_changed")
    for signal, name in ((page_published, "published"), (page_unpublished, "unpublished"),
                         (post_page_move, "moved")):
        signal.connect(_invalidate, dispatch_uid=f"public.page_cache.{name}")
    post_save.connect(_on_page_saved, dispatch_uid="public.page_cache.page_saved")
    post_delete.connect(_on_page_deleted, dispatch_uid="public.page_cache.page_deleted")
    for model in page_cache_dependencies():
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(_invalidate, sender=model, dispatch_uid=f"public.page_cache.{model.__name__}.{name}")


def _on_page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate()
