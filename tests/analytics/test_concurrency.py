"""Counters incremented from many threads at once (each with its own
database connection, committing for real): no increment is lost, whoever
creates the row, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from storybank.analytics.models import DailyCount, Metric
from storybank.analytics.recording import Hit, increment

# serialized_rollback: this test commits, and flushes the database when it ends; later transactional
# tests (the browser tests) need Wagtail's root page and collection back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

THREADS, EACH = 6, 40


def test_concurrent_increments_all_land():
    hits = [Hit(Metric.PAGE_VIEW, kind="story", locale="vi", pillar="sapa", unit_id=None),
            Hit(Metric.DOWNLOAD, kind="image", unit_id=7, detail="rendition")]
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def visitor() -> None:
        try:
            start.wait()  # every thread creates the same two rows at the same moment
            for _ in range(EACH):
                for hit in hits:
                    increment(hit)
        except BaseException as error:  # noqa: BLE001 (reported by the assertion)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=visitor) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    rows = DailyCount.objects.order_by("metric")
    assert [(row.metric, row.unit_id, row.count) for row in rows] == [
        (Metric.DOWNLOAD, 7, THREADS * EACH), (Metric.PAGE_VIEW, None, THREADS * EACH)]
