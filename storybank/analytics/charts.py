"""Server-rendered SVG charts a person reads at a glance: bar, horizontal bar
and line charts with a visible title, axis titles, gridlines with their
values and every bar or point labelled with its figure.

Each chart is an accessible image (``role="img"`` named by its ``<title>``
and described by its ``<desc>``) and carries its data as a table for screen
readers and for copying. No JavaScript, no external files; colours are
picked for contrast and text uses ``currentColor`` so the admin's dark theme
keeps it readable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float

#: Series colours (blue, grey, orange, green, purple): distinguishable for the
#: common colour-vision deficiencies, each labelled in a legend as well.
PALETTE = ("#1f6f9f", "#7b8794", "#c2410c", "#2f855a", "#6b46c1")
TARGET_COLOUR = "#c2410c"
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif"


def _localised(value: Number, decimals: int) -> str:
    """The number in the active language's separators, always grouped by
    thousands (Django's Vietnamese formats do not group: 12345 → 12.345)."""
    return numberformat.format(
        round(value, decimals), get_format("DECIMAL_SEPARATOR"), decimal_pos=decimals, grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"), force_grouping=True,
    )


def format_number(value: Number | None) -> str:
    if value is None:
        return "–"
    return _localised(round(value), 0)


def format_percent(value: Number | None, signed: bool = False) -> str:
    if value is None:
        return "–"
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{_localised(value, 1)} %".replace("-", "−")


def nice_ticks(low: Number, high: Number, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ apart) covering ``low``…``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if step < 1 and float(low).is_integer() and float(high).is_integer() and high - low >= 1:
        step = 1.0
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(tick, 10) for tick in ticks]


@dataclass
class Series:
    name: str
    values: list[Number | None]
    colour: str = ""
    dashed: bool = False
    show_values: bool = True
    #: The last value covers part of its period only (the month so far):
    #: drawn hollow, joined by a dotted segment.
    partial_last: bool = False


@dataclass
class Chart:
    """A chart and its data table, ready for a template (``chart.svg``, ``chart.table``)."""

    id: str
    title: str
    description: str
    categories: list[str]
    series: list[Series]
    x_label: str
    y_label: str
    svg: SafeString = field(default=SafeString(""))
    formatter: Callable[[Number | None], str] = format_number

    @property
    def table(self) -> dict[str, list]:
        rows = [
            [category, *[self.formatter(series.values[index]) for series in self.series]]
            for index, category in enumerate(self.categories)
        ]
        return {"headers": [self.x_label, *[series.name for series in self.series]], "rows": rows}


class _Canvas:
    """Collects SVG elements; every text is escaped."""

    def __init__(self, chart: Chart, width: int, height: int) -> None:
        self.chart, self.width, self.height = chart, width, height
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(self, x: float, y: float, content: str, *, anchor: str = "middle", size: int = 12,
             weight: str = "normal", extra: str = "") -> None:
        self.add(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="currentColor"{extra}>{escape(content)}</text>'
        )

    def finish(self) -> SafeString:
        chart = self.chart
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart" id="{escape(chart.id)}" role="img" '
            f'viewBox="0 0 {self.width} {self.height}" width="100%" '
            f'style="max-width:{self.width}px;height:auto;{FONT}" '
            f'aria-labelledby="{escape(chart.id)}-title {escape(chart.id)}-desc">'
            f'<title id="{escape(chart.id)}-title">{escape(chart.title)}</title>'
            f'<desc id="{escape(chart.id)}-desc">{escape(chart.description)}</desc>'
        )
        return mark_safe(head + "".join(self.parts) + "</svg>")  # noqa: S308 (every text above is escaped)

    def heading(self) -> None:
        self.text(12, 22, self.chart.title, anchor="start", size=15, weight="bold")

    def legend(self, y: float) -> None:
        """Swatch and name of each series, in a row under the title."""
        if len(self.chart.series) < 2:
            return
        x = 76.0
        for series in self.chart.series:
            width = 7 * len(series.name) + 40
            dash = ' stroke-dasharray="6 4"' if series.dashed else ""
            self.add(f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 20:.1f}" y2="{y - 4:.1f}" '
                     f'stroke="{series.colour}" stroke-width="4"{dash}/>')
            self.text(x + 25, y, series.name, anchor="start", size=11)
            x += width


def _colour(series: Sequence[Series]) -> None:
    for index, item in enumerate(series):
        item.colour = item.colour or PALETTE[index % len(PALETTE)]


def _value_range(chart: Chart, reference: Number | None) -> tuple[list[float], float, float]:
    values = [v for series in chart.series for v in series.values if v is not None]
    low = min([0, *values, *( [reference] if reference is not None else [])])
    high = max([0, *values, *([reference] if reference is not None else [])])
    ticks = nice_ticks(low, high)
    return ticks, ticks[0], ticks[-1]


