"""Numbers as the dashboard writes them (thousands grouped, percentages signed)."""

from __future__ import annotations

from django import template

from storybank.analytics import charts, labels

register = template.Library()


@register.filter
def kpi_number(value: float | None) -> str:
    return charts.format_number(value)


@register.filter
def kpi_percent(value: float | None) -> str:
    return charts.format_percent(value)


@register.filter
def kpi_growth(value: float | None) -> str:
    return charts.format_percent(value, signed=True)


@register.filter
def metric_label(value: str) -> str:
    return labels.metric_label(value)
