"""Daily counters of the public's use of the bank.

One row per day and combination of dimensions (what was counted, content
kind, language, pillar, contributing unit and a detail such as the feed or
the download type), incremented in place, never one row per hit: the KPI
dashboard sums a few thousand rows a year instead of millions, and nothing
about a visitor (address, browser, cookie) is ever written.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    PAGE_VIEW = "page-view", _("Page views")
    DOWNLOAD = "download", _("Downloads")
    FEED_PULL = "feed-pull", _("Feed pulls")
    PUSH_DELIVERY = "push-delivery", _("Push deliveries")
    PUSH_FAILURE = "push-failure", _("Failed push attempts")
    PRESS_DOWNLOAD = "press-download", _("Downloads by press accounts")


#: The figures the plan reports on, in the dashboard's order. Downloads by press
#: accounts are also among all downloads; they are shown apart because the press is a KPI audience (#16).
KPI_METRICS = (Metric.PAGE_VIEW, Metric.DOWNLOAD, Metric.PRESS_DOWNLOAD, Metric.FEED_PULL, Metric.PUSH_DELIVERY)

#: Pages that are not content items (home page, section indexes) count under this kind.
OTHER_PAGE_KIND = "page"


class DownloadType(models.TextChoices):
    RENDITION = "rendition", _("Renditions")
    ORIGINAL = "original", _("Originals")
    PRESS_KIT = "press-kit", _("Press kits")
    LIGHTBOX = "lightbox", _("Lightbox ZIPs")


class DailyCount(models.Model):
    """How many times ``metric`` happened on ``day`` for one combination of dimensions.

    Empty strings stand for "not applicable" (a feed pull has no language,
    an image no pillar). ``unit`` keeps the id of a contributing unit even
    after the unit is deleted (no database constraint), so history is never
    rewritten or lost.
    """

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    kind = models.CharField(_("content kind"), max_length=20, blank=True)
    locale = models.CharField(_("language"), max_length=20, blank=True)
    pillar = models.CharField(_("pillar"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "taxonomy.ContributingUnit", verbose_name=_("contributing unit"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    detail = models.CharField(
        _("detail"), max_length=100, blank=True, help_text=_("Download type, or the feed pulled or pushed."),
    )
    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        default_permissions = ()  # counters are written by the site, never edited by people
        permissions = [("view_kpi_dashboard", _("Can view the KPI dashboard and export the annual report"))]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "metric", "kind", "locale", "pillar", "detail", "unit"],
                condition=Q(unit__isnull=False), name="analytics_daily_unique_with_unit",
            ),
            models.UniqueConstraint(
                fields=["day", "metric", "kind", "locale", "pillar", "detail"],
                condition=Q(unit__isnull=True), name="analytics_daily_unique_without_unit",
            ),
        ]
        indexes = [models.Index(fields=["metric", "day"], name="analytics_daily_metric_day")]

    def __str__(self) -> str:
        dimensions = "/".join(str(v) for v in (self.kind, self.locale, self.pillar, self.unit_id, self.detail))
        return f"{self.day} {self.metric} {dimensions}: {self.count}"
