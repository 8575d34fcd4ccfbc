"""An item's translation status as the formats carry it (``payload["translation"]``,
built by ``ItemBuilder.translation_status_of``): JSON Feed keeps it whole in
``_laocai``; ninjs and NewsML-G2 put it in their own fields (an editorial note
in the item's language, the source as an info source or link, the machine as
a party, and signals)."""

from __future__ import annotations

from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _

from storybank.core.i18n import language_name_translated

from .base import parse_iso


def translation_of(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The status of a translated item (``None`` for originals, assets and tombstones)."""
    status = payload.get("translation") or {}
    return None if status.get("original", True) else status


def note(payload: dict[str, Any]) -> str:
    """What the item's readers are told about it as a translation, in the item's language."""
    status = translation_of(payload)
    if status is None:
        return ""
    with translation.override(payload["language"]):
        source = language_name_translated(status["source_language"])
        moment = parse_iso(status.get("translated_at"), None)
        date = formats.date_format(moment, "DATE_FORMAT") if moment else ""
        if status.get("source_changed"):
            sentences = [_("Translated from %(source)s on %(date)s; the %(source)s original has been updated since.")
                         % {"source": source, "date": date}]
        else:
            sentences = [_("Translated from %(source)s on %(date)s.") % {"source": source, "date": date}]
        if status.get("method") == "machine":
            sentences.append(_("This page was translated by machine and has not yet been checked by a person."))
        elif status.get("method") == "machine-reviewed":
            sentences.append(_("This page was translated by machine and checked by a person."))
        elif status.get("reviewed"):
            sentences.append(_("Its translation was reviewed by a person."))
    return " ".join(sentences)


def signals(payload: dict[str, Any]) -> list[str]:
    """Codes (scheme ``lctrans``) of what partners may need to act on."""
    status = translation_of(payload)
    if status is None:
        return []
    found = ["translation"]
    if status.get("source_changed"):
        found.append("source-changed")
    if status.get("method") == "machine":
        found.append("machine-unreviewed")
    return found
