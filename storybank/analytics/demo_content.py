"""Demo counters: two years of plausible, deterministic traffic for the demo
pages, images and feeds, so the KPI dashboard has something to show.

Every figure is a function of the day and of what is counted (noise from a
generator seeded by the month and the item, never by the clock), with the province's seasons (Tết, the summer escape to
Sa Pa, the golden rice terraces of September and October, winter snow),
busier weekends and steady growth from one year to the next: page views grow
faster than the plan's +20 % target, downloads slower, so the dashboard shows
both cases. Counters are written with the same dimensions real counting
uses (``page_hit``, ``asset_hit``). Idempotent: a counter that exists (from
an earlier run, or from real visits) is left as it is.
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from wagtail.models import Page

from storybank.assets.models import LaoCaiImage
from storybank.core.models import NormalizedTextPage
from storybank.core.visibility import public_pages

from .models import OTHER_PAGE_KIND, DailyCount, DownloadType, Metric
from .recording import Hit, asset_hit, page_hit

#: The day the means below hold; figures grow by ``YEARLY_GROWTH`` a year around it.
GROWTH_ANCHOR = datetime.date(2026, 6, 1)
#: Daily page views of one page in Vietnamese on ``GROWTH_ANCHOR``.
PAGE_VIEWS = {"home": 70.0, OTHER_PAGE_KIND: 9.0, "story": 8.0, "product": 6.0, "culture": 6.5}
LANGUAGE_SHARE = {"vi": 1.0, "en": 0.4, "zh-hans": 0.2, "fr": 0.14, "ko": 0.12, "ja": 0.1, "hmn": 0.06}
#: Month multipliers: Tết (Jan–Feb), summer escape, golden terraces (Sep–Oct), snow (Dec).
SEASON = {1: 1.05, 2: 1.2, 3: 0.9, 4: 0.95, 5: 1.0, 6: 1.15, 7: 1.1, 8: 1.05, 9: 1.3, 10: 1.35, 11: 0.95,
          12: 1.15}
YEARLY_GROWTH = {Metric.PAGE_VIEW: 1.28, Metric.DOWNLOAD: 1.12, Metric.PRESS_DOWNLOAD: 1.2, Metric.FEED_PULL: 1.4,
                 Metric.PUSH_DELIVERY: 1.3}
#: Partner pulls a day at the end of the period (Vietnam.vn polls every 15 minutes).
FEED_PULLS = {"vietnam-vn": 96.0, "doi-ngoai": 48.0, "bao-chi": 24.0, "sa-pa": 30.0, "van-hoa-hmong": 9.0}
PUSH_FEEDS = {"vietnam-vn": None, "doi-ngoai": {"en", "zh-hans", "fr", "ko", "ja"}}


def unit_interval(*key: Any) -> float:
    """A number in [0, 1) fixed by ``key``."""
    digest = hashlib.blake2b("|".join(map(str, key)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def monthly_figures(mean: float, metric: str, month: datetime.date, days: list[datetime.date], key: str) -> list[int]:
    """Figures of ``days`` (all in ``month``): ``mean`` on ``GROWTH_ANCHOR``,
    grown year on year, seasonal, busier at weekends, with ±30 % noise. The
    noise comes from a generator seeded by the month and ``key``: a day's
    figure never depends on when the demo was loaded."""
    noise = random.Random(f"{metric}|{key}|{month.isoformat()}")
    growth = YEARLY_GROWTH.get(metric, 1.2)
    weekend_boost = 1.2 if metric in (Metric.PAGE_VIEW, Metric.DOWNLOAD) else 1.0
    figures = []
    for day in days:
        value = mean * growth ** ((day - GROWTH_ANCHOR).days / 365.25) * SEASON[day.month]
        if day.weekday() >= 5:
            value *= weekend_boost
        value *= 0.7 + 0.6 * noise.random()
        whole = int(value)
        figures.append(whole + (1 if noise.random() < value - whole else 0))
    return figures


def demo_months(months: int, today: datetime.date) -> dict[datetime.date, list[datetime.date]]:
    """The days of each month from ``months - 1`` months ago to yesterday
    (today is left to real visits)."""
    month_index = today.year * 12 + today.month - 1 - (months - 1)
    day = datetime.date(month_index // 12, month_index % 12 + 1, 1)
    calendar: dict[datetime.date, list[datetime.date]] = defaultdict(list)
    while day < today:
        calendar[day.replace(day=1)].append(day)
        day += datetime.timedelta(days=1)
    return dict(calendar)


def _sources() -> Iterator[tuple[Hit, float, str]]:
    """What the demo counts: (hit, mean per day, key for the noise)."""
    pages = public_pages(Page.objects.filter(depth__gt=1)).select_related("locale").specific()
    for page in pages:
        if not isinstance(page, NormalizedTextPage):
            continue
        hit = page_hit(page)
        kind = "home" if page.depth == 2 else hit.kind
        share = LANGUAGE_SHARE.get(hit.locale, 0.05)
        popularity = 0.5 + 1.3 * unit_interval("popularity", page.translation_key)
        yield hit, PAGE_VIEWS.get(kind, 5.0) * share * popularity, f"page:{page.pk}"
        if hit.kind != OTHER_PAGE_KIND:
            yield page_hit(page, Metric.DOWNLOAD, detail=DownloadType.PRESS_KIT), 0.25 * share, f"kit:{page.pk}"
            # Part of those downloads are by press accounts (counted again under their own metric).
            yield page_hit(page, Metric.PRESS_DOWNLOAD, detail=DownloadType.PRESS_KIT), 0.1 * share, f"pkit:{page.pk}"
            for feed, languages in PUSH_FEEDS.items():
                if languages is None or hit.locale in languages:
                    yield replace(hit, metric=Metric.PUSH_DELIVERY, detail=feed), 0.12, f"push:{page.pk}"
    for image in LaoCaiImage.objects.all():
        popularity = 0.4 + 1.2 * unit_interval("image", image.pk)
        yield asset_hit(image, detail=DownloadType.RENDITION), 1.6 * popularity, f"image:{image.pk}"
        yield asset_hit(image, detail=DownloadType.ORIGINAL), 0.35 * popularity, f"original:{image.pk}"
        press = asset_hit(image, Metric.PRESS_DOWNLOAD, detail=DownloadType.RENDITION)
        yield press, 0.5 * popularity, f"pimg:{image.pk}"
    for slug, pulls in FEED_PULLS.items():  # the feeds app's demo feeds (whichever demo loader runs first)
        yield Hit(Metric.FEED_PULL, detail=slug), pulls, f"feed:{slug}"


def demo_counters(months: int, today: datetime.date) -> dict[tuple, int]:
    """``{(day, metric, kind, locale, pillar, detail, unit_id): count}``."""
    calendar = demo_months(months, today)
    counts: dict[tuple, int] = defaultdict(int)
    for hit, mean, key in _sources():
        dimensions = (hit.metric, hit.kind, hit.locale, hit.pillar, hit.detail, hit.unit_id)
        failure = (Metric.PUSH_FAILURE, *dimensions[1:])
        for month, days in calendar.items():
            for day, value in zip(days, monthly_figures(mean, hit.metric, month, days, key), strict=True):
                if value:
                    counts[(day, *dimensions)] += value
                    if hit.metric == Metric.PUSH_DELIVERY and unit_interval("failure", day, key) < 0.04:
                        counts[(day, *failure)] += 1
    return counts


def load_demo_content(command: Any) -> None:
    months = int(getattr(settings, "ANALYTICS_DEMO_MONTHS", 24))
    if months <= 0:
        return
    today = timezone.localdate()
    counts = demo_counters(months, today)
    if not counts:
        return
    first = min(key[0] for key in counts)
    existing = set(
        DailyCount.objects.filter(day__gte=first, day__lt=today).values_list(
            "day", "metric", "kind", "locale", "pillar", "detail", "unit_id")
    )
    missing = [(*key, count) for key, count in counts.items() if key not in existing]
    # Tens of thousands of rows: one executemany, not as many model instances.
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (day, metric, kind, locale, pillar, detail, unit_id, count) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            missing,
        )
    for _counter in missing:
        command.count("analytics daily counters")
