"""Keeping each translation's state true.

A translation is *out of date* once its source is published with text that
differs from the text the translation was made from. The bank keeps that
text with each translation (``TranslationState.source_snapshot``) and
compares it with the source every time either page is published:

* the source is published: every translation of it is compared again, and
  those whose state changed are announced (``content_changed``), so their
  pages, search entries and feed items say so;
* a translation is published: if the published revision was written by
  wagtail-localize (the translation editor, "Submit for review"), the text
  it was made from becomes the translation's new basis, with its method
  (human, machine) and whether a person approved it in review.

Translations made before the bank kept states (and plain copies) get one
the first time either page is published, dated from the source text that
was live when the translation was last published (Wagtail's publication log).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry, Revision, TaskState
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource

from storybank.core.models import content_page_models

from .models import MachineTextEdit, TranslationBasis, TranslationMethod, TranslationState
from .segments import UNTRANSLATED_FIELDS, changed_segments, segment_texts

# --- who is whose source -----------------------------------------------------------------------


def source_locale_for(page: Page) -> Locale:
    """The language a page's translation group is translated from: the one
    wagtail-localize tracks as its source, else the default language."""
    source = TranslationSource.objects.filter(object_id=page.translation_key).select_related("locale").order_by(
        "pk").first()
    return source.locale if source is not None else Locale.get_default()


def source_page_of(page: Page) -> Page | None:
    """The page ``page`` is a translation of (``None`` for a source or a page with no source)."""
    locale = source_locale_for(page)
    if page.locale_id == locale.pk or page.alias_of_id:
        return None
    # Asked of the page type's own table: a source being deleted has lost its row there before its Page row goes.
    model = page.specific_class or Page
    return model.objects.filter(translation_key=page.translation_key, locale=locale).first()


def translations_of(source: Page) -> Any:
    """The translations of ``source`` (aliases are not translations)."""
    return source.get_translations().filter(alias_of__isnull=True)


# --- the source's text ---------------------------------------------------------------------------------


def live_text(page: Page) -> dict[str, str]:
    """The text segments of ``page`` as the public sees it (the page row holds the live content)."""
    return segment_texts(page.specific)


def text_published_at(page: Page, moment: datetime.datetime) -> dict[str, str]:
    """The text segments of ``page`` as published at ``moment``, from Wagtail's publication log."""
    entry = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish", timestamp__lte=moment,
                                    revision__isnull=False)
        .select_related("revision").order_by("-timestamp", "-pk").first()
    )
    return segment_texts(entry.revision.as_object()) if entry is not None else live_text(page)


# --- states ---------------------------------------------------------------------------------------------


def compare(state: TranslationState, current: dict[str, str], when: datetime.datetime | None) -> bool:
    """Compare the source text ``current`` (published at ``when``) with what
    the translation was made from; True when the state changed. An out-of-date
    translation stays dated from the first change."""
    changes = changed_segments(state.source_snapshot, current)
    changed_at = (state.source_changed_at or when or timezone.now()) if changes else None
    if changes == state.changes and changed_at == state.source_changed_at:
        return False
    state.changes, state.source_changed_at = changes, changed_at
    return True


def ensure_state(page: Page, source: Page) -> TranslationState:
    """The state of translation ``page``, made (and saved) on first use."""
    state = TranslationState.objects.filter(page=page).first()
    if state is not None:
        if state.source_id != source.pk:
            state.source = source
            state.save(update_fields=["source"])
        return state
    made = page.last_published_at or page.latest_revision_created_at or timezone.now()
    snapshot = text_published_at(source, made)
    state = TranslationState(page=page, source=source, source_snapshot=snapshot, synced_at=made,
                             segment_count=len(snapshot))
    compare(state, live_text(source), source.last_published_at)
    state.save()
    return state


def state_of(page: Page) -> TranslationState | None:
    """The state of ``page`` if it is a translation (made when missing)."""
    source = source_page_of(page)
    return ensure_state(page, source) if source is not None else None


def source_published(source: Page) -> list[Page]:
    """``source`` was published: compare each of its translations again;
    the translations whose state changed."""
    current = live_text(source)
    changed = []
    for page in translations_of(source).specific():
        state = ensure_state(page, source)
        if compare(state, current, source.last_published_at):
            state.save()
            changed.append(page)
    return changed


def approval_of(revision: Revision | None) -> TaskState | None:
    """The review approval of ``revision`` by a person, if it was approved in a workflow."""
    if revision is None:
        return None
    return (TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
            .select_related("finished_by").order_by("-finished_at").first())


