"""The annual report per contributing unit: what each unit published and
translated in the year, how much of its content reads in other languages,
and the reach of its content (page views against the year before and the
plan's target, downloads, deliveries to partners).

One row per unit (all of them, zeros included, by name), a row for pages
without a unit (home page, section indexes) when it has figures, and the
totals. ``COLUMNS`` names every column once for the CSV and XLSX exports.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from storybank.taxonomy.choices import UnitKind
from storybank.taxonomy.models import ContributingUnit

from .models import Metric
from .reports import Filters, Item, Period, by_dimension, comparison, content_items, growth_target, local_year


@dataclass
class UnitRow:
    name: str
    unit_kind: str = ""
    unit_id: int | None = None
    published: dict[str, int] = field(default_factory=lambda: {"story": 0, "product": 0, "culture": 0})
    translations: int = 0
    languages: set[str] = field(default_factory=set)
    public_items: int = 0
    foreign: int = 0
    minority: int = 0
    page_views: int = 0
    page_views_previous: int = 0
    downloads: int = 0
    push_deliveries: int = 0

    @property
    def items_published(self) -> int:
        return sum(self.published.values())

    @property
    def growth(self) -> float | None:
        if not self.page_views_previous:
            return None
        return (self.page_views - self.page_views_previous) / self.page_views_previous

    @property
    def target_met(self) -> bool | None:
        if not self.page_views_previous:
            return None
        return self.page_views >= round(self.page_views_previous * (1 + growth_target()))

    @property
    def foreign_share(self) -> float | None:
        return self.foreign / self.public_items if self.public_items else None

    @property
    def minority_share(self) -> float | None:
        return self.minority / self.public_items if self.public_items else None

    @property
    def has_figures(self) -> bool:
        return any((self.items_published, self.translations, self.public_items, self.page_views,
                    self.page_views_previous, self.downloads, self.push_deliveries))

    def add(self, other: UnitRow) -> None:
        for kind, number in other.published.items():
            self.published[kind] = self.published.get(kind, 0) + number
        self.languages |= other.languages
        for name in ("translations", "public_items", "foreign", "minority", "page_views", "page_views_previous",
                     "downloads", "push_deliveries"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class AnnualReport:
    year: int
    period: Period
    previous_period: Period
    rows: list[UnitRow]
    total: UnitRow


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation
    value: Callable[[UnitRow], Any]
    kind: str = "int"  # "text", "int", "share" (a fraction), "yesno"


COLUMNS: list[Column] = [
    Column("unit", gettext_lazy("Contributing unit"), lambda r: r.name, "text"),
    Column("unit_kind", gettext_lazy("Type of unit"), lambda r: r.unit_kind, "text"),
    Column("stories", gettext_lazy("Stories published"), lambda r: r.published["story"]),
    Column("products", gettext_lazy("OCOP products published"), lambda r: r.published["product"]),
    Column("culture", gettext_lazy("Culture entries published"), lambda r: r.published["culture"]),
    Column("items", gettext_lazy("Items published (total)"), lambda r: r.items_published),
    Column("translations", gettext_lazy("Translations published"), lambda r: r.translations),
    Column("languages", gettext_lazy("Languages translated into"), lambda r: ", ".join(sorted(r.languages)), "text"),
    Column("public_items", gettext_lazy("Public items (today)"), lambda r: r.public_items),
    Column("foreign_share", gettext_lazy("Share available in a foreign language"), lambda r: r.foreign_share,
           "share"),
    Column("minority_share", gettext_lazy("Share available in a minority language"), lambda r: r.minority_share,
           "share"),
    Column("page_views", gettext_lazy("Page views"), lambda r: r.page_views),
    Column("page_views_previous", gettext_lazy("Page views, same period of the previous year"),
           lambda r: r.page_views_previous),
    Column("growth", gettext_lazy("Page view growth"), lambda r: r.growth, "share"),
    Column("target_met", gettext_lazy("Growth target met"), lambda r: r.target_met, "yesno"),
    Column("downloads", gettext_lazy("Downloads"), lambda r: r.downloads),
    Column("push_deliveries", gettext_lazy("Push deliveries to partners"), lambda r: r.push_deliveries),
]


class _Rows(dict):
    """Rows by unit id; a unit id without a unit (none, or deleted) gets its own row on first use."""

    def __missing__(self, unit_id: int | None) -> UnitRow:
        if unit_id is None:
            row = UnitRow(name=_("No contributing unit (home page, sections)"))
        else:
            row = UnitRow(name=_("Deleted unit #%(id)s") % {"id": unit_id}, unit_id=unit_id)
        self[unit_id] = row
        return row


def _add_content(rows: _Rows, items: list[Item], year: int) -> None:
    for item in items:
        if not item.is_public:
            continue
        row = rows[item.unit_id]
        row.public_items += 1
        row.foreign += item.has_foreign()
        row.minority += item.has_minority()
        if item.original_public and local_year(item.original_published) == year:
            row.published[item.kind] = row.published.get(item.kind, 0) + 1
        for language, published in item.translations:
            if local_year(published) == year:
                row.translations += 1
                row.languages.add(language)


def annual_report(year: int, today: datetime.date | None = None) -> AnnualReport:
    period, previous = comparison(year, today)
    kinds = dict(UnitKind.choices)
    units = list(ContributingUnit.objects.order_by("name"))
    rows = _Rows({unit.pk: UnitRow(name=unit.name, unit_kind=str(kinds.get(unit.kind, unit.kind)), unit_id=unit.pk)
                  for unit in units})
    _add_content(rows, content_items(), year)
    everything = Filters(year=year)
    metrics = (Metric.PAGE_VIEW, Metric.DOWNLOAD, Metric.PUSH_DELIVERY)
    for unit_id, sums in by_dimension(everything, period, "unit", metrics).items():
        row = rows[unit_id]
        row.page_views += sums[Metric.PAGE_VIEW]
        row.downloads += sums[Metric.DOWNLOAD]
        row.push_deliveries += sums[Metric.PUSH_DELIVERY]
    for unit_id, sums in by_dimension(everything, previous, "unit", (Metric.PAGE_VIEW,)).items():
        rows[unit_id].page_views_previous += sums[Metric.PAGE_VIEW]
    known = {unit.pk for unit in units}
    others = [row for unit_id, row in rows.items() if unit_id not in known and row.has_figures]
    ordered = [rows[unit.pk] for unit in units] + sorted(others, key=lambda row: (row.unit_id is None, row.name))
    total = UnitRow(name=_("Total"))
    for row in ordered:
        total.add(row)
    return AnnualReport(year=year, period=period, previous_period=previous, rows=ordered, total=total)
