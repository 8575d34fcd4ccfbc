"""The demo counters: two years, growth visible, deterministic, idempotent,
and with the dimensions real counting gives the demo pages."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Max, Min, Sum
from django.utils import timezone
from wagtail.models import Page

from storybank.analytics.demo_content import demo_counters
from storybank.analytics.models import DailyCount, Metric
from storybank.analytics.recording import page_hit
from storybank.core.models import NormalizedTextPage
from storybank.core.visibility import public_pages

pytestmark = pytest.mark.django_db


def all_counters() -> list[tuple]:
    return list(DailyCount.objects.order_by("pk").values_list(
        "day", "metric", "kind", "locale", "pillar", "detail", "unit_id", "count"))


def test_loading_the_demo_again_changes_nothing(demo):
    before = all_counters()
    assert len(before) > 10_000
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert all_counters() == before
    assert "analytics" not in output.getvalue()


def test_two_years_of_counters_with_growth(demo):
    today = timezone.localdate()
    span = DailyCount.objects.aggregate(first=Min("day"), last=Max("day"))
    month = today.year * 12 + today.month - 1 - 23
    assert span["first"] == datetime.date(month // 12, month % 12 + 1, 1)
    assert span["last"] == today - datetime.timedelta(days=1)  # today is left to real visits

    def total(metric: str, start: datetime.date, end: datetime.date) -> int:
        rows = DailyCount.objects.filter(metric=metric, day__gte=start, day__lte=end)
        return rows.aggregate(total=Sum("count"))["total"] or 0

    last_year = datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    before_last = datetime.date(today.year - 2, 1, 1), datetime.date(today.year - 2, 12, 31)
    for metric in (Metric.PAGE_VIEW, Metric.DOWNLOAD, Metric.FEED_PULL, Metric.PUSH_DELIVERY):
        assert total(metric, *last_year) > 0, metric
    if span["first"] <= before_last[0]:  # only when the window holds two whole years
        assert total(Metric.PAGE_VIEW, *last_year) > 1.2 * total(Metric.PAGE_VIEW, *before_last)
    # This year against the same days of last year: views beat the +20 % target, downloads do not.
    this_year = datetime.date(today.year, 1, 1), today
    try:
        same_days = datetime.date(today.year - 1, 1, 1), today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        same_days = datetime.date(today.year - 1, 1, 1), today.replace(year=today.year - 1, day=28)
    if today >= datetime.date(today.year, 2, 1):
        assert total(Metric.PAGE_VIEW, *this_year) > 1.2 * total(Metric.PAGE_VIEW, *same_days)
        assert total(Metric.DOWNLOAD, *this_year) < 1.2 * total(Metric.DOWNLOAD, *same_days)


def test_a_days_figures_do_not_depend_on_the_day_the_demo_is_loaded(demo):
    today = timezone.localdate()
    now, earlier = demo_counters(24, today), demo_counters(24, today - datetime.timedelta(days=3))
    common = set(now) & set(earlier)
    assert len(common) > 10_000
    assert all(now[key] == earlier[key] for key in common)


def test_demo_counters_have_the_dimensions_of_the_demo_pages(demo):
    pages = [page for page in public_pages(Page.objects.filter(depth__gt=1)).specific()
             if isinstance(page, NormalizedTextPage)]
    real = {(hit.kind, hit.locale, hit.pillar, hit.unit_id) for hit in map(page_hit, pages)}
    stored = set(DailyCount.objects.filter(metric=Metric.PAGE_VIEW).values_list("kind", "locale", "pillar", "unit"))
    assert stored == real
