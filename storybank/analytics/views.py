"""The KPI dashboard and the annual report exports (admin, editors and
administrators: the ``analytics.view_kpi_dashboard`` permission)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import dashboard
from .annual_report import annual_report
from .exports import report_csv, report_xlsx
from .forms import DashboardFilterForm
from .models import KPI_METRICS
from .reports import years_with_data

PERMISSION = "analytics.view_kpi_dashboard"

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", report_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_xlsx),
}


def require_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


class DashboardView(WagtailAdminTemplateMixin, View):
    template_name = "analytics/dashboard.html"
    page_title = _("KPI dashboard")
    header_icon = "kpi-chart"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = DashboardFilterForm(request.GET or None)
        filters = form.filters()
        board = dashboard.build(filters, form.chosen_metric())
        context = self.get_context_data(
            form=form, board=board, kpi_metrics=KPI_METRICS,
            exports=[(kind.upper(), reverse("analytics:annual_report", args=[filters.year, kind]))
                     for kind in EXPORT_TYPES],
        )
        return TemplateResponse(request, self.template_name, context)


def annual_report_export(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """``/admin/kpi/report/<year>.<csv|xlsx>``: the annual report per unit."""
    require_permission(request)
    if kind not in EXPORT_TYPES or year not in years_with_data():
        raise Http404
    content_type, render = EXPORT_TYPES[kind]
    response = HttpResponse(render(annual_report(year)), content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="lao-cai-story-annual-report-{year}-{stamp}.{kind}"'
    return response
