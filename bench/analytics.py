#!/usr/bin/env python
"""Benchmark of analytics: what counting costs a page, how fast counters
are incremented (alone and concurrently), and how long the KPI dashboard
takes with many counters.

Prints:

* a story page through the whole middleware stack (Django's test client, in
  process) with and without ``AnalyticsMiddleware``: median, p95, and the
  difference, which is what counting costs a visitor;
* ``increment()`` one at a time (distinct counters, as a day of visits) and
  from 8 threads on one counter (the worst case: every request of a busy
  page at once), with the check that no increment was lost;
* building the dashboard and the annual report for this year, with the
  demo's counters and then with ``--rows`` synthetic counters added (default
  500 000: years of a busy province).

Run: ``.venv/bin/python bench/analytics.py`` (SQLite under
``var/bench-analytics``, kept between runs; ``--fresh`` starts over). With
``DATABASE_URL`` it runs on that database (use a scratch one: it writes the
demo and the synthetic counters there).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import threading
import time

from common import p95, setup_django

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def figures(label: str, samples: list[float], extra: str = "") -> None:
    print(f"  {label:<44} median {statistics.median(samples) * 1000:8.2f} ms   "
          f"p95 {p95(samples) * 1000:8.2f} ms{extra}")


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def page_cost(requests: int) -> None:
    from django.conf import settings
    from django.test import Client, override_settings

    from storybank.stories.models import StoryPage

    story = StoryPage.objects.live().filter(locale__language_code="vi").order_by("pk").first()
    client = Client(HTTP_USER_AGENT=BROWSER)
    without = [name for name in settings.MIDDLEWARE if "AnalyticsMiddleware" not in name]
    client.get(story.url)  # warm caches
    variants = {"without counting": without, "with counting": list(settings.MIDDLEWARE)}
    results: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(requests):  # alternate, so both see the same machine load
        for label, middleware in variants.items():
            with override_settings(MIDDLEWARE=middleware):
                start = time.perf_counter()
                response = client.get(story.url)
                results[label].append(time.perf_counter() - start)
            assert response.status_code == 200
    for label, samples in results.items():
        figures(f"story page, {label}", samples)
    cost = statistics.median(results["with counting"]) - statistics.median(results["without counting"])
    print(f"  {'counting costs a page (difference of medians)':<44} {cost * 1000:8.2f} ms")


def increments(single: int, threads: int, per_thread: int) -> None:
    from django.db import close_old_connections, connection

    from storybank.analytics.models import DailyCount, Metric
    from storybank.analytics.recording import Hit, increment

    hits = [Hit(Metric.PAGE_VIEW, kind="story", locale=locale, pillar=pillar, unit_id=unit, detail="bench")
            for locale in ("vi", "en", "fr", "hmn") for pillar in ("sapa", "gateway", "culture")
            for unit in (None, 1, 2, 3, 4, 5)]
    day = datetime.date(2000, 1, 1)
    DailyCount.objects.filter(detail="bench").delete()
    samples = []
    for number in range(single):
        start = time.perf_counter()
        increment(hits[number % len(hits)], day=day)
        samples.append(time.perf_counter() - start)
    rate = single / sum(samples)
    figures(f"increment, one at a time ({len(hits)} counters)", samples, f"   {rate:,.0f} increments/s")

    hot = Hit(Metric.PAGE_VIEW, kind="story", locale="vi", detail="bench-hot")
    DailyCount.objects.filter(detail="bench-hot").delete()
    errors: list[BaseException] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        mine = []
        try:
            for _ in range(per_thread):
                start = time.perf_counter()
                increment(hot, day=day)
                mine.append(time.perf_counter() - start)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    stored = DailyCount.objects.get(detail="bench-hot", day=day).count
    expected = threads * per_thread
    figures(f"increment, {threads} threads on one counter", latencies,
            f"   {expected / elapsed:,.0f} increments/s; stored {stored} of {expected}"
            + (f"; {len(errors)} errors: {errors[0]!r}" if errors else ""))
    DailyCount.objects.filter(detail__in=("bench", "bench-hot")).delete()


def dashboard(repeat: int, label: str) -> None:
    from django.utils import timezone, translation

    from storybank.analytics import dashboard as board
    from storybank.analytics.annual_report import annual_report
    from storybank.analytics.models import DailyCount
    from storybank.analytics.reports import Filters

    year = timezone.localdate().year
    print(f"  ({DailyCount.objects.count():,} counter rows, {label})")
    with translation.override("vi"):
        figures("dashboard, whole province", timed(lambda: board.build(Filters(year=year)), repeat))
        figures("dashboard, one unit and language", timed(lambda: board.build(Filters(year=year, unit=1000,
                                                                                      locale="en")), repeat))
        figures("annual report per unit", timed(lambda: annual_report(year), repeat))


def add_synthetic_rows(rows: int) -> None:
    """About ``rows`` counters of a busy province over the last five years:
    120 units (ids from 1000, so they never mix with the demo's), each with
    its own few kinds and pillars, read in seven languages; downloads of three
    types; ten partner feeds. Realistic cardinality matters: the dashboard
    groups these rows by every dimension."""
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from storybank.analytics.models import DailyCount, Metric

    synthetic = DailyCount.objects.filter(unit_id__gte=1000) | DailyCount.objects.filter(detail__startswith="feed-")
    if synthetic.count() >= rows * 0.9:
        return
    synthetic.delete()
    generator = random.Random(7)
    kinds, pillars = ["story", "product", "culture", "page"], ["sapa", "gateway", "culture", ""]
    locales = ["vi"] * 8 + ["en"] * 3 + ["zh-hans", "fr", "ko", "ja", "hmn"]
    profiles = {1000 + unit: [(generator.choice(kinds), generator.choice(pillars)) for _ in range(3)]
                for unit in range(120)}
    today = timezone.localdate()
    per_day = max(rows // (5 * 365) - 10, 1)
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    sql = (f"INSERT INTO {table} (day, metric, kind, locale, pillar, detail, unit_id, count) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)")
    batch: list[tuple] = []
    with transaction.atomic():
        for offset in range(5 * 365):
            day = today - datetime.timedelta(days=offset + 1)
            counts: dict[tuple, int] = {}
            for _ in range(per_day):
                unit = generator.choice(list(profiles))
                kind, pillar = generator.choice(profiles[unit])
                if generator.random() < 0.85:
                    key = (Metric.PAGE_VIEW, kind, generator.choice(locales), pillar, "", unit)
                else:
                    key = (Metric.DOWNLOAD, kind, "", pillar, generator.choice(["rendition", "original", "press-kit"]),
                           unit)
                counts[key] = counts.get(key, 0) + generator.randint(1, 60)
            for feed in range(10):
                counts[(Metric.FEED_PULL, "", "", "", f"feed-{feed}", None)] = generator.randint(10, 100)
            batch.extend((day, *key, count) for key, count in counts.items())
            if len(batch) >= 20_000:
                with connection.cursor() as cursor:
                    cursor.executemany(sql, batch)
                batch = []
        with connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="start from an empty SQLite database")
    parser.add_argument("--requests", type=int, default=200, help="page requests per variant")
    parser.add_argument("--rows", type=int, default=500_000, help="synthetic counter rows for the dashboard")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    setup_django("analytics", args.fresh)

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"Load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("Counting")
    page_cost(args.requests)
    increments(single=2000, threads=args.threads, per_thread=250)
    print("KPI dashboard")
    dashboard(10, "the demo's two years")
    add_synthetic_rows(args.rows)
    dashboard(5, f"with about {args.rows:,} synthetic rows")


if __name__ == "__main__":
    main()
