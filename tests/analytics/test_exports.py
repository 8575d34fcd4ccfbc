"""The annual report per contributing unit, downloaded over HTTP as XLSX
(opened with openpyxl) and CSV: a header row, one row per unit, the totals;
every figure checked against the pages and the counters."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from storybank.analytics.annual_report import COLUMNS
from storybank.analytics.models import DailyCount, Metric
from storybank.core.models import content_page_models
from storybank.core.visibility import public_pages
from storybank.taxonomy.models import ContributingUnit

pytestmark = pytest.mark.django_db

KEYS = [column.key for column in COLUMNS]


def export(client, year: int, kind: str):
    response = client.get(reverse("analytics:annual_report", args=[year, kind]))
    assert response.status_code == 200, response.status_code
    assert f"annual-report-{year}" in response["Content-Disposition"]
    return response


def expected_labels(response) -> list[str]:
    with translation.override(response.get("Content-Language") or "vi"):
        return [str(column.label) for column in COLUMNS]


def published_in(unit: ContributingUnit, year: int, *, translations: bool) -> dict[str, int]:
    """Public content pages of ``unit`` first published in ``year``: Vietnamese
    originals (the demo writes every item in Vietnamese first) or translations."""
    counts = {}
    for model in content_page_models():
        pages = public_pages(model.objects.filter(contributing_unit=unit, alias_of__isnull=True))
        pages = pages.filter(first_published_at__gte=timezone.make_aware(datetime.datetime(year, 1, 1)),
                             first_published_at__lt=timezone.make_aware(datetime.datetime(year + 1, 1, 1)))
        pages = pages.exclude(locale__language_code="vi") if translations else pages.filter(locale__language_code="vi")
        counts[model.kind] = pages.count()
    return counts


def page_views(unit_id, start: datetime.date, end: datetime.date) -> int:
    rows = DailyCount.objects.filter(metric=Metric.PAGE_VIEW, unit_id=unit_id, day__gte=start, day__lte=end)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def test_the_xlsx_report_opens_with_a_header_a_row_per_unit_and_totals(demo, admin_client):
    year = timezone.localdate().year
    response = export(admin_client, year, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == expected_labels(response)

    units = list(ContributingUnit.objects.order_by("name"))
    body, total = rows[1:-1], rows[-1]
    assert [row[0] for row in body[: len(units)]] == [unit.name for unit in units]
    extra = body[len(units):]  # pages without a unit (home page, sections) have views too
    assert len(extra) == 1 and extra[0][KEYS.index("stories")] == 0
    with translation.override(response.get("Content-Language") or "vi"):
        assert total[0] == translation.gettext("Total")

    today = timezone.localdate()
    try:
        same_day_last_year = today.replace(year=year - 1)
    except ValueError:  # 29 February
        same_day_last_year = today.replace(year=year - 1, day=28)
    for unit, row in zip(units, body, strict=False):
        values = dict(zip(KEYS, row, strict=True))
        originals = published_in(unit, year, translations=False)
        assert (values["stories"], values["products"], values["culture"]) == (
            originals["story"], originals["product"], originals["culture"])
        assert values["items"] == sum(originals.values())
        assert values["translations"] == sum(published_in(unit, year, translations=True).values())
        assert values["page_views"] == page_views(unit.pk, datetime.date(year, 1, 1), today)
        assert values["page_views_previous"] == page_views(unit.pk, datetime.date(year - 1, 1, 1),
                                                          same_day_last_year)
        assert values["growth"] == pytest.approx(values["page_views"] / values["page_views_previous"] - 1)
    assert sum(row[KEYS.index("items")] for row in body) == total[KEYS.index("items")] > 0
    for key in ("stories", "translations", "page_views", "page_views_previous", "downloads", "push_deliveries"):
        assert total[KEYS.index(key)] == sum(row[KEYS.index(key)] for row in body), key
    assert total[KEYS.index("page_views")] == page_views(None, datetime.date(year, 1, 1), today) + sum(
        page_views(unit.pk, datetime.date(year, 1, 1), today) for unit in units)
    assert sheet.freeze_panes == "B2"
    assert sheet.cell(row=2, column=KEYS.index("foreign_share") + 1).number_format == "0.0%"

    months = workbook.worksheets[1]
    month_rows = list(months.iter_rows(values_only=True))
    assert len(month_rows) == 1 + 12 + 1
    assert month_rows[-1][1] == total[KEYS.index("page_views")]  # page views of every month add up to the total


def test_the_csv_report_has_the_same_rows(demo, admin_client):
    year = timezone.localdate().year
    response = export(admin_client, year, "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Vietnamese names right
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    labels = expected_labels(response)
    assert [header.removesuffix(" (%)") for header in rows[0]] == labels
    workbook = load_workbook(io.BytesIO(export(admin_client, year, "xlsx").content))
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows) == len(sheet_rows)
    for csv_row, sheet_row in zip(rows[1:], sheet_rows[1:], strict=True):
        assert csv_row[0] == sheet_row[0]
        for key in ("items", "translations", "page_views", "downloads", "push_deliveries"):
            assert int(csv_row[KEYS.index(key)]) == sheet_row[KEYS.index(key)]
        share = sheet_row[KEYS.index("foreign_share")]
        assert csv_row[KEYS.index("foreign_share")] == ("" if share is None else f"{share * 100:.1f}")


def test_a_past_year_counts_whole_years(demo, admin_client):
    year = timezone.localdate().year - 1
    rows = list(load_workbook(io.BytesIO(export(admin_client, year, "xlsx").content)).worksheets[0]
                .iter_rows(values_only=True))
    unit = ContributingUnit.objects.order_by("name").first()
    row = dict(zip(KEYS, rows[1], strict=True))
    assert row["unit"] == unit.name
    assert row["page_views"] == page_views(unit.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31)) > 0
    assert row["page_views_previous"] == page_views(unit.pk, datetime.date(year - 1, 1, 1),
                                                   datetime.date(year - 1, 12, 31))
    assert row["items"] == 0  # the demo's pages were all published this year


def test_exports_need_the_permission_and_a_known_year_and_format(demo, client, admin_client, django_user_model):
    year = timezone.localdate().year
    assert admin_client.get(reverse("analytics:annual_report", args=[year, "pdf"])).status_code == 404
    assert admin_client.get(reverse("analytics:annual_report", args=[1990, "csv"])).status_code == 404
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user = django_user_model.objects.create_user("khong-quyen", password="mat-khau-dai-2026")
    user.groups.add(group)
    client.force_login(user)
    assert client.get(reverse("analytics:annual_report", args=[year, "csv"])).status_code in (302, 403)
