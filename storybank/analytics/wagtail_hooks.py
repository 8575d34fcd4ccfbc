"""The KPI dashboard in the Wagtail admin: its URLs, its menu item (shown to
those with the permission), its icon and the permission in the group editor."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import urls
from .views import PERMISSION


class DashboardMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_urls")
def register_dashboard_urls() -> list[Any]:
    return [path("kpi/", include(urls, namespace="analytics"))]


@hooks.register("register_admin_menu_item")
def register_dashboard_menu_item() -> MenuItem:
    return DashboardMenuItem(_("KPI dashboard"), reverse("analytics:dashboard"), icon_name="kpi-chart",
                             order=450, name="kpi-dashboard")


@hooks.register("register_icons")
def register_icons(icons: list[str]) -> list[str]:
    return [*icons, "analytics/icons/kpi-chart.svg"]


@hooks.register("register_permissions")
def register_permissions() -> Any:
    app, codename = PERMISSION.split(".")
    return Permission.objects.filter(content_type__app_label=app, codename=codename)