def translation_published(page: Page, source: Page) -> TranslationState:
    """Translation ``page`` was published: take the basis of its live
    revision (when wagtail-localize wrote it), its review, and compare again."""
    state = ensure_state(page, source)
    revision = page.live_revision
    basis = TranslationBasis.objects.filter(revision=revision).first() if revision is not None else None
    if basis is not None:
        state.source_snapshot = basis.source_snapshot
        state.synced_at = basis.source_taken_at
        state.segment_count = len(basis.source_snapshot)
        state.method, state.machine_tool = basis.method, basis.machine_tool
        state.changes, state.source_changed_at = [], None
    approval = approval_of(revision)
    if approval is not None:
        state.reviewed_at, state.reviewed_by = approval.finished_at, approval.finished_by
        if state.method == TranslationMethod.MACHINE:
            state.method = TranslationMethod.MACHINE_REVIEWED
    elif basis is not None:
        state.reviewed_at, state.reviewed_by = None, None
    compare(state, live_text(source), source.last_published_at)
    state.save()
    return state


def page_published(page: Page) -> list[Page]:
    """``page`` was published (or may look different): bring the states
    around it up to date; the *other* pages whose state changed."""
    source = source_page_of(page)
    if source is not None:
        translation_published(page, source)
        return []
    return source_published(page)


# --- what revisions are made from ----------------------------------------------------------------------


@dataclass(frozen=True)
class MachineShare:
    """How much of a translation's text a machine wrote, as wagtail-localize holds its segments."""

    #: Segments still as the machine wrote them.
    machine: int
    #: Segments of machine text a person then edited.
    edited: int
    #: Segments not translated yet.
    untranslated: int
    #: The machine's name.
    tool: str

    @property
    def method(self) -> str:
        """Machine text no person touched is machine; machine text a person
        edited is reviewed; text no machine wrote is human."""
        if self.edited:
            return TranslationMethod.MACHINE_REVIEWED
        return TranslationMethod.MACHINE if self.machine else TranslationMethod.HUMAN


def machine_share(source: TranslationSource, locale: Locale) -> MachineShare:
    """How much of ``source``'s translation into ``locale`` a machine wrote."""
    translations = StringTranslation.objects.filter(
        translation_of_id=OuterRef("string_id"), context_id=OuterRef("context_id"), locale=locale, has_error=False,
    )
    edits = MachineTextEdit.objects.filter(
        string_translation__translation_of_id=OuterRef("string_id"),
        string_translation__context_id=OuterRef("context_id"), string_translation__locale=locale,
    )
    segments = (
        StringSegment.objects.filter(source=source).exclude(context__path__in=UNTRANSLATED_FIELDS)
        .annotate(kind=Subquery(translations.values("translation_type")[:1]),
                  tool=Subquery(translations.values("tool_name")[:1]),
                  edited_tool=Subquery(edits.values("machine_tool")[:1]), edited=Exists(edits))
        .values_list("kind", "tool", "edited", "edited_tool")
    )
    machine = [tool for kind, tool, _edited, _was in segments if kind == StringTranslation.TRANSLATION_TYPE_MACHINE]
    edited = [was for kind, _tool, was_machine, was in segments
              if was_machine and kind == StringTranslation.TRANSLATION_TYPE_MANUAL]
    untranslated = sum(1 for kind, *_rest in segments if kind is None)
    return MachineShare(machine=len(machine), edited=len(edited), untranslated=untranslated,
                        tool=next(iter(machine + edited), ""))


def record_basis(source: TranslationSource, locale: Locale, revision: Revision) -> TranslationBasis:
    """Remember what ``revision`` (of ``source``'s translation into ``locale``) was made from."""
    share = machine_share(source, locale)
    basis, _created = TranslationBasis.objects.update_or_create(
        revision=revision,
        defaults={
            "source_snapshot": segment_texts(source.as_instance()),
            "source_taken_at": source.last_updated_at,
            "method": share.method,
            "machine_tool": share.tool,
            "machine_segments": share.machine + share.edited,
            "untranslated_segments": share.untranslated,
        },
    )
    return basis


def record_machine_text_edit(segment: StringTranslation, machine_tool: str) -> MachineTextEdit:
    """A person replaced the machine text of ``segment`` (in the translation editor)."""
    edit, _created = MachineTextEdit.objects.update_or_create(
        string_translation=segment, defaults={"machine_tool": machine_tool, "edited_by": segment.last_translated_by},
    )
    return edit


def published_translation_of(revision: Revision) -> Page | None:
    """The translation page whose live revision ``revision`` already is (``None`` while it is not published)."""
    if revision.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return None  # a snippet's
    page = Page.objects.filter(pk=revision.object_id, live=True, live_revision=revision).first()
    return page.specific if page is not None and source_page_of(page) is not None else None


def ensure_all_states() -> int:
    """Give every translated content page a state (translations made before
    the bank kept states); the number made."""
    made = 0
    for model in content_page_models():
        for page in model.objects.filter(alias_of__isnull=True, translation_state__isnull=True):
            if state_of(page) is not None:
                made += 1
    return made
