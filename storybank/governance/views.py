"""Admin screens of governance: the report of assets withdrawn when their
rights expired (Reports › Withdrawn assets), exportable as CSV/XLSX."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from .models import RightsWithdrawal


class WithdrawalFilterSet(WagtailFilterSet):
    withdrawn_at = django_filters.DateFromToRangeFilter(label=_("Withdrawn at"), widget=DateRangePickerWidget)
    asset_kind = django_filters.ChoiceFilter(label=_("Asset kind"), choices=RightsWithdrawal.AssetKind.choices)

    class Meta:
        model = RightsWithdrawal
        fields = ["asset_kind", "withdrawn_at"]


class AssetColumn(Column):
    """The asset's title, linked to its edit screen while it exists."""

    def get_value(self, instance: RightsWithdrawal) -> Any:
        if instance.asset is None:
            return instance.title
        name = "wagtailimages:edit" if instance.asset_kind == RightsWithdrawal.AssetKind.IMAGE else "wagtaildocs:edit"
        return format_html('<a href="{}">{}</a>', reverse(name, args=[instance.asset_id]), instance.title)


class PagesColumn(Column):
    """The pages that used the asset, each linked to its editor."""

    def get_value(self, instance: RightsWithdrawal) -> Any:
        if not instance.pages:
            return _("No page used it.")
        return format_html_join(
            ", ", '<a href="{}">{} ({})</a>',
            ((reverse("wagtailadmin_pages:edit", args=[page["id"]]), page["title"], page["locale"])
             for page in instance.pages),
        )


class WithdrawalsReportView(ReportView):
    page_title = _("Withdrawn assets")
    header_icon = "warning"
    index_url_name = "governance_withdrawals"
    index_results_url_name = "governance_withdrawals_results"
    filterset_class = WithdrawalFilterSet
    permission_policy = ModelPermissionPolicy(RightsWithdrawal)
    permission_required = "view"
    model = RightsWithdrawal
    no_results_message = _("No asset has been withdrawn for expired rights.")
    columns = [
        AssetColumn("title", label=_("Asset")),
        Column("get_asset_kind_display", label=_("Kind")),
        Column("credit", label=_("Credit")),
        DateColumn("rights_expire_on", label=_("Rights expired on")),
        DateColumn("withdrawn_at", label=_("Withdrawn at")),
        PagesColumn("pages", label=_("Pages that used it")),
        Column("notified", label=_("Editors notified")),
    ]
    list_export = ["title", "asset_kind", "asset_id", "credit", "rights_expire_on", "withdrawn_at",
                   "renditions_deleted", "page_titles", "notified"]
    export_headings = {
        "title": _("Asset"), "asset_kind": _("Kind"), "asset_id": _("Asset ID"), "credit": _("Credit"),
        "rights_expire_on": _("Rights expired on"), "withdrawn_at": _("Withdrawn at"),
        "renditions_deleted": _("Renditions deleted"), "page_titles": _("Pages that used it"),
        "notified": _("Editors notified"),
    }

    def get_queryset(self) -> Any:
        return RightsWithdrawal.objects.order_by("-withdrawn_at")

    def get_filename(self) -> str:
        return f"withdrawn-assets-{datetime.date.today():%Y-%m-%d}"

    def to_row_dict(self, item: RightsWithdrawal) -> dict[str, Any]:
        item.page_titles = "; ".join(f"{page['title']} ({page['locale']}, #{page['id']})" for page in item.pages)
        return super().to_row_dict(item)
