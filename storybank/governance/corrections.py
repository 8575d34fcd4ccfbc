"""Corrections: publishing a version of a page with a note that says what
was wrong and what is right, in the page's language.

The note is written for the page's next version (:func:`write_note`) and
stays pending until a version of the page goes live; it is then published
with it (:func:`publish_pending_note`, called by ``GovernedPage.publish``),
whoever publishes: the editor at once (:func:`publish_correction`) or the
last approval of a review (:func:`submit_correction`). That publication is
announced as ``Change.CORRECTED`` (the page type says so through
:func:`published_with`), so partners receive the version flagged as a
correction with its note, and readers see the notes under the text. Each
published correction is recorded in the site history: who wrote it, who
approved and published it, the note.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter, log

from storybank.core.text import nfc

from .audit import acting_person, person_name
from .models import Correction

CORRECTION_ACTION = "storybank.correction"


def pending_note(page: Any) -> Correction | None:
    """The note waiting for the page's next published version, if any."""
    return Correction.objects.filter(page_id=page.pk, published_at__isnull=True).first()


def published_corrections(page: Any) -> list[Correction]:
    """The page's published corrections, oldest first (as readers see them)."""
    return list(Correction.objects.filter(page_id=page.pk, published_at__isnull=False).order_by("published_at", "pk"))


def published_with(page: Any, revision: Any) -> Correction | None:
    """The correction published with ``revision`` of ``page``, if that version is a correction."""
    if revision is None:
        return None
    return Correction.objects.filter(page_id=page.pk, revision_id=revision.pk, published_at__isnull=False).first()


def write_note(page: Any, note: str, user: Any) -> Correction:
    """Write (or rewrite) the note the page's next published version carries."""
    note = nfc(note).strip()
    if not note:
        raise ValueError("A correction needs a note.")
    pending = pending_note(page)
    if pending is None:
        pending = Correction(page_id=page.pk)
    pending.note, pending.written_by, pending.written_at = note, acting_person(user), timezone.now()
    pending.save()
    return pending


def discard_note(page: Any) -> int:
    """Drop the pending note (the next version is an ordinary update)."""
    return Correction.objects.filter(page_id=page.pk, published_at__isnull=True).delete()[0]


def publish_pending_note(page: Any, revision: Any, user: Any = None) -> Correction | None:
    """Called as ``revision`` of ``page`` is published: the pending note, if
    any, is published with it and recorded in the site history. A version
    scheduled for later keeps its note pending until it goes live."""
    pending = pending_note(page)
    if pending is None:
        return None
    candidate = revision.as_object()
    if candidate.go_live_at and candidate.go_live_at > timezone.now():
        return None
    pending.revision, pending.published_at, pending.published_by = revision, timezone.now(), acting_person(user)
    pending.save(update_fields=["revision", "published_at", "published_by"])
    log(instance=page, action=CORRECTION_ACTION, user=acting_person(user), revision=revision, data={
        "note": pending.note,
        "written_by": person_name(pending.written_by),
        "approved_by": person_name(pending.published_by),
        "correction": pending.pk,
    })
    return pending


def publish_correction(page: Any, note: str, user: Any) -> Correction:
    """Publish the page's latest version (the corrected draft) with ``note``,
    as ``user``, who must be allowed to publish it."""
    with transaction.atomic():
        write_note(page, note, user)
        revision = page.get_latest_revision() or page.save_revision(user=user)
        revision.publish(user=user)
    return Correction.objects.get(page_id=page.pk, revision=revision, published_at__isnull=False)


def submit_correction(page: Any, note: str, user: Any) -> Correction:
    """Write the note and send the latest version to review: the approval
    that publishes it publishes the correction (sensitive items, or people
    who may not publish themselves)."""
    with transaction.atomic():
        correction = write_note(page, note, user)
        if page.current_workflow_state is None:
            workflow = page.get_workflow()
            if workflow is None:
                raise ValueError("This page has no review workflow.")
            page.get_latest_revision() or page.save_revision(user=user)
            workflow.start(page, user)
    return correction




class CorrectionFormatter(LogFormatter):
    label = gettext_lazy("Publish with a correction")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        message = _("Published with a correction: “%(note)s”") % {"note": data.get("note", "")}
        if data.get("written_by") and data.get("written_by") != data.get("approved_by"):
            message += " " + _("(written by %(person)s)") % {"person": data["written_by"]}
        return message