def _vertical_frame(canvas: _Canvas, chart: Chart, box: tuple[float, float, float, float], ticks: list[float],
                    scale: Callable[[float], float]) -> None:
    """Gridlines with their values, the axis titles and the zero line."""
    left, top, width, height = box
    for tick in ticks:
        y = scale(tick)
        canvas.add(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + width:.1f}" y2="{y:.1f}" '
                   f'stroke="currentColor" stroke-opacity="0.15"/>')
        canvas.text(left - 6, y + 4, chart.formatter(tick), anchor="end", size=11)
    zero = scale(0)
    canvas.add(f'<line x1="{left:.1f}" y1="{zero:.1f}" x2="{left + width:.1f}" y2="{zero:.1f}" '
               f'stroke="currentColor" stroke-opacity="0.6"/>')
    middle = top + height / 2
    canvas.text(16, middle, chart.y_label, size=12, extra=f' transform="rotate(-90 16 {middle:.1f})"')
    canvas.text(left + width / 2, canvas.height - 10, chart.x_label, size=12)


def _reference_line(canvas: _Canvas, left: float, width: float, y: float, label: str) -> None:
    """A dashed line across the plot, labelled in the right margin."""
    canvas.add(f'<line class="kpi-target" x1="{left:.1f}" y1="{y:.1f}" x2="{left + width:.1f}" y2="{y:.1f}" '
               f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="6 4"/>')
    canvas.text(left + width + 6, y + 4, label, anchor="start", size=11, weight="bold")


@dataclass
class _Plot:
    """The drawing area of a chart with a vertical value axis."""

    canvas: _Canvas
    left: float
    top: float
    width: float
    height: float
    low: float
    high: float

    def y(self, value: float) -> float:
        return self.top + self.height * (self.high - value) / (self.high - self.low)

    def category_label(self, x: float, category: str) -> None:
        size = 11 if len(self.canvas.chart.categories) <= 8 else 10
        self.canvas.text(x, self.top + self.height + 18, category, size=size)


def _vertical_plot(chart: Chart, width: int, height: int, *, top: float, right: float,
                   reference: Number | None = None) -> _Plot:
    """Canvas, title, legend, gridlines and axis titles of a bar or line chart."""
    _colour(chart.series)
    canvas = _Canvas(chart, width, height)
    left, bottom = 76.0, 58.0
    ticks, low, high = _value_range(chart, reference)
    plot = _Plot(canvas, left, top, width - left - right, height - top - bottom, low, high)
    canvas.heading()
    canvas.legend(44)
    _vertical_frame(canvas, chart, (left, top, plot.width, plot.height), ticks, plot.y)
    return plot


def bar_chart(chart: Chart, *, reference: tuple[Number, str] | None = None, width: int = 720,
              height: int = 340, colour_by_sign: bool = False) -> Chart:
    """Vertical bars, one group per category, one bar per series; ``reference``
    draws a dashed line at a value (a target) with its label."""
    plot = _vertical_plot(chart, width, height, top=64.0 if len(chart.series) > 1 else 48.0,
                          right=110.0 if reference else 16.0, reference=reference[0] if reference else None)
    canvas, left, plot_w, scale = plot.canvas, plot.left, plot.width, plot.y
    band = plot_w / max(len(chart.categories), 1)
    bar = band * 0.72 / max(len(chart.series), 1)
    for index, category in enumerate(chart.categories):
        x0 = left + band * index + band * 0.14
        for number, series in enumerate(chart.series):
            value = series.values[index]
            if value is None:
                continue
            x = x0 + bar * number
            y_value, y_zero = scale(value), scale(0)
            colour = series.colour
            if colour_by_sign and reference is not None:
                colour = PALETTE[3] if value >= reference[0] else TARGET_COLOUR
            canvas.add(
                f'<rect class="kpi-bar" x="{x:.1f}" y="{min(y_value, y_zero):.1f}" width="{bar - 2:.1f}" '
                f'height="{max(abs(y_zero - y_value), 0.5):.1f}" fill="{colour}" '
                f'data-category="{escape(category)}" data-series="{escape(series.name)}" data-value="{value}">'
                f"<title>{escape(category)}, {escape(series.name)}: {escape(chart.formatter(value))}</title></rect>"
            )
            if series.show_values:
                label_y = y_value - 5 if value >= 0 else y_value + 13
                canvas.text(x + (bar - 2) / 2, label_y, chart.formatter(value), size=11 if bar > 34 else 9,
                            extra=' class="kpi-value"')
        plot.category_label(left + band * index + band / 2, category)
    if reference:
        _reference_line(canvas, left, plot_w, scale(reference[0]), reference[1])
    chart.svg = canvas.finish()
    return chart


def horizontal_bar_chart(chart: Chart, *, width: int = 720, label_width: int = 230) -> Chart:
    """One bar per category (long names such as contributing units), the
    figure at the end of each bar; one series."""
    _colour(chart.series)
    series = chart.series[0]
    row = 26
    top, bottom, right = 44.0, 52.0, 70.0
    height = int(top + bottom + row * max(len(chart.categories), 1))
    canvas = _Canvas(chart, width, height)
    left = float(label_width)
    plot_w = width - left - right
    ticks, low, high = _value_range(chart, None)

    def scale(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    canvas.heading()
    plot_bottom = top + row * len(chart.categories)
    max_chars = int((label_width - 14) / 6.8)  # what fits left of the bars at 12 px (the full name is in <title>)
    for tick in ticks:
        x = scale(tick)
        canvas.add(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{plot_bottom:.1f}" '
                   f'stroke="currentColor" stroke-opacity="0.15"/>')
        canvas.text(x, plot_bottom + 16, chart.formatter(tick), size=11)
    canvas.text(left + plot_w / 2, height - 10, chart.y_label, size=12)
    for index, (category, value) in enumerate(zip(chart.categories, series.values, strict=True)):
        y = top + row * index
        shown = category if len(category) <= max_chars else category[: max_chars - 1] + "…"
        canvas.text(left - 8, y + row / 2 + 4, shown, anchor="end", size=12)
        if value is None:
            continue
        x0, x1 = scale(0), scale(value)
        canvas.add(
            f'<rect class="kpi-bar" x="{min(x0, x1):.1f}" y="{y + 4:.1f}" width="{max(abs(x1 - x0), 0.5):.1f}" '
            f'height="{row - 8}" fill="{series.colour}" data-category="{escape(category)}" '
            f'data-series="{escape(series.name)}" data-value="{value}">'
            f"<title>{escape(category)}: {escape(chart.formatter(value))}</title></rect>"
        )
        canvas.text(max(x0, x1) + 6, y + row / 2 + 4, chart.formatter(value), anchor="start", size=11,
                    extra=' class="kpi-value"')
    canvas.add(f'<line x1="{scale(0):.1f}" y1="{top:.1f}" x2="{scale(0):.1f}" y2="{plot_bottom:.1f}" '
               f'stroke="currentColor" stroke-opacity="0.6"/>')
    chart.svg = canvas.finish()
    return chart


def line_chart(chart: Chart, *, width: int = 720, height: int = 340) -> Chart:
    """One line per series over the categories (months); dashed series (a
    target) are drawn without point labels; ``None`` leaves a gap (months to come)."""
    plot = _vertical_plot(chart, width, height, top=72.0, right=24.0)
    canvas, scale = plot.canvas, plot.y
    step = plot.width / max(len(chart.categories), 1)
    xs = [plot.left + step * index + step / 2 for index in range(len(chart.categories))]
    for x, category in zip(xs, chart.categories, strict=True):
        plot.category_label(x, category)
    for series in chart.series:
        points = [(x, scale(v), v, c) for x, v, c in zip(xs, series.values, chart.categories, strict=True)
                  if v is not None]
        if not points:
            continue
        dash = ' stroke-dasharray="6 4"' if series.dashed else ""
        solid = points[:-1] if series.partial_last and len(points) > 1 else points
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v, _c in solid)
        canvas.add(f'<polyline class="kpi-line" points="{path}" fill="none" stroke="{series.colour}" '
                   f'stroke-width="{2 if series.dashed else 3}"{dash} data-series="{escape(series.name)}"/>')
        if solid is not points:
            (x1, y1, _v, _c), (x2, y2, _v2, _c2) = points[-2], points[-1]
            canvas.add(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{series.colour}" '
                       f'stroke-width="2" stroke-dasharray="2 4"/>')
        for number, (x, y, value, category) in enumerate(points):
            hollow = series.partial_last and number == len(points) - 1
            fill = f'fill="white" stroke="{series.colour}" stroke-width="2"' if hollow else f'fill="{series.colour}"'
            canvas.add(
                f'<circle class="kpi-point" cx="{x:.1f}" cy="{y:.1f}" r="{3 if series.dashed else 4}" '
                f'{fill} data-category="{escape(category)}" data-series="{escape(series.name)}" '
                f'data-value="{value}"><title>{escape(category)}, {escape(series.name)}: '
                f"{escape(chart.formatter(value))}</title></circle>"
            )
            if series.show_values and not series.dashed:
                canvas.text(x, y - 9, chart.formatter(value), size=10, extra=' class="kpi-value"')
    chart.svg = canvas.finish()
    return chart
