"""The audit trail is Wagtail's own log (``PageLogEntry``, ``ModelLogEntry``),
shown in Reports › Site history and exportable there as CSV or XLSX.

Wagtail already logs who created, edited, submitted, approved, rejected,
published, unpublished, moved and deleted pages, and who created, edited
and deleted images, media and snippets in the admin. This module adds the
actions Wagtail does not know:

* ``storybank.rights_withdrawn``: an asset withdrawn when its rights expired;
* ``storybank.export``: an export: a press kit downloaded by a signed-in
  user, a spreadsheet of an admin listing or report (``?export=csv|xlsx``),
  or an export another part of the product records with :func:`log_export`
  (the feeds record a full sync, ``?since=0``, by a partner's key).

Anonymous downloads by the public are counted by the analytics, not
audited: the audit trail says who did something, and an anonymous visitor
is nobody we can name.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

from .models import ExportRecord

logger = logging.getLogger(__name__)

EXPORT_ACTION = "storybank.export"
WITHDRAWN_ACTION = "storybank.rights_withdrawn"


#: What was exported, for the log message (the stored ``kind`` stays language-neutral).
EXPORT_KINDS = {
    "press-kit": gettext_lazy("press kit"),
    "lightbox": gettext_lazy("lightbox"),
    "feed-sync": gettext_lazy("full feed sync"),
    "listing": gettext_lazy("admin listing"),
    "report": gettext_lazy("report"),
}


class ExportFormatter(LogFormatter):
    label = gettext_lazy("Export")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        message = _("Exported %(kind)s “%(what)s”") % {
            "kind": EXPORT_KINDS.get(data.get("kind", ""), _("data")), "what": data.get("what", "")}
        if data.get("format"):
            message += f" ({data['format']})"
        if data.get("partner"):
            message += " " + _("by partner %(partner)s") % {"partner": data["partner"]}
        return message


class RightsWithdrawnFormatter(LogFormatter):
    label = gettext_lazy("Withdraw: rights expired")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return _("Withdrawn: rights expired on %(date)s; %(pages)s page(s) used it") % {
            "date": data.get("rights_expire_on", "?"), "pages": len(data.get("pages", []))}


def acting_person(user: Any) -> Any:
    """``user`` as a log entry's or a record's person: None for anonymous users and tasks."""
    return user if getattr(user, "pk", None) else None


def person_name(user: Any) -> str:
    """How the site history names ``user`` (kept in the entry: the account may be renamed or go)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()



def register_actions(actions: Any) -> None:
    """``register_log_actions`` hook."""
    actions.register_action(EXPORT_ACTION)(ExportFormatter)
    actions.register_action(WITHDRAWN_ACTION)(RightsWithdrawnFormatter)


def log_export(
    kind: str, what: str, *, user: Any = None, instance: Any = None, format: str = "", path: str = "",
    partner: str = "",
) -> Any:
    """Record an export in the audit trail. ``kind`` is one of
    ``EXPORT_KINDS`` ("report" for a report another part produces, e.g. the
    annual report), ``what`` names it. It is logged against ``instance`` (a
    page, a feed…) or, for listings and reports, an ``ExportRecord``."""
    user = user if getattr(user, "is_authenticated", False) else None
    if instance is None:
        instance = ExportRecord.objects.create(what=what[:255], format=format, path=path[:500], user=user,
                                               partner=partner[:200])
    data = {"kind": kind, "what": what, "format": format, "path": path}
    if partner:
        data["partner"] = partner
    return log(instance=instance, action=EXPORT_ACTION, user=user, data=data)


class ExportAuditMiddleware:
    """Logs successful exports as they leave: press kits, the KPI annual
    report and spreadsheet exports of admin listings. Keyed on URL names, so
    the apps that serve these exports need not know about the audit."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "GET" and response.status_code == 200:
            try:
                self.audit(request, response)
            except Exception:  # the audit must never break a download
                logger.exception("Could not audit an export of %s", request.path)
        return response

    def audit(self, request: HttpRequest, response: HttpResponse) -> None:
        match = getattr(request, "resolver_match", None)
        if match is None:
            return
        user = getattr(request, "user", None)
        signed_in = getattr(user, "is_authenticated", False)
        if match.view_name == "press:kit" and signed_in:
            self.audit_press_kit(request, match.kwargs.get("page_id"), user)
        elif match.view_name == "analytics:annual_report" and signed_in:
            title = response.get("Content-Disposition", "").partition("filename=")[2].strip('"') or request.path
            log_export("report", title, user=user, format=match.kwargs.get("kind", ""), path=request.get_full_path())
        elif signed_in and request.GET.get("export") in ("csv", "xlsx") and request.path.startswith(admin_prefix()):
            title = response.get("Content-Disposition", "").partition("filename=")[2].strip('"') or request.path
            log_export("listing", title, user=user, format=request.GET["export"], path=request.get_full_path())

    def audit_press_kit(self, request: HttpRequest, page_id: Any, user: Any) -> None:
        page = Page.objects.filter(pk=page_id).first()
        if page is not None:
            language = request.GET.get("locale", "")
            page = page.specific
            log_export("press-kit", page.title, user=user, instance=page, format=f"zip {language}".strip(),
                       path=request.get_full_path())


def admin_prefix() -> str:
    return reverse("wagtailadmin_home")
