"""What a translation says about itself to visitors and partners: where it
comes from, how it was made, whether a person reviewed it and whether its
source has changed since.

States are written when pages are published (``freshness``); showing a
page never writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from wagtail.models import Page

from storybank.core.i18n import language_name_translated
from storybank.core.visibility import is_page_public

from .freshness import state_of
from .models import TranslationMethod, TranslationState


@dataclass(frozen=True)
class TranslationStatus:
    language: str
    source_page: Page
    source_language: str
    translated_at: datetime.datetime
    source_changed_at: datetime.datetime | None
    method: str
    machine_tool: str
    reviewed_at: datetime.datetime | None
    changed_segments: int
    segments: int

    @property
    def out_of_date(self) -> bool:
        return self.source_changed_at is not None

    @property
    def machine(self) -> bool:
        """Machine text no person has edited or approved yet."""
        return self.method == TranslationMethod.MACHINE

    @property
    def machine_reviewed(self) -> bool:
        return self.method == TranslationMethod.MACHINE_REVIEWED

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def source_language_name(self) -> str:
        """The source language's name in the interface language ("Vietnamese", "tiếng Việt"…)."""
        return language_name_translated(self.source_language)

    @property
    def source_public(self) -> bool:
        return is_page_public(self.source_page)

    @property
    def source_url(self) -> str:
        """The original's address, while the public may read it."""
        return self.source_page.get_full_url() if self.source_public else ""


def status_from_state(state: TranslationState) -> TranslationStatus:
    return TranslationStatus(
        language=state.page.locale.language_code,
        source_page=state.source,
        source_language=state.source.locale.language_code,
        translated_at=state.synced_at,
        source_changed_at=state.source_changed_at,
        method=state.method,
        machine_tool=state.machine_tool,
        reviewed_at=state.reviewed_at,
        changed_segments=len(state.changes),
        segments=state.segment_count,
    )


def translation_status(page: Page, *, record: bool = False) -> TranslationStatus | None:
    """The status of translation ``page`` (``None`` for an original). A
    translation the bank has no state of yet has none either, unless
    ``record`` asks to make its state now (writers do: the feeds)."""
    if page is None or page.pk is None:
        return None
    state = (TranslationState.objects.filter(page_id=page.pk)
             .select_related("page__locale", "source__locale").first())
    if state is None and record:
        state = state_of(page)
    return status_from_state(state) if state is not None else None
