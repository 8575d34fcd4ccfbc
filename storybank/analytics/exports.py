"""The annual report as CSV and as an Excel workbook.

CSV: UTF-8 with a byte-order mark (Excel then reads the Vietnamese names
right), one header row, one row per unit, the totals last; shares and growth
as percentages with one decimal, so the file reads the same in any program.
XLSX: the same table on the first sheet (header frozen, shares formatted as
percentages), the province's figures by month on the second and what the
figures mean on the third.
"""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .annual_report import COLUMNS, AnnualReport, Column, UnitRow
from .charts import format_percent
from .models import KPI_METRICS, Metric
from .reports import Filters, Period, by_month, growth_target


def _csv_value(column: Column, row: UnitRow) -> Any:
    value = column.value(row)
    if column.kind == "share":
        return "" if value is None else f"{value * 100:.1f}"
    if column.kind == "yesno":
        return "" if value is None else (_("Yes") if value else _("No"))
    return value


def report_csv(report: AnnualReport) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) + (" (%)" if column.kind == "share" else "") for column in COLUMNS])
    for row in [*report.rows, report.total]:
        writer.writerow([_csv_value(column, row) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_value(column: Column, row: UnitRow) -> Any:
    value = column.value(row)
    if column.kind == "yesno":
        return None if value is None else (_("Yes") if value else _("No"))
    return value


def report_xlsx(report: AnnualReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report %(year)s") % {"year": report.year}
    bold = Font(bold=True)
    sheet.append([str(column.label) for column in COLUMNS])
    for row in report.rows:
        sheet.append([_xlsx_value(column, row) for column in COLUMNS])
    sheet.append([_xlsx_value(column, report.total) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 42 if index == 1 else max(14, min(len(str(column.label)) + 2, 30))
        if column.kind in ("share",):
            for cell in sheet[letter][1:]:
                cell.number_format = "0.0%"
        elif column.kind == "int":
            for cell in sheet[letter][1:]:
                cell.number_format = "#,##0"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{sheet.max_row - 1}"

    months = workbook.create_sheet(_("By month"))
    labels = dict(Metric.choices)
    months.append([_("Month"), *[str(labels[metric]) for metric in KPI_METRICS]])
    figures = by_month(Filters(year=report.year), report.period)
    for month in range(1, 13):
        months.append([f"{report.year}-{month:02d}", *[figures[month][metric] for metric in KPI_METRICS]])
    months.append([_("Total"), *[sum(figures[m][metric] for m in range(1, 13)) for metric in KPI_METRICS]])
    for cell in (*months[1], *months[months.max_row]):
        cell.font = bold
    for index in range(1, len(KPI_METRICS) + 2):
        months.column_dimensions[get_column_letter(index)].width = 20

    about = workbook.create_sheet(_("About"))
    for line in _about(report):
        about.append(line)
    about.column_dimensions["A"].width = 40
    about.column_dimensions["B"].width = 90

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _last_day(period: Period) -> str:
    return (period.end - datetime.timedelta(days=1)).isoformat()


def _about(report: AnnualReport) -> list[list[str]]:
    target = format_percent(growth_target() * 100, signed=True)
    return [
        [_("Lào Cai Story: annual report per contributing unit"), str(report.year)],
        [_("Period counted"), f"{report.period.start.isoformat()} – {_last_day(report.period)}"],
        [_("Compared with"), f"{report.previous_period.start.isoformat()} – {_last_day(report.previous_period)}"],
        [_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [_("Items published"), _("Stories, OCOP products and culture entries first published in the year and "
                                  "public today, counted once whatever their languages.")],
        [_("Translations published"), _("Other language versions of an item first published in the year and "
                                         "public today.")],
        [_("Reach"), _("Page views by people (robots, previews and editors excluded), downloads of renditions, "
                       "originals and press kits, deliveries of the unit's items to partners.")],
        [_("Growth target"), _("The plan's target: %(target)s a year, against the same period of the previous "
                               "year.") % {"target": target}],
    ]
