"""Translation status in the Wagtail admin: notices in the page editor
(source and translation), the report per language (which also answers
wagtail-localize's report address, whose "Up to date" only counted
segments), the translators' dashboard panel, and the actions behind them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from storybank.core.i18n import language_name_translated

from . import views
from .models import TranslationState
from .notices import editor_notices

LEVELS = {"warning": messages.WARNING, "info": messages.INFO}


@hooks.register("register_admin_urls")
def register_translation_status_urls() -> list[Any]:
    return [
        path("translations/", views.TranslationsReportView.as_view(), name="translation_status_report"),
        path("translations/results/", views.TranslationsReportView.as_view(results_only=True),
             name="translation_status_report_results"),
        path("translations/update/<int:page_id>/", views.update_translations_view, name="translation_status_update"),
        path("translations/submit/<int:page_id>/", views.submit_translation_view, name="translation_status_submit"),
        path("translations/review/<int:page_id>/", views.review_translation_view, name="translation_status_review"),
        # wagtail-localize's own addresses, answered here first (this app is installed before it):
        # its report said "Up to date" for translations whose source had changed; its machine
        # translation answered a failing service with an error page.
        path("localize/reports/translations/", RedirectView.as_view(pattern_name="translation_status_report"),
             name="translation_status_localize_report"),
        path("localize/translate/<int:translation_id>/machine_translate/", views.machine_translate_view,
             name="translation_status_machine_translate"),
    ]


@hooks.register("before_edit_page")
def show_translation_status(request: HttpRequest, page: Page) -> None:
    """Editors of a source and translators of a translation see where the
    translation stands, with the actions that move it on."""
    if request.method != "GET" or request.headers.get("x-requested-with") == "XMLHttpRequest":
        return
    for level, html in editor_notices(request, page):
        messages.add_message(request, LEVELS[level], html)


@hooks.register("register_reports_menu_item")
def register_translations_report() -> MenuItem:
    return MenuItem(gettext_lazy("Translations"), reverse("translation_status_report"), name="translations",
                    icon_name="site", order=1050)


@hooks.register("construct_reports_menu")
def hide_wagtail_localize_report(request: HttpRequest, menu_items: list[Any]) -> None:
    """Ours replaces wagtail-localize's "Translations" report."""
    theirs = reverse("translation_status_localize_report")
    menu_items[:] = [item for item in menu_items if getattr(item, "url", None) != theirs]


class TranslationsToUpdatePanel(Component):
    """A translator's dashboard: the translations in their languages whose source changed."""

    name = "translations_to_update"
    order = 90
    template_name = "translations/panels/to_update.html"

    def __init__(self, heading: str, states: list[TranslationState], in_review: int) -> None:
        self.heading, self.states, self.in_review = heading, states, in_review

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"heading": self.heading, "states": self.states, "in_review": self.in_review,
                "report_url": reverse("translation_status_report") + "?status=out-of-date"}


@hooks.register("construct_homepage_panels")
def add_translations_panel(request: HttpRequest, panels: list[Any]) -> None:
    locales = views.locales_of_user(request.user)
    if not locales or not request.user.has_perm("wagtailadmin.access_admin"):
        return
    states = list(
        TranslationState.objects.filter(page__locale__in=locales, source_changed_at__isnull=False)
        .select_related("page__locale").order_by("source_changed_at")[:20]
    )
    for state in states:
        views.annotate_for_listing(state)
    translations = TranslationState.objects.filter(page__locale__in=locales).values_list("page_id", flat=True)
    in_review = WorkflowState.objects.active().filter(
        base_content_type__model="page", object_id__in=[str(pk) for pk in translations],
    ).count()
    if len(locales) == 1:
        heading = _("To update in %(language)s") % {"language": language_name_translated(locales[0].language_code)}
    else:
        heading = _("Translations to update in your languages")
    panels.append(TranslationsToUpdatePanel(heading, states, in_review))
