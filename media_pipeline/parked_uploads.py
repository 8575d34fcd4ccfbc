"""Uploads Wagtail's multiple uploader parks until their form is completed.

When an upload's required details (credit, licence…) are missing, Wagtail
keeps the raw file as an ``UploadedFile`` under ``wagtail_uploads/`` until
the editor completes the form (``forms.SafeImageForm`` then ingests it). The
raw file still carries its GPS position, so it is never served (``/media/``
knows no asset for it) and it does not stay: every new parked upload first
deletes those older than ``MEDIA_PARKED_UPLOAD_HOURS`` (24), and
``manage.py purge_parked_uploads`` does the same from a schedule.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import UploadedFile

logger = logging.getLogger(__name__)


def purge_parked_uploads(*, older_than: datetime.timedelta | None = None) -> int:
    """Delete parked uploads (file and row) older than ``older_than``; returns how many."""
    if older_than is None:
        older_than = datetime.timedelta(hours=int(getattr(settings, "MEDIA_PARKED_UPLOAD_HOURS", 24)))
    cutoff = timezone.now() - older_than
    purged = 0
    for upload in UploadedFile.objects.order_by("pk"):
        name = upload.file.name
        try:
            stale = not name or upload.file.storage.get_modified_time(name) < cutoff
        except (FileNotFoundError, OSError):
            stale = True  # the file is gone already: drop the row
        if not stale:
            continue
        try:
            if name:
                upload.file.storage.delete(name)
        except Exception:  # the row goes anyway; a stray file is logged
            logger.warning("Could not delete the parked upload %s", name, exc_info=True)
        upload.delete()
        purged += 1
    return purged


def purge_when_parking(sender: type, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
    """A new parked upload clears out the stale ones once it has committed."""
    if created and not raw:
        transaction.on_commit(purge_parked_uploads)
