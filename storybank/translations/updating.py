"""Updating translations in one step: the translation editors show the
source as it is now, with what changed left to translate.

wagtail-localize's translation editor shows the source text it took when the
translation was started or last synced. Updating takes the source again
(``update_from_db``) and makes sure every translation of it is a synced one:
a translation made by copying the page (the demo's, or one made before the
bank used wagtail-localize) becomes synced, keeping its own text for every
segment whose source has not changed since it was translated. Nothing is
published: the translator translates what changed and submits it for
review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page
from wagtail_localize.models import (
    String,
    StringTranslation,
    Translation,
    TranslationContext,
    TranslationSource,
)

from .freshness import ensure_state, translations_of
from .segments import UNTRANSLATED_FIELDS, string_segments


@dataclass(frozen=True)
class UpdatedTranslation:
    page: Page
    translation: Translation
    #: Segments that still need translating.
    to_translate: int


def synced_translation(page: Page) -> Translation | None:
    """wagtail-localize's translation record of ``page``, while it is synced."""
    return (
        Translation.objects.filter(source__object_id=page.translation_key, target_locale_id=page.locale_id,
                                   enabled=True)
        .select_related("source", "source__locale", "target_locale").first()
    )


def take_over_existing_text(source: TranslationSource, page: Page, source_page: Page) -> int:
    """Give the synced translation of ``page`` the page's own text for every
    segment whose source text has not changed since it was translated
    (matched by segment key); the number of segments taken over."""
    state = ensure_state(page, source_page)
    translated = string_segments(page.get_latest_revision_as_object())
    taken = 0
    for key, segment in string_segments(source.as_instance()).items():
        own = translated.get(key)
        if own is None or state.source_snapshot.get(key) != segment.render_text():
            continue
        if own.render_text() == segment.render_text():
            continue  # still in the source language: left for the translator
        context = TranslationContext.objects.filter(object_id=source.object_id, path=segment.path).first()
        if context is None:
            continue
        _string_translation, created = StringTranslation.objects.get_or_create(
            translation_of=String.from_value(source.locale, segment.string), locale=page.locale, context=context,
            defaults={"data": own.string.data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                      "tool_name": "", "has_error": False, "field_error": ""},
        )
        taken += created
    return taken


def keep_untranslated_fields(translation: Translation) -> int:
    """Give the fields that stay in the source language (the slug) their
    source text in ``translation``, so that a machine translating "everything
    left" does not translate them (a slug would no longer be valid); the
    number of segments so kept."""
    kept = 0
    segments = translation.source.stringsegment_set.filter(context__path__in=UNTRANSLATED_FIELDS)
    for segment in segments.select_related("string"):
        _string_translation, created = StringTranslation.objects.get_or_create(
            translation_of_id=segment.string_id, locale=translation.target_locale, context_id=segment.context_id,
            defaults={"data": segment.string.data, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                      "tool_name": "", "has_error": False, "field_error": ""},
        )
        kept += created
    return kept


def left_to_translate(translation: Translation) -> int:
    total, translated = translation.get_progress()
    return total - translated


@transaction.atomic
def update_translations(source_page: Page, pages: list[Page] | None = None) -> list[UpdatedTranslation]:
    """Take ``source_page``'s current text for its translations (``pages``, or
    all of them) and make each a synced translation."""
    source_page = source_page.specific
    source, created = TranslationSource.get_or_create_from_instance(source_page)
    if not created:
        source.update_from_db()
    targets = pages if pages is not None else list(translations_of(source_page).specific())
    updated = []
    for page in targets:
        translation, made = Translation.objects.get_or_create(
            source=source, target_locale=page.locale, defaults={"enabled": True}
        )
        if made or not translation.enabled:
            translation.enabled = True
            translation.save(update_fields=["enabled"])
            take_over_existing_text(source, page, source_page)
        updated.append(UpdatedTranslation(page, translation, left_to_translate(translation)))
    return updated
