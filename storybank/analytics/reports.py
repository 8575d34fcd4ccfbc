"""The figures of the KPI dashboard and the annual report, from the daily
counters and from the pages that exist.

Everything here is a query the dashboard, the exports and the tests share,
so the chart, the spreadsheet and the test read the same numbers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone

from storybank.core.models import content_page_models
from storybank.core.visibility import public_pages
from storybank.settings.languages import MINORITY_LANGUAGES

from .models import KPI_METRICS, DailyCount

DIMENSIONS = ("pillar", "locale", "kind", "unit", "detail")


def growth_target() -> float:
    """The plan's yearly growth target as a fraction (0.20 = +20 %)."""
    return float(getattr(settings, "ANALYTICS_YEARLY_GROWTH_TARGET", 0.20))


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to. Empty means every value; ``unit``
    is a contributing unit's id."""

    year: int
    unit: int | None = None
    pillar: str = ""
    locale: str = ""
    kind: str = ""

    def apply(self, counters: QuerySet) -> QuerySet:
        if self.unit is not None:
            counters = counters.filter(unit_id=self.unit)
        for name in ("pillar", "locale", "kind"):
            if getattr(self, name):
                counters = counters.filter(**{name: getattr(self, name)})
        return counters

    @property
    def narrows_dimensions(self) -> bool:
        """Feed pulls have no unit, pillar, language or kind: any such filter leaves them out."""
        return bool(self.unit is not None or self.pillar or self.locale or self.kind)


