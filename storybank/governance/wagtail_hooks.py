"""Governance in the Wagtail admin: refusing to publish what may not be
published, telling people why, the weekly highlights screen, the withdrawn
assets report and dashboard panel, audit log actions, keeping withdrawn
media off the document download view, and other units' drafts out of the
choosers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from storybank.core.visibility import WITHDRAWN_REASONS, may_download, unpublished_visible_to, withheld_reason

from . import audit
from .models import RightsWithdrawal, WeeklyHighlight
from .publishing import asset_label, assets_used_by, publishing_blockers
from .rights import recent_withdrawals
from .views import WithdrawalsReportView

# --- publishing: refuse, and say why --------------------------------------------------------


@hooks.register("before_publish_page")
def refuse_unpublishable_page(request: HttpRequest, page: Any) -> HttpResponse | None:
    """The editor's "Publish" (edit and create views): the draft is already
    saved as a revision; publishing is refused with the reasons."""
    blockers = publishing_blockers(page, user=request.user)
    if not blockers:
        return None
    if page.live and page.live_revision_id is None:
        # Wagtail's create view saves a page it is about to publish as live.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        page.live = False
    messages.error(request, _("“%(title)s” was saved as a draft but not published.") % {"title": page.title})
    for blocker in blockers:
        messages.error(request, blocker)
    return redirect("wagtailadmin_pages:edit", page.pk)


def consent_warnings(page: Any) -> list[str]:
    return [
        _("%(asset)s shows people whose consent is missing: this page cannot be published while it uses it.")
        % {"asset": asset_label(asset)}
        for asset in assets_used_by(page)
        if asset.consent_missing
    ]


@hooks.register("before_edit_page")
def warn_about_blocked_assets(request: HttpRequest, page: Any) -> None:
    """Contributors, editors and reviewers see, on opening the editor, which
    assets stand in the way of publishing."""
    if request.method != "GET" or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return
    revision = page.get_latest_revision()
    current = revision.as_object() if revision else page
    for warning in consent_warnings(current):
        messages.warning(request, warning)


@hooks.register("after_edit_page")
def explain_withheld_approval(request: HttpRequest, page: Any) -> None:
    """A reviewer asked to approve at the step that publishes, but the
    approval was withheld (``ReviewTask``): their edits were saved; say why
    the item was not approved."""
    if request.POST.get("workflow-action-name") != "approve" or not request.POST.get("action-workflow-action"):
        return
    task = page.current_workflow_task
    if task is None or not hasattr(task, "blockers"):
        return
    blockers = task.blockers(page)
    if blockers:
        messages.error(request, _("“%(title)s” was not approved.") % {"title": page.title})
        for blocker in blockers:
            messages.error(request, blocker)


# --- withdrawn media stay withdrawn -------------------------------------------------------------


@hooks.register("before_serve_document")
def refuse_withdrawn_media(document: Any, request: HttpRequest) -> HttpResponse | None:
    """A video, recording or document the asker may not have answers 410 Gone
    when it was withdrawn (rights expired, consent missing), 404 otherwise;
    editors who manage media can still open it (``may_download``)."""
    if may_download(request.user, document):
        return None
    if withheld_reason(document) not in WITHDRAWN_REASONS:
        raise Http404  # awaiting review or press-only: not revealed
    return HttpResponse(
        _("This file has been withdrawn: its rights have expired or the consent of the people in it is missing."),
        status=410, content_type="text/plain; charset=utf-8",
    )


# --- drafts stay with their unit -------------------------------------------------------------------
# Explorer, page search and site history ask the page policy (``GovernedPagePermissionPolicy``);
# the choosers list every item of the bank, so they are narrowed here.


@hooks.register("construct_page_chooser_queryset")
def choose_published_pages_or_your_own(pages: Any, request: HttpRequest) -> Any:
    scope = unpublished_visible_to(request.user)
    return pages if scope is None else pages.filter(Q(live=True) | Q(pk__in=scope["page"]))


def _reviewed_or_your_own(assets: Any, request: HttpRequest, key: str) -> Any:
    scope = unpublished_visible_to(request.user)
    return assets if scope is None else assets.filter(Q(awaiting_review=False) | Q(pk__in=scope[key]))


@hooks.register("construct_image_chooser_queryset")
def choose_reviewed_images_or_your_own(images: Any, request: HttpRequest) -> Any:
    return _reviewed_or_your_own(images, request, "image")


@hooks.register("construct_document_chooser_queryset")
def choose_reviewed_media_or_your_own(documents: Any, request: HttpRequest) -> Any:
    return _reviewed_or_your_own(documents, request, "media")


# --- audit -----------------------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_log_actions(actions: Any) -> None:
    audit.register_actions(actions)


# --- weekly highlights ---------------------------------------------------------------------------


class WeeklyHighlightViewSet(SnippetViewSet):
    model = WeeklyHighlight
    icon = "pick"
    menu_label = gettext_lazy("Weekly highlights")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["week", "unit", "page", "created_by"]
    list_filter = ["week", "unit"]
    ordering = ["-week", "unit__name"]


register_snippet(WeeklyHighlightViewSet)


@hooks.register("after_create_snippet")
def record_who_chose_the_highlight(request: HttpRequest, instance: Any) -> None:
    if isinstance(instance, WeeklyHighlight) and instance.created_by_id is None:
        WeeklyHighlight.objects.filter(pk=instance.pk).update(created_by=request.user)


# --- withdrawn assets: report and dashboard -----------------------------------------------------------


@hooks.register("register_admin_urls")
def register_governance_urls() -> list[Any]:
    return [
        path("reports/withdrawn-assets/", WithdrawalsReportView.as_view(), name="governance_withdrawals"),
        path("reports/withdrawn-assets/results/", WithdrawalsReportView.as_view(results_only=True),
             name="governance_withdrawals_results"),
    ]


class WithdrawalsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm("governance.view_rightswithdrawal")


@hooks.register("register_reports_menu_item")
def register_withdrawals_report() -> MenuItem:
    return WithdrawalsMenuItem(
        gettext_lazy("Withdrawn assets"), reverse("governance_withdrawals"), name="withdrawn-assets",
        icon_name="warning", order=1100,
    )


class WithdrawnAssetsPanel(Component):
    """Assets withdrawn in the last 30 days and the pages that used them."""

    name = "withdrawn_assets"
    order = 95
    template_name = "governance/panels/withdrawn_assets.html"

    def __init__(self, withdrawals: list[RightsWithdrawal]) -> None:
        self.withdrawals = withdrawals

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"withdrawals": self.withdrawals, "report_url": reverse("governance_withdrawals")}


@hooks.register("construct_homepage_panels")
def add_withdrawn_assets_panel(request: HttpRequest, panels: list[Any]) -> None:
    if not request.user.has_perm("governance.view_rightswithdrawal"):
        return
    withdrawals = list(recent_withdrawals()[:10])
    if withdrawals:
        panels.append(WithdrawnAssetsPanel(withdrawals))
