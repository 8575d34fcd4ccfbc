"""Translations go through review like any other page.

wagtail-localize's translation editor can only publish, which translators
may not do. "Submit for review" writes the translation as a draft revision
of the page (the live page stays as it is) and starts the page's workflow,
the same review any page goes through; the last approval publishes it.

The reviewer sees the translation segment by segment next to the source,
with the segments that matter marked: those whose source changed since the
live translation was made, and those the translator changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from wagtail.models import Page, Revision, WorkflowState
from wagtail_localize.models import Translation

from .freshness import ensure_state, record_basis, source_page_of
from .segments import field_label, string_segments


class CannotSubmit(Exception):
    """The translation cannot be submitted (the message says why)."""


@transaction.atomic
def submit_for_review(translation: Translation, user: Any) -> Revision:
    """Save ``translation`` as a draft revision of its page and send the page
    to its review (starting, resuming or restarting its workflow)."""
    instance = translation.source.get_ephemeral_translated_instance(translation.target_locale, fallback=True)
    page = Page.objects.get(pk=instance.pk).specific
    workflow = page.get_workflow()
    if workflow is None:
        raise CannotSubmit("no-workflow")
    revision = instance.save_revision(user=user)
    record_basis(translation.source, translation.target_locale, revision)
    page = Page.objects.get(pk=instance.pk).specific
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        if state is not None:
            state.cancel(user=user)
        workflow.start(page, user)
    return revision


@dataclass(frozen=True)
class ReviewRow:
    key: str
    field: str
    source: str
    translation: str
    #: The source text changed since the live translation was made.
    source_changed: bool
    #: The translator changed this segment (it differs from the live translation).
    translation_changed: bool
    #: Still in the source language.
    untranslated: bool

    @property
    def marked(self) -> bool:
        return self.source_changed or self.translation_changed or self.untranslated


def review_rows(page: Page) -> list[ReviewRow]:
    """Each text segment of translation ``page``'s latest revision next to its
    source, marked where the reviewer should look."""
    source = source_page_of(page)
    if source is None:
        return []
    source = source.specific
    state = ensure_state(page, source)
    model = type(page.specific)
    draft = string_segments(page.get_latest_revision_as_object())
    live = string_segments(page.specific)
    rows = []
    for key, segment in string_segments(source).items():
        text = segment.render_text()
        translated = draft[key].render_text() if key in draft else ""
        before = live[key].render_text() if key in live else ""
        rows.append(ReviewRow(
            key=key, field=field_label(model, key.split(".", 1)[0].split("#", 1)[0]), source=text,
            translation=translated, source_changed=state.source_snapshot.get(key) != text,
            translation_changed=translated != before, untranslated=not translated or translated == text,
        ))
    return rows
