"""The KPI dashboard in a real browser (headless Debian Chromium through
Playwright), with the demo's counters: an editor logs in, finds the menu
item, reads the charts and their values, narrows to a unit and downloads the
annual report. A screenshot of the whole dashboard is kept under
``var/test-artifacts/`` for people to look at."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from tests.demo_replay import load_demo

# serialized_rollback: an earlier transactional test (e.g. the feed worker kill test) flushes the
# database, Wagtail's root page and collection included; this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
PASSWORD = "mat-khau-bien-tap-2026"


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(locale="vi-VN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        yield page
        browser.close()


def editor(django_user_model):
    group = Group.objects.create(name="Biên tập viên (KPI)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="analytics", codename="view_kpi_dashboard"),
    )
    user = django_user_model.objects.create_user("kpi-viewer", password=PASSWORD)
    user.groups.add(group)
    return user


def total(metric: str, **filters) -> int:
    from storybank.analytics.models import DailyCount

    today = timezone.localdate()
    rows = DailyCount.objects.filter(metric=metric, day__gte=datetime.date(today.year, 1, 1), day__lte=today,
                                     **filters)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def test_dashboard_with_demo_counters_in_a_browser(live_server, browser_page, django_user_model):
    from storybank.analytics.models import KPI_METRICS, Metric
    from storybank.taxonomy.models import ContributingUnit

    load_demo()
    editor(django_user_model)
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "kpi-viewer")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.locator('a[href="/admin/kpi/"]').first.click()  # the menu item
    page.wait_for_url("**/admin/kpi/")
    charts = page.locator("svg.kpi-chart")
    charts.first.wait_for()
    assert charts.count() >= 7
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        assert chart.locator("title").first.text_content().strip()
        assert chart.bounding_box()["width"] > 300, "drawn at a readable size"
        assert chart.locator(".kpi-value").count() > 0, "every chart writes its values"

    # The figures are the counters' figures.
    for metric in KPI_METRICS:
        card = page.locator(f'.kpi-card[data-metric="{metric}"] .kpi-figure')
        assert int(card.get_attribute("data-value")) == total(metric), metric
        assert card.inner_text().replace(".", "").replace(",", "").replace("\u00a0", "").isdigit()
    growth_bars = page.locator("#kpi-growth .kpi-bar")
    assert growth_bars.count() == len(KPI_METRICS)  # one bar per KPI
    assert page.locator("#kpi-growth .kpi-target").count() == 1
    today = timezone.localdate()
    points = page.locator(f'#kpi-monthly .kpi-point[data-series="{today.year}"]')
    assert points.count() == today.month
    january = total(Metric.PAGE_VIEW, day__lt=datetime.date(today.year, 2, 1))
    assert int(points.first.get_attribute("data-value")) == january
    assert page.locator("#kpi-languages .kpi-bar").count() == len(settings.LANGUAGES)

    # The whole dashboard as a picture for people to look at.
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.querySelector('.kpi-dashboard').scrollHeight + 200")
    page.set_viewport_size({"width": 1400, "height": int(height)})
    shot = ARTIFACTS / "kpi-dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000

    # Narrow to one unit: the figures follow.
    unit = ContributingUnit.objects.order_by("name").first()
    page.select_option("#id_unit", str(unit.pk))
    page.locator("form.kpi-filters button[type=submit]").click()
    page.wait_for_url(f"**unit={unit.pk}**")
    card = page.locator(f'.kpi-card[data-metric="{Metric.PAGE_VIEW}"] .kpi-figure')
    assert int(card.get_attribute("data-value")) == total(Metric.PAGE_VIEW, unit_id=unit.pk) > 0
    unit_bars = page.locator("#kpi-by-unit .kpi-bar")
    assert unit_bars.count() == 1 and unit_bars.first.get_attribute("data-category") == unit.name

    # The annual report downloads as a workbook with a row per unit and the totals.
    with page.expect_download() as download_info:
        page.locator('a[href$=".xlsx"]').click()
    report = ARTIFACTS / "annual-report.xlsx"
    download_info.value.save_as(str(report))
    rows = list(load_workbook(io.BytesIO(report.read_bytes())).worksheets[0].iter_rows(values_only=True))
    units = list(ContributingUnit.objects.order_by("name").values_list("name", flat=True))
    assert [row[0] for row in rows[1: 1 + len(units)]] == units
    assert len(rows) in (len(units) + 2, len(units) + 3)  # header, units, [pages without a unit], totals
