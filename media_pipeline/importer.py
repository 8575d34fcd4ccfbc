"""Bulk import of a folder of photos, clips and documents with a metadata sheet.

One row per file (CSV in UTF-8, or the first sheet of an XLSX workbook); the
header is row 1, so the first file is row 2, as a spreadsheet shows it. Each
good row is stored in its own transaction through the same ingest as the
admin; a bad row is reported with its number and skipped. Files are found
again by SHA-256, so running the import twice (or again after it was
interrupted) adds nothing twice.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from storybank.core.choices import ConsentStatus, Licence
from storybank.core.text import nfc
from storybank.settings.languages import CONTENT_LANGUAGES, DEFAULT_LANGUAGE
from storybank.taxonomy.models import ContributingUnit, EthnicGroup, Place

from .errors import IngestError
from .ingest import IngestResult, describe, ingest_image, ingest_media

IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "tif", "tiff", "bmp", "svg"}

LICENCE_ALIASES = {
    "cc by": Licence.CC_BY, "cc-by": Licence.CC_BY, "cc by 4.0": Licence.CC_BY,
    "cc by-sa": Licence.CC_BY_SA, "cc-by-sa": Licence.CC_BY_SA, "cc by-sa 4.0": Licence.CC_BY_SA,
    "cc0": Licence.CC0, "public domain": Licence.CC0,
    "gov": Licence.GOV_REUSE, "government": Licence.GOV_REUSE,
    "press": Licence.PRESS_ONLY, "press only": Licence.PRESS_ONLY,
}
CONSENT_ALIASES = {"": ConsentStatus.NOT_APPLICABLE, "yes": ConsentStatus.OBTAINED, "no": ConsentStatus.MISSING,
                   "n/a": ConsentStatus.NOT_APPLICABLE}


class RowError(Exception):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    rows: int = 0
    imported: list[tuple[int, Any]] = field(default_factory=list)
    already: list[tuple[int, Any]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(rows)s rows: %(imported)s imported, %(already)s already in the bank, %(refused)s refused") % {
            "rows": self.rows, "imported": len(self.imported), "already": len(self.already),
            "refused": len(self.errors),
        }


# --- reading the sheet -------------------------------------------------------


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column: value}) for every non-empty row of a CSV or XLSX file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from read_xlsx(path)
    else:
        yield from read_csv(path)


def header_key(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_")


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [header_key(cell) for cell in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            if any(cell.strip() for cell in cells):
                yield number, dict(zip(header, cells, strict=False))


def read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [header_key(cell) for cell in next(rows, ())]
        for number, cells in enumerate(rows, start=2):
            if any(cell not in (None, "") for cell in cells):
                yield number, dict(zip(header, cells, strict=False))
    finally:
        workbook.close()


# --- one row -------------------------------------------------------------------


def text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value).strip())


def parse_choice(value: str, choices: type, aliases: dict[str, str], message: str) -> str:
    """A value of ``choices`` from its stable value or a friendly alias, or :class:`RowError`."""
    key = value.strip().lower()
    if key in choices.values:
        return key
    if key in aliases:
        return aliases[key]
    raise RowError(message % {"value": value, "known": ", ".join(choices.values)})


def parse_licence(value: str) -> str:
    return parse_choice(value, Licence, LICENCE_ALIASES, _("unknown licence “%(value)s” (use one of: %(known)s)"))


def parse_consent(value: str) -> str:
    return parse_choice(value, ConsentStatus, CONSENT_ALIASES, _("unknown consent “%(value)s” (use %(known)s)"))


def parse_date(value: Any, column: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise RowError(_("%(column)s must be a date like 2030-12-31, not “%(value)s”") % {
            "column": column, "value": value}) from None


def parse_datetime(value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time(12, 0))
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise RowError(_("captured_at must be a date or date-time like 2025-09-14 07:30, not “%(value)s”") % {
                "value": value}) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def find_place(slug: str) -> Place | None:
    if not slug:
        return None
    place = Place.objects.filter(slug=slug, locale__language_code=DEFAULT_LANGUAGE).first()
    if place is None:
        raise RowError(_("unknown place “%(slug)s”") % {"slug": slug})
    return place


def find_groups(value: str) -> list[EthnicGroup]:
    slugs = [slug.strip() for slug in value.replace(";", ",").split(",") if slug.strip()]
    groups = {group.slug: group for group in EthnicGroup.objects.filter(
        slug__in=slugs, locale__language_code=DEFAULT_LANGUAGE)}
    missing = [slug for slug in slugs if slug not in groups]
    if missing:
        raise RowError(_("unknown ethnic group “%(slugs)s”") % {"slugs": ", ".join(missing)})
    return [groups[slug] for slug in slugs]


def localized_text(row: dict[str, Any]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for code, _english, _local in CONTENT_LANGUAGES:
        if code == DEFAULT_LANGUAGE:
            continue
        values = {key: text(row, f"{key}_{code}") for key in ("alt", "caption")}
        values = {key: value for key, value in values.items() if value}
        if values:
            texts[code] = values
    return texts


def resolve_file(directory: Path, filename: str) -> Path:
    if not filename:
        raise RowError(_("the filename column is empty"))
    path = (directory / filename).resolve()
    if not path.is_relative_to(directory.resolve()):
        raise RowError(_("“%(name)s” is outside the folder being imported") % {"name": filename})
    if not path.is_file():
        path = same_name_in_another_form(directory.resolve(), path.relative_to(directory.resolve()))
    if path is None or not path.is_file():
        raise RowError(_("file “%(name)s” not found in the folder") % {"name": filename})
    return path


def same_name_in_another_form(directory: Path, relative: Path) -> Path | None:
    """The file whose name is ``relative`` once both are NFC: macOS writes
    Vietnamese names decomposed (NFD, "ệ" as "e" + two marks), the sheet has
    them composed."""
    found = directory
    for part in relative.parts:
        wanted = nfc(part)
        try:
            found = next(entry for entry in found.iterdir() if nfc(entry.name) == wanted)
        except (StopIteration, NotADirectoryError, FileNotFoundError):
            return None
    return found


def import_row(directory: Path, row: dict[str, Any], unit: ContributingUnit) -> IngestResult:
    """Validate one row and ingest its file, or raise :class:`RowError`."""
    filename = text(row, "filename")
    path = resolve_file(directory, filename)
    credit = text(row, "credit")
    if not credit:
        raise RowError(_("credit is missing"))
    licence_value = text(row, "licence") or text(row, "license")
    if not licence_value:
        raise RowError(_("licence is missing"))
    metadata = {
        "credit": credit,
        "licence": parse_licence(licence_value),
        "source_unit": unit,
        "caption": text(row, "caption"),
        "place": find_place(text(row, "place")),
        "consent_status": parse_consent(text(row, "consent")),
        "rights_expire_on": parse_date(row.get("rights_expire_on"), "rights_expire_on"),
        "captured_at": parse_datetime(row.get("captured_at")),
        "localized_text": localized_text(row),
    }
    groups = find_groups(text(row, "ethnic_groups"))
    title = text(row, "title") or path.stem
    extension = path.suffix.lower().lstrip(".")
    try:
        if extension in IMAGE_EXTENSIONS:
            return ingest_image(path, filename=filename, title=title, ethnic_groups=groups,
                                description=text(row, "alt_text"), **metadata)
        return ingest_media(path, filename=filename, title=title, ethnic_groups=groups, **metadata)
    except IngestError as exc:
        raise RowError(f"{filename}: {exc.message}") from None


def find_unit(value: str) -> ContributingUnit | None:
    value = nfc(value.strip())
    return ContributingUnit.objects.filter(slug=value).first() or ContributingUnit.objects.filter(
        name__iexact=value).first()


def import_assets(
    directory: Path,
    metadata: Path,
    unit: ContributingUnit,
    *,
    progress: Callable[[Iterator], Iterator] = iter,
    on_error: Callable[[int, str], None] = lambda number, message: None,
) -> ImportReport:
    """Import every row of ``metadata``; files are looked up in ``directory``."""
    report = ImportReport()
    rows = list(read_rows(metadata))
    for number, row in progress(rows):
        report.rows += 1
        try:
            result = import_row(directory, row, unit)
        except RowError as exc:
            report.errors.append((number, str(exc)))
            on_error(number, str(exc))
            continue
        if result.created:
            report.imported.append((number, result.asset))
            if result.near_duplicates:
                report.notices.append((number, _("looks very like %(list)s") % {
                    "list": describe(result.near_duplicates)}))
        else:
            report.already.append((number, result.asset))
    return report
