"""Who has what in the Wagtail admin: its screens, the "Partners holding
it" button on pages, Reports › Partners holding old versions, and the
dashboard panel of retractions some partner has not acted on yet
(imported by ``wagtail_hooks``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.base import ViewSet

from . import holdings_views
from .items import page_key
from .retractions import Acknowledgement, unacknowledged_retractions


class HoldingsViewSet(ViewSet):
    name = "feeds_holdings"
    url_prefix = "partner-feeds/holdings"

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", holdings_views.StaleHoldingsView.as_view(), name="stale"),
            path("items/<str:key>/", holdings_views.ItemHoldingsView.as_view(), name="item"),
            path("retractions/<int:pk>/", holdings_views.RetractionHoldingsView.as_view(), name="retraction"),
        ]


@hooks.register("register_admin_viewset")
def register_holdings() -> ViewSet:
    return HoldingsViewSet()


class HoldingsButton(PageMenuItem):
    label = _("Partners holding it")
    icon_name = "group"

    @property
    def url(self) -> str:
        return reverse("feeds_holdings:item", args=[page_key(self.page.pk)])

    def is_shown(self, user: Any) -> bool:
        return bool(self.page.first_published_at) and holdings_views.may_view(user)


@hooks.register("register_page_header_buttons")
def page_header_holdings_button(page: Any, user: Any, view_name: str, next_url: str | None = None) -> list[Any]:
    return [HoldingsButton(page=page, priority=47)]


@hooks.register("register_page_listing_more_buttons")
def page_listing_holdings_button(page: Any, user: Any, next_url: str | None = None) -> list[Any]:
    return [HoldingsButton(page=page, priority=47)]


class HoldingsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return holdings_views.may_view(request.user)


@hooks.register("register_reports_menu_item")
def register_stale_holdings_report() -> MenuItem:
    return HoldingsMenuItem(_("Partners holding old versions"), reverse("feeds_holdings:stale"),
                            name="partners-holding-old-versions", icon_name="group", order=1120)


class UnacknowledgedRetractionsPanel(Component):
    """Retractions not every partner has acted on: they stay here until each has."""

    name = "unacknowledged_retractions"
    order = 92
    template_name = "feeds/panels/unacknowledged_retractions.html"

    def __init__(self, waiting: list[tuple[Any, list[Acknowledgement]]]) -> None:
        self.waiting = waiting

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"waiting": [
            {"retraction": retraction, "total": len(standing),
             "acknowledged": sum(ack.acknowledged for ack in standing),
             "pending": [ack.partner.name for ack in standing if not ack.acknowledged]}
            for retraction, standing in self.waiting
        ]}


@hooks.register("construct_homepage_panels")
def add_unacknowledged_retractions_panel(request: HttpRequest, panels: list[Any]) -> None:
    if not holdings_views.may_view(request.user):
        return
    waiting = unacknowledged_retractions()
    if waiting:
        panels.append(UnacknowledgedRetractionsPanel(waiting[:20]))
