"""What every format says about corrections and retractions: the version
published as a correction (its note, as a line readers can show) and the
retraction notice of a tombstone."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..corrections import correction_of
from ..retractions import notice_of
from .base import LAOCAI_NS, Row, parse_iso

#: Category scheme of the kind of change a version is (Atom, RSS), and the IPTC signal of a correction.
CHANGE_SCHEME = f"{LAOCAI_NS}change"
IPTC_CORRECTION_SIGNAL = "http://cv.iptc.org/newscodes/signal/correction"


def correction(row: Row) -> dict[str, Any] | None:
    """The correction the version in ``row`` was published with, if any."""
    return correction_of(row.payload) if row.present else None


def retraction(row: Row) -> dict[str, Any] | None:
    """The retraction notice of a tombstone, if the item was retracted."""
    return None if row.present else notice_of(row.payload)


def correction_label(language: str) -> str:
    with translation.override(language):
        return _("Correction")


def correction_line(payload: dict[str, Any], note: dict[str, Any]) -> str:
    """“Correction (7 December 2026): …” in the item's language, for summaries."""
    language = payload["language"]
    with translation.override(language):
        day = date_format(timezone.localtime(parse_iso(note["date"], None)), "DATE_FORMAT") if note.get("date") else ""
        if day:
            return _("Correction (%(date)s): %(note)s") % {"date": day, "note": note["note"]}
        return _("Correction: %(note)s") % {"note": note["note"]}


def summary_with_correction(row: Row) -> str:
    """The item's summary, opened by the correction line when the version is a correction."""
    summary = row.payload.get("summary") or ""
    note = correction(row)
    if note is None:
        return summary
    line = correction_line(row.payload, note)
    return f"{line}\n\n{summary}" if summary else line
