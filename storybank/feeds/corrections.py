"""Corrections in partner feeds.

A page item carries every correction published on the page
(``corrections``: id, date, note, oldest first) and, when the version it
describes was published as a correction, that one as ``correction``. Each
format flags such a version (JSON Feed ``_laocai.correction``, ninjs
``ednote`` and a trust indicator, NewsML-G2 ``edNote`` and
``signal sig:correction``, Atom and RSS a ``category`` and a line in the
summary) and a push says ``"change": "correction"``. Items without
corrections carry neither field, so their payloads are as before.
"""

from __future__ import annotations

from typing import Any

#: A push's ``change`` (and ``X-LaoCai-Change``) for a version published as a correction.
CORRECTION = "correction"


def correction_fields(page: Any, iso: Any) -> dict[str, Any]:
    """The page's corrections for its item payload (``iso`` writes dates as items do)."""
    corrections = getattr(page, "published_corrections", None) or []
    if not corrections:
        return {}
    notes = [{"id": c.pk, "date": iso(c.published_at), "note": c.note} for c in corrections]
    fields: dict[str, Any] = {"corrections": notes}
    for correction, note in zip(corrections, notes, strict=True):
        if correction.revision_id is not None and correction.revision_id == page.live_revision_id:
            fields["correction"] = note
    return fields


def correction_of(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The correction the version in ``payload`` was published with, if any."""
    return (payload or {}).get("correction")
