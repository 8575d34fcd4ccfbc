"""Corrections and retractions in the Wagtail admin: their screens and
report, the buttons on pages, the editor's warnings, the site history's
actions and the reviewers' dashboard panel (imported by ``wagtail_hooks``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem

from . import corrections, retractions
from .models import Retraction, RetractionStatus
from .notice_views import ChooseItemView, CorrectView, RetractionsReportView, RetractionView, RetractView


@hooks.register("register_admin_urls")
def register_correction_urls() -> list[Any]:
    return [
        path("corrections/pages/<int:page_id>/", CorrectView.as_view(), name="governance_correct"),
        path("retractions/new/", ChooseItemView.as_view(), name="governance_retract_choose"),
        path("retractions/new/<str:kind>/<int:pk>/", RetractView.as_view(), name="governance_retract"),
        path("retractions/<int:pk>/", RetractionView.as_view(), name="governance_retraction"),
        path("reports/retractions/", RetractionsReportView.as_view(), name="governance_retractions"),
        path("reports/retractions/results/", RetractionsReportView.as_view(results_only=True),
             name="governance_retractions_results"),
    ]


# --- buttons on pages ---------------------------------------------------------------------------


def is_governed(page: Any) -> bool:
    return hasattr(page.specific_deferred, "published_corrections")


class CorrectButton(PageMenuItem):
    label = gettext_lazy("Publish a correction…")
    icon_name = "edit"
    url_name = "governance_correct"

    def is_shown(self, user: Any) -> bool:
        return self.page.live and is_governed(self.page) and self.page.permissions_for_user(user).can_edit()


class RetractButton(PageMenuItem):
    label = gettext_lazy("Retract…")
    icon_name = "warning"

    @property
    def url(self) -> str:
        return reverse("governance_retract", args=["page", self.page.pk])

    def is_shown(self, user: Any) -> bool:
        return bool(self.page.first_published_at) and is_governed(self.page) and retractions.may_retract(user)


def correction_buttons(page: Any, next_url: str | None) -> list[PageMenuItem]:
    return [CorrectButton(page=page, next_url=next_url, priority=45),
            RetractButton(page=page, next_url=next_url, priority=46)]


@hooks.register("register_page_header_buttons")
def page_header_correction_buttons(page: Any, user: Any, view_name: str, next_url: str | None = None) -> list[Any]:
    return correction_buttons(page, next_url)


@hooks.register("register_page_listing_more_buttons")
def page_listing_correction_buttons(page: Any, user: Any, next_url: str | None = None) -> list[Any]:
    return correction_buttons(page, next_url)


# --- the editor ------------------------------------------------------------------------------------


@hooks.register("before_publish_page")
def refuse_retracted_page(request: HttpRequest, page: Any) -> HttpResponse | None:
    """A retracted page is never published again: say so instead of failing."""
    try:
        retractions.refuse_if_retracted(page)
    except retractions.PublishingRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_edit_page")
def tell_about_corrections_and_retractions(request: HttpRequest, page: Any) -> None:
    if request.method != "GET" or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return
    retraction = retractions.retraction_of(page)
    if retraction is not None:
        messages.warning(request, _("This page was retracted on %(date)s (%(reason)s): it cannot be published again.")
                         % {"date": retraction.decided_at.strftime("%d/%m/%Y"), "reason": retraction.reason})
    pending = corrections.pending_note(page)
    if pending is not None:
        messages.info(request, _("A correction note waits for the next published version: “%(note)s”.")
                      % {"note": pending.note})


# --- reports, history, dashboard ---------------------------------------------------------------------


class RetractionsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm("governance.view_retraction")


@hooks.register("register_reports_menu_item")
def register_retractions_report() -> MenuItem:
    return RetractionsMenuItem(gettext_lazy("Retractions"), reverse("governance_retractions"), name="retractions",
                               icon_name="warning", order=1110)


@hooks.register("register_log_actions")
def register_correction_log_actions(actions: Any) -> None:
    actions.register_action(corrections.CORRECTION_ACTION)(corrections.CorrectionFormatter)
    actions.register_action(retractions.RETRACTION_REQUESTED_ACTION)(retractions.RetractionRequestedFormatter)
    actions.register_action(retractions.RETRACTION_ACTION)(retractions.RetractionFormatter)
    actions.register_action(retractions.RETRACTION_DECLINED_ACTION)(retractions.RetractionDeclinedFormatter)


class RetractionsAwaitingApprovalPanel(Component):
    """Retractions of sensitive items waiting for this reviewer."""

    name = "retractions_awaiting_approval"
    order = 90
    template_name = "governance/panels/retractions_awaiting_approval.html"

    def __init__(self, waiting: list[Retraction]) -> None:
        self.waiting = waiting

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"waiting": self.waiting}


@hooks.register("construct_homepage_panels")
def add_retractions_awaiting_approval_panel(request: HttpRequest, panels: list[Any]) -> None:
    if not request.user.has_perm("governance.approve_retraction"):
        return
    waiting = [retraction for retraction in Retraction.objects.filter(
        status=RetractionStatus.AWAITING_APPROVAL).select_related("requested_by").order_by("requested_at")[:20]
        if retractions.may_approve(request.user, retraction)]
    if waiting:
        panels.append(RetractionsAwaitingApprovalPanel(waiting))
