"""Counting: what a hit is, how a response names it, and the atomic increment.

Views do not write counters themselves. A page, a press download or a feed
answer *labels* its response with the ``X-LaoCai-Count`` header (what was
served, with its kind, language, pillar and unit); ``AnalyticsMiddleware``
reads the label on the way out, decides whether the request was a person
(or, for feeds, a partner) and increments one daily counter. Because the
label travels with the response, a page served from a cache is still
counted: the cached response carries the header it was rendered with.

Pages are labelled when they are served (``storybank.core.models.page_served``,
:func:`label_served_page`). Push deliveries are counted by the feeds'
delivery worker as it records each outcome: it tells :func:`count_safely`
what it delivered. Analytics decodes nothing of the apps that count.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import connection, transaction
from django.http import HttpResponseBase
from django.utils import timezone

from storybank.core.visibility import is_page_public

from .models import OTHER_PAGE_KIND, DailyCount, Metric

logger = logging.getLogger(__name__)

#: The response header that names what a response counts as.
COUNT_HEADER = "X-LaoCai-Count"
#: The most one label may count at once (a lightbox ZIP of that many files of one kind).
MAX_AMOUNT = 10_000

_FIELD_LENGTHS = {
    field: DailyCount._meta.get_field(field).max_length for field in ("kind", "locale", "pillar", "detail")
}


@dataclass(frozen=True)
class Hit:
    """One countable event and its dimensions ("" means not applicable)."""

    metric: str
    kind: str = ""
    locale: str = ""
    pillar: str = ""
    unit_id: int | None = None
    detail: str = ""

    # --- the response label -------------------------------------------------
    def to_header(self) -> str:
        values = {"m": self.metric, "k": self.kind, "l": self.locale, "p": self.pillar, "d": self.detail}
        if self.unit_id is not None:
            values["u"] = str(self.unit_id)
        return urlencode({key: value for key, value in values.items() if value})

    def with_detail(self, detail: str) -> Hit:
        """This hit with ``detail`` (a feed slug…), cut to what a counter stores."""
        return replace(self, detail=detail[: _FIELD_LENGTHS["detail"]])

    @classmethod
    def counted_from_header(cls, value: str) -> list[tuple[Hit, int]]:
        """Every hit of a label with how many times it happened (a ZIP of
        several assets counts each; a label never holds a bare comma, which
        ``to_header`` encodes)."""
        counted = []
        for part in value.split(","):
            values = cls._values(part.strip())
            amount = values.get("n", "1")
            if not amount.isdigit() or not 1 <= int(amount) <= MAX_AMOUNT:
                raise ValueError(f"bad amount {amount!r}")
            counted.append((cls._from_values(values), int(amount)))
        return counted

    @classmethod
    def from_header(cls, value: str) -> Hit:
        """Parse a label; ``ValueError`` when it is not one of ours."""
        return cls._from_values(cls._values(value))

    @staticmethod
    def _values(label: str) -> dict[str, str]:
        return dict(parse_qsl(label, keep_blank_values=False, strict_parsing=True, max_num_fields=10))

    @classmethod
    def _from_values(cls, values: dict[str, str]) -> Hit:
        metric = values.get("m", "")
        if metric not in Metric.values:
            raise ValueError(f"unknown metric {metric!r}")
        unit = values.get("u")
        hit = cls(
            metric=metric, kind=values.get("k", ""), locale=values.get("l", ""), pillar=values.get("p", ""),
            unit_id=int(unit) if unit else None, detail=values.get("d", ""),
        )
        for field, length in _FIELD_LENGTHS.items():
            if len(getattr(hit, field)) > length:
                raise ValueError(f"{field} longer than {length} characters")
        return hit


# --- building hits from what was served --------------------------------------
def page_hit(page: Any, metric: str = Metric.PAGE_VIEW, **changes: Any) -> Hit:
    """The dimensions of a Wagtail page (a content item, or the home page and
    section indexes, which count as ``OTHER_PAGE_KIND``)."""
    return Hit(
        metric=metric,
        kind=getattr(page, "kind", "") or OTHER_PAGE_KIND,
        locale=page.locale.language_code,
        pillar=getattr(page, "pillar_value", "") or "",
        unit_id=getattr(page, "contributing_unit_id", None),
        **changes,
    )


def asset_hit(asset: Any, metric: str = Metric.DOWNLOAD, **changes: Any) -> Hit:
    """The dimensions of an image or media asset (language-neutral, no pillar)."""
    return Hit(metric=metric, kind=asset.kind, unit_id=asset.source_unit_id, **changes)


def label(response: HttpResponseBase, *hits: Hit) -> HttpResponseBase:
    """Name what ``response`` counts as (one hit, or one per asset of a ZIP,
    identical ones as one with their number, so the header stays short
    whatever the ZIP holds); the middleware counts it if the request qualifies."""
    if hits:
        grouped = Counter(hits)
        response[COUNT_HEADER] = ", ".join(
            hit.to_header() + (f"&n={amount}" if amount > 1 else "") for hit, amount in grouped.items())
    return response


def label_page_view(response: HttpResponseBase, page: Any, request: Any) -> HttpResponseBase:
    """Label a rendered page as a public page view: not for previews, nor for
    pages behind a view restriction (a password or login is not "public")."""
    if getattr(request, "is_preview", False) or response.status_code != 200:
        return response
    try:
        if is_page_public(page):
            label(response, page_hit(page))
    except Exception:  # counting must never break a page
        logger.exception("Could not label a view of page %s", getattr(page, "pk", None))
    return response


def label_served_page(sender: type, page: Any, request: Any, response: HttpResponseBase, **kwargs: Any) -> None:
    """``page_served`` receiver: every page the site serves is a candidate page view."""
    label_page_view(response, page, request)


# --- writing ------------------------------------------------------------------
_UPSERT = """
INSERT INTO {table} (day, metric, kind, locale, pillar, detail, unit_id, count)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT ({conflict}) WHERE {condition}
DO UPDATE SET count = {table}.count + excluded.count
"""


def _upsert_sql(with_unit: bool) -> str:
    table = connection.ops.quote_name(DailyCount._meta.db_table)
    columns = "day, metric, kind, locale, pillar, detail" + (", unit_id" if with_unit else "")
    condition = "unit_id IS NOT NULL" if with_unit else "unit_id IS NULL"
    return _UPSERT.format(table=table, conflict=columns, condition=condition)


def increment(hit: Hit, amount: int = 1, day: datetime.date | None = None) -> None:
    """Add ``amount`` to the counter of ``hit`` on ``day`` (today, local time).

    One ``INSERT … ON CONFLICT DO UPDATE SET count = count + n`` statement,
    the same on SQLite and PostgreSQL: two requests counting the same thing
    at the same moment both land, whichever creates the row. Runs in a
    savepoint so that a failure never spoils the caller's transaction.
    """
    day = day or timezone.localdate()
    params = [day, hit.metric, hit.kind, hit.locale, hit.pillar, hit.detail, hit.unit_id, amount]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_upsert_sql(hit.unit_id is not None), params)


def count_safely(hit: Hit, amount: int = 1) -> bool:
    """:func:`increment`, logging instead of raising: a failure to count is
    never the visitor's problem. Returns whether the count was written."""
    try:
        increment(hit, amount)
    except Exception:
        logger.exception("Could not count %s", hit)
        return False
    return True
