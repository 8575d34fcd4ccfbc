"""``manage.py purge_parked_uploads``: delete uploads the multiple uploader
parked and nobody completed (older than ``MEDIA_PARKED_UPLOAD_HOURS``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from media_pipeline.parked_uploads import purge_parked_uploads


class Command(BaseCommand):
    help = "Delete parked uploads (raw files awaiting their details) older than MEDIA_PARKED_UPLOAD_HOURS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=None, help="Age limit in hours (default: the setting).")

    def handle(self, *args: Any, hours: int | None = None, **options: Any) -> None:
        older_than = datetime.timedelta(hours=hours) if hours is not None else None
        purged = purge_parked_uploads(older_than=older_than)
        self.stdout.write(self.style.SUCCESS(f"{purged} parked upload(s) deleted."))
