"""How the translation states hear about changes.

Every content change arrives through ``storybank.core.signals.content_changed``.
A published source changes the state of its translations, which are then
announced in turn: their pages, search entries and feed items say that they
are out of date (this app is installed before the feeds, so a page's own
announcement already finds its state current). wagtail-localize's log of the
revisions it writes says what each was translated from.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from wagtail.models import Page
from wagtail_localize.models import TranslationLog

from storybank.core.signals import Change, announce, content_changed

from . import freshness


def on_content_changed(sender: type, instance: Any, change: str, **kwargs: Any) -> None:
    if change != Change.PUBLISHED or not isinstance(instance, Page):
        return
    for page in freshness.page_published(instance):
        announce(page, Change.PUBLISHED)


def on_translation_logged(sender: type, instance: TranslationLog, created: bool, raw: bool = False,
                          **kwargs: Any) -> None:
    """wagtail-localize wrote a revision of a translation (publishing it on commit)."""
    if raw or not created or instance.revision_id is None:
        return
    freshness.record_basis(instance.source, instance.locale, instance.revision)


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="translations.content_changed")
    post_save.connect(on_translation_logged, sender=TranslationLog, dispatch_uid="translations.translation_logged")
