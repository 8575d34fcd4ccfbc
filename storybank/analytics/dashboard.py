"""What the KPI dashboard shows for a set of filters: the growth of each
figure against the plan's target, the chosen figure month by month against
last year and the target line, its breakdowns by pillar, language, content
kind, contributing unit (and download type or feed), and the share of
content readable in foreign and minority languages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import labels
from .charts import Chart, Series, bar_chart, format_number, format_percent, horizontal_bar_chart, line_chart
from .models import KPI_METRICS, Metric
from .reports import (
    Filters,
    Growth,
    LanguageAvailability,
    by_dimensions,
    by_month,
    comparison,
    full_year,
    growth,
    growth_target,
    language_availability,
    totals,
)

#: Breakdown by "detail" is shown for the figures where it means something.
DETAIL_TITLES = {
    Metric.DOWNLOAD: gettext_lazy("Downloads by type"),
    Metric.PRESS_DOWNLOAD: gettext_lazy("Downloads by press accounts by type"),
    Metric.FEED_PULL: gettext_lazy("Feed pulls by feed"),
    Metric.PUSH_DELIVERY: gettext_lazy("Push deliveries by feed"),
}


@dataclass
class Breakdown:
    chart: Chart
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Dashboard:
    filters: Filters
    metric: str
    period_start: datetime.date
    period_end: datetime.date
    growth: list[Growth]
    growth_chart: Chart
    monthly_chart: Chart
    monthly_table: dict[str, list]
    breakdowns: list[Breakdown]
    languages: LanguageAvailability
    languages_chart: Chart
    target_label: str
    failures: int = 0

    @property
    def share_cards(self) -> list[tuple[str, str, int, float | None]]:
        """(key, label, items, share) of content readable in a foreign, then a minority language."""
        return [
            ("foreign", _("Available in a foreign language"), self.languages.foreign, self.languages.foreign_share),
            ("minority", _("Available in a minority language"), self.languages.minority,
             self.languages.minority_share),
        ]
    notes: list[str] = field(default_factory=list)
    monthly_note: str = ""


def month_names() -> list[str]:
    return [date_format(datetime.date(2000, month, 1), "M") for month in range(1, 13)]


def _growth_chart(figures: list[Growth], target_label: str, year: int) -> Chart:
    chart = Chart(
        id="kpi-growth",
        title=_("Growth in %(year)s against the year before") % {"year": year},
        description=_("Growth of each figure against the same period of the year before; the dashed line is the "
                      "plan's target (%(target)s). %(summary)s") % {
            "target": target_label,
            "summary": "; ".join(f"{labels.metric_label(g.metric)}: {format_percent(g.rate, signed=True)}"
                                 for g in figures),
        },
        categories=[labels.metric_label(g.metric) for g in figures],
        series=[Series(_("Growth"), [None if g.rate is None else round(g.rate, 1) for g in figures])],
        x_label=_("Figure"), y_label=_("Growth (%)"),
        formatter=lambda value: format_percent(value, signed=True),
    )
    return bar_chart(chart, reference=(growth_target() * 100, _("Target %(target)s") % {"target": target_label}),
                     colour_by_sign=True, height=320)


def _monthly_chart(filters: Filters, metric: str, today: datetime.date, target_label: str) -> tuple[Chart, dict]:
    this_year = by_month(filters, full_year(filters.year))
    last_year = by_month(filters, full_year(filters.year - 1))
    months_shown = 12 if filters.year < today.year else (today.month if filters.year == today.year else 0)
    current = [this_year[m][metric] if m <= months_shown else None for m in range(1, 13)]
    previous = [last_year[m][metric] for m in range(1, 13)]
    target = [round(value * (1 + growth_target())) for value in previous]
    name = labels.metric_label(metric)
    chart = Chart(
        id="kpi-monthly",
        title=_("%(figure)s by month: %(year)s, %(previous)s and the target") % {
            "figure": name, "year": filters.year, "previous": filters.year - 1},
        description=_("%(figure)s each month of %(year)s (total %(total)s so far) against %(previous)s (total "
                      "%(previous_total)s) and the target line, %(previous)s %(target)s.") % {
            "figure": name, "year": filters.year, "previous": filters.year - 1,
            "total": format_number(sum(v for v in current if v)), "previous_total": format_number(sum(previous)),
            "target": target_label},
        categories=month_names(),
        series=[
            Series(str(filters.year), current, partial_last=filters.year == today.year),
            Series(str(filters.year - 1), previous, show_values=False),
            Series(_("Target (%(previous)s %(target)s)") % {"previous": filters.year - 1, "target": target_label},
                   target, dashed=True, show_values=False),
        ],
        x_label=_("Month"), y_label=name,
    )
    chart.series[2].colour = "#c2410c"
    table = {
        "headers": [_("Month"), *[labels.metric_label(m) for m in KPI_METRICS],
                    f"{name} {filters.year - 1}", _("Target")],
        "rows": [
            [month, *[format_number(this_year[index + 1][m]) if index < months_shown else "–" for m in KPI_METRICS],
             format_number(previous[index]), format_number(target[index])]
            for index, month in enumerate(month_names())
        ],
    }
    return line_chart(chart), table


def _dimension_labels(dimension: str, values: list[Any]) -> dict[Any, str]:
    if dimension == "unit":
        return labels.unit_labels(values)
    function = {"pillar": labels.pillar_label, "locale": labels.locale_label, "kind": labels.kind_label,
                "detail": labels.detail_label}[dimension]
    return {value: function(value) for value in values}


def _breakdown(sums: dict[Any, dict[str, int]], metric: str, dimension: str, title: str, axis: str) -> Breakdown:
    sums = {value: figures for value, figures in sums.items() if figures[metric]}
    names = _dimension_labels(dimension, list(sums))
    ordered = sorted(sums, key=lambda value: (-sums[value][metric], names[value]))
    metric_name = labels.metric_label(metric)
    values = [sums[value][metric] for value in ordered]
    top = f"{names[ordered[0]]}: {format_number(values[0])}" if ordered else _("no figures")
    chart = horizontal_bar_chart(width=560, label_width=210, chart=Chart(
        id=f"kpi-by-{dimension}",
        title=title,
        description=_("%(figure)s by %(dimension)s, largest first (%(top)s); total %(total)s.") % {
            "figure": metric_name, "dimension": axis, "top": top, "total": format_number(sum(values))},
        categories=[names[value] for value in ordered],
        series=[Series(metric_name, values)],
        x_label=axis, y_label=metric_name,
    ))
    headers = [axis, *[labels.metric_label(m) for m in KPI_METRICS]]
    rows = [[names[value], *[format_number(sums[value][m]) for m in KPI_METRICS]] for value in ordered]
    return Breakdown(chart, headers, rows)


def _languages_chart(availability: LanguageAvailability) -> Chart:
    names = dict(settings.LANGUAGES)
    codes = [code for code in names if code in availability.per_language]
    shares = [round(availability.share(availability.per_language[code], availability.items) or 0, 1)
              for code in codes]
    return horizontal_bar_chart(Chart(
        id="kpi-languages",
        title=_("Content available in each language"),
        description=_("Share of the %(items)s public stories, OCOP products and culture entries readable in each "
                      "language; %(foreign)s have a foreign-language version, %(minority)s a minority-language "
                      "version.") % {
            "items": availability.items, "foreign": format_percent(availability.foreign_share),
            "minority": format_percent(availability.minority_share)},
        categories=[names[code] for code in codes],
        series=[Series(_("Share of items"), shares)],
        x_label=_("Language"), y_label=_("Share of items (%)"),
        formatter=format_percent,
    ))


def build(filters: Filters, metric: str = Metric.PAGE_VIEW, today: datetime.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    period, _previous = comparison(filters.year, today)
    target_label = format_percent(growth_target() * 100, signed=True)
    figures = growth(filters, today)
    monthly_chart, monthly_table = _monthly_chart(filters, metric, today, target_label)
    metric_name = labels.metric_label(metric)
    dimensions = [
        ("pillar", _("%(figure)s by pillar"), _("pillar")),
        ("locale", _("%(figure)s by language"), _("language")),
        ("kind", _("%(figure)s by content kind"), _("content kind")),
        ("unit", _("%(figure)s by contributing unit"), _("contributing unit")),
    ]
    sums = by_dimensions(filters, period, [dimension for dimension, _title, _axis in dimensions] + ["detail"])
    breakdowns = [
        _breakdown(sums[dimension], metric, dimension, title % {"figure": metric_name}, axis)
        for dimension, title, axis in dimensions
    ]
    if metric in DETAIL_TITLES:
        breakdowns.append(_breakdown(sums["detail"], metric, "detail", str(DETAIL_TITLES[metric]), _("detail")))
    availability = language_availability(filters)
    notes = []
    if filters.narrows_dimensions:
        notes.append(_("Feed pulls belong to no unit, pillar, language or kind: with these filters they are not "
                       "counted."))
    monthly_note = ""
    if period.is_partial_year:
        monthly_note = _("The hollow point is %(month)s so far, to %(day)s.") % {
            "month": month_names()[today.month - 1], "day": date_format(today, "DATE_FORMAT")}
    failures = totals(filters, period, [Metric.PUSH_FAILURE])[Metric.PUSH_FAILURE]
    return Dashboard(
        filters=filters, metric=metric, period_start=period.start, period_end=period.end - datetime.timedelta(days=1),
        growth=figures, growth_chart=_growth_chart(figures, target_label, filters.year),
        monthly_chart=monthly_chart, monthly_table=monthly_table, breakdowns=breakdowns,
        languages=availability, languages_chart=_languages_chart(availability), target_label=target_label,
        failures=failures, notes=notes, monthly_note=monthly_note,
    )
