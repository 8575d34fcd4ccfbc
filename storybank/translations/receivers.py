"""How the translation states hear about changes.

Every content change arrives through ``storybank.core.signals.content_changed``.
A published source changes the state of its translations, which are then
announced in turn: their pages, search entries and feed items say that they
are out of date (this app is installed before the feeds, so a page's own
announcement already finds its state current). wagtail-localize's log of the
revisions it writes says what each was translated from, and its segment
translations say when a person edited machine text.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save
from wagtail.models import Page
from wagtail_localize.models import StringTranslation, TranslationLog

from storybank.core.signals import Change, announce, content_changed

from . import freshness


def on_content_changed(sender: type, instance: Any, change: str, **kwargs: Any) -> None:
    if change != Change.PUBLISHED or not isinstance(instance, Page):
        return
    for page in freshness.page_published(instance):
        announce(page, Change.PUBLISHED)


def on_translation_logged(sender: type, instance: TranslationLog, created: bool, raw: bool = False,
                          **kwargs: Any) -> None:
    """wagtail-localize wrote a revision of a translation. It publishes the
    revision on commit, which outside a surrounding transaction is *before*
    it writes this log: a revision already live when its basis arrives has
    its state (and the page's announcement) brought up to date now."""
    if raw or not created or instance.revision_id is None:
        return
    freshness.record_basis(instance.source, instance.locale, instance.revision)
    page = freshness.published_translation_of(instance.revision)
    if page is not None:
        announce(page, Change.PUBLISHED)


def on_segment_saving(sender: type, instance: StringTranslation, raw: bool = False, **kwargs: Any) -> None:
    """Note the machine text a person is replacing (wagtail-localize saves the edit as a manual segment)."""
    if raw or instance.pk is None or instance.translation_type != StringTranslation.TRANSLATION_TYPE_MANUAL:
        return
    machine = StringTranslation.objects.filter(pk=instance.pk,
                                               translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE)
    before = machine.values_list("tool_name", flat=True).first()
    if before is not None:
        instance._machine_tool_edited = before


def on_segment_saved(sender: type, instance: StringTranslation, raw: bool = False, **kwargs: Any) -> None:
    machine_tool = instance.__dict__.pop("_machine_tool_edited", None)
    if not raw and machine_tool is not None:
        freshness.record_machine_text_edit(instance, machine_tool)


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="translations.content_changed")
    post_save.connect(on_translation_logged, sender=TranslationLog, dispatch_uid="translations.translation_logged")
    pre_save.connect(on_segment_saving, sender=StringTranslation, dispatch_uid="translations.segment_saving")
    post_save.connect(on_segment_saved, sender=StringTranslation, dispatch_uid="translations.segment_saved")