# --- periods ----------------------------------------------------------------
def _same_day_a_year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` (exclusive)."""

    start: datetime.date
    end: datetime.date

    def filter(self, counters: QuerySet) -> QuerySet:
        return counters.filter(day__gte=self.start, day__lt=self.end)

    @property
    def is_partial_year(self) -> bool:
        return self.end != datetime.date(self.start.year + 1, 1, 1)


def comparison(year: int, today: datetime.date | None = None) -> tuple[Period, Period]:
    """The period of ``year`` to compare and the same period a year before:
    whole years for a past year, 1 January to today for the current one."""
    today = today or timezone.localdate()
    start = datetime.date(year, 1, 1)
    if year < today.year:
        end = datetime.date(year + 1, 1, 1)
        return Period(start, end), Period(datetime.date(year - 1, 1, 1), start)
    end = today + datetime.timedelta(days=1)
    previous_end = _same_day_a_year_before(today) + datetime.timedelta(days=1)
    return Period(start, end), Period(datetime.date(year - 1, 1, 1), previous_end)


def full_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


def years_with_data(today: datetime.date | None = None) -> list[int]:
    """Years to offer in the year filter, newest first (always this year)."""
    today = today or timezone.localdate()
    first = DailyCount.objects.order_by("day").values_list("day", flat=True).first()
    oldest = min(first.year if first else today.year, today.year)
    return list(range(today.year, oldest - 1, -1))


# --- counters ---------------------------------------------------------------
def counters(filters: Filters, period: Period, metrics: Iterable[str] = KPI_METRICS) -> QuerySet:
    return filters.apply(period.filter(DailyCount.objects.filter(metric__in=list(metrics))))


def totals(filters: Filters, period: Period, metrics: Iterable[str] = KPI_METRICS) -> dict[str, int]:
    """Sum of each metric over ``period``."""
    sums = {metric: 0 for metric in metrics}
    for row in counters(filters, period, metrics).values("metric").annotate(total=Sum("count")):
        sums[row["metric"]] = row["total"]
    return sums


def by_month(filters: Filters, period: Period, metrics: Iterable[str] = KPI_METRICS) -> dict[int, dict[str, int]]:
    """``{month: {metric: total}}`` for months 1–12 (zeros included). Grouped
    by day in SQL and folded into months here: extracting the month in SQL
    calls a Python function per row on SQLite."""
    metrics = list(metrics)
    months = {month: dict.fromkeys(metrics, 0) for month in range(1, 13)}
    for row in counters(filters, period, metrics).values("day", "metric").annotate(total=Sum("count")):
        months[row["day"].month][row["metric"]] += row["total"]
    return months


def by_dimensions(filters: Filters, period: Period, dimensions: Iterable[str],
                  metrics: Iterable[str] = KPI_METRICS) -> dict[str, dict[Any, dict[str, int]]]:
    """``{dimension: {value: {metric: total}}}`` for several of :data:`DIMENSIONS`
    at once (``unit`` gives ids, ``None`` for none): one grouped query, folded here."""
    dimensions, metrics = list(dimensions), list(metrics)
    if unknown := set(dimensions) - set(DIMENSIONS):
        raise ValueError(f"unknown dimensions {unknown}")
    columns = ["unit_id" if name == "unit" else name for name in dimensions]
    result: dict[str, dict[Any, dict[str, int]]] = {name: {} for name in dimensions}
    for row in counters(filters, period, metrics).values(*columns, "metric").annotate(total=Sum("count")):
        for name, column in zip(dimensions, columns, strict=True):
            sums = result[name].setdefault(row[column], dict.fromkeys(metrics, 0))
            sums[row["metric"]] += row["total"]
    return result


def by_dimension(filters: Filters, period: Period, dimension: str,
                 metrics: Iterable[str] = KPI_METRICS) -> dict[Any, dict[str, int]]:
    """``{value: {metric: total}}`` for one of :data:`DIMENSIONS`."""
    return by_dimensions(filters, period, [dimension], metrics)[dimension]


@dataclass
class Growth:
    """A metric this period against the same period a year before, and the plan's target."""

    metric: str
    current: int
    previous: int
    target_rate: float

    @property
    def rate(self) -> float | None:
        """Growth as a percentage, ``None`` when there is nothing to compare with."""
        if not self.previous:
            return None
        return (self.current - self.previous) / self.previous * 100

    @property
    def target(self) -> int:
        return round(self.previous * (1 + self.target_rate))

    @property
    def on_track(self) -> bool | None:
        return None if not self.previous else self.current >= self.target

    @property
    def progress(self) -> float | None:
        """How far along the target this period is, as a percentage."""
        return self.current / self.target * 100 if self.target else None


def growth(filters: Filters, today: datetime.date | None = None) -> list[Growth]:
    current_period, previous_period = comparison(filters.year, today)
    current, previous = totals(filters, current_period), totals(filters, previous_period)
    return [Growth(metric, current[metric], previous[metric], growth_target()) for metric in KPI_METRICS]


# --- the pages that exist ---------------------------------------------------
@dataclass
class Item:
    """One story, product or culture entry with all its language versions
    (a translation group); ``original`` is the version created first."""

    kind: str
    unit_id: int | None
    pillar: str
    public_languages: set[str] = field(default_factory=set)
    original_public: bool = False
    original_published: datetime.datetime | None = None
    #: (language, first published) of every public translation.
    translations: list[tuple[str, datetime.datetime | None]] = field(default_factory=list)

    @property
    def is_public(self) -> bool:
        return bool(self.public_languages)

    def has_foreign(self) -> bool:
        return any(code not in MINORITY_LANGUAGES and code != settings.LANGUAGE_CODE
                   for code in self.public_languages)

    def has_minority(self) -> bool:
        return any(code in MINORITY_LANGUAGES for code in self.public_languages)


def content_items() -> list[Item]:
    """Every content item, with which of its language versions are public.
    Alias pages (untranslated copies) are not versions."""
    items: list[Item] = []
    for model in content_page_models():
        pages = model.objects.filter(alias_of__isnull=True)
        public = set(public_pages(pages).values_list("pk", flat=True))
        pillar_field = "pillar" if any(f.name == "pillar" for f in model._meta.concrete_fields) else None
        columns = ["pk", "translation_key", "locale__language_code", "contributing_unit_id", "first_published_at"]
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in pages.values(*columns, *([pillar_field] if pillar_field else [])).order_by("pk"):
            groups[row["translation_key"]].append(row)
        for rows in groups.values():
            original = rows[0]
            pillar = original[pillar_field] if pillar_field else (getattr(model, "pillar", "") or "")
            item = Item(kind=model.kind, unit_id=original["contributing_unit_id"], pillar=str(pillar or ""))
            item.original_public = original["pk"] in public
            item.original_published = original["first_published_at"]
            for row in rows:
                if row["pk"] in public:
                    item.public_languages.add(row["locale__language_code"])
                    if row is not original:
                        item.translations.append((row["locale__language_code"], row["first_published_at"]))
            items.append(item)
    return items


def matching(items: Iterable[Item], filters: Filters) -> list[Item]:
    return [
        item for item in items
        if item.is_public
        and (filters.unit is None or item.unit_id == filters.unit)
        and (not filters.pillar or item.pillar == filters.pillar)
        and (not filters.kind or item.kind == filters.kind)
    ]


@dataclass
class LanguageAvailability:
    """The share of public content items readable in foreign and minority languages."""

    items: int
    foreign: int
    minority: int
    per_language: dict[str, int]

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole * 100 if whole else None

    @property
    def foreign_share(self) -> float | None:
        return self.share(self.foreign, self.items)

    @property
    def minority_share(self) -> float | None:
        return self.share(self.minority, self.items)


def language_availability(filters: Filters, items: list[Item] | None = None) -> LanguageAvailability:
    chosen = matching(items if items is not None else content_items(), filters)
    per_language = {code: 0 for code, _name in settings.LANGUAGES}
    for item in chosen:
        for code in item.public_languages:
            per_language[code] = per_language.get(code, 0) + 1
    return LanguageAvailability(
        items=len(chosen),
        foreign=sum(item.has_foreign() for item in chosen),
        minority=sum(item.has_minority() for item in chosen),
        per_language=per_language,
    )


def local_year(moment: datetime.datetime | None) -> int | None:
    return timezone.localtime(moment).year if moment else None
