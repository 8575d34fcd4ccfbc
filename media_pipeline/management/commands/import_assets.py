"""``manage.py import_assets DIR --metadata FILE.csv|FILE.xlsx --unit "Unit"``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from media_pipeline.importer import find_unit, import_assets


class Command(BaseCommand):
    help = (
        "Import a folder of photos, video, audio and documents described by a CSV or XLSX sheet "
        "(one row per file). Bad rows are reported with their row number and skipped; running it again "
        "imports nothing twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("directory", type=Path, help="folder holding the files")
        parser.add_argument("--metadata", type=Path, required=True, help="CSV (UTF-8) or XLSX sheet")
        parser.add_argument("--unit", required=True, help="contributing unit: its name or slug")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        metadata: Path = options["metadata"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder")
        if not metadata.is_file():
            raise CommandError(f"{metadata} not found")
        unit = find_unit(options["unit"])
        if unit is None:
            raise CommandError(f"unknown contributing unit “{options['unit']}” (give its name or slug)")

        def progress(rows: list) -> Any:
            return tqdm(rows, desc="import", unit="file", file=sys.stderr,
                        disable=options["no_progress"] or None, leave=False)

        def on_error(number: int, message: str) -> None:
            with tqdm.external_write_mode(file=sys.stderr):  # keeps the bar intact
                self.stderr.write(f"row {number}: {message}")

        report = import_assets(directory, metadata, unit, progress=progress, on_error=on_error)
        for number, notice in report.notices:
            self.stdout.write(f"row {number}: {notice}")
        style = self.style.SUCCESS if not report.errors else self.style.WARNING
        self.stdout.write(style(report.summary()))
