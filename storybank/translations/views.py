"""The translation screens of the admin: the report per language, updating
translations in one step, submitting a translation for review, the
reviewer's view of the changed segments, and machine translation that says
when the service failed."""

from __future__ import annotations

import datetime
import logging
from typing import Any

import django_filters
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import GroupPagePermission, Locale, Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation
from wagtail_localize.views.edit_translation import apply_machine_translation

from storybank.core.i18n import language_name_translated

from .freshness import source_page_of, translations_of
from .models import TranslationMethod, TranslationState
from .review import CannotSubmit, review_rows, submit_for_review
from .segments import field_label
from .updating import keep_untranslated_fields, synced_translation, update_translations

logger = logging.getLogger(__name__)


def edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


# --- the report -------------------------------------------------------------------------------------


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class TranslationStateFilterSet(WagtailFilterSet):
    OUT_OF_DATE, UP_TO_DATE, MACHINE = "out-of-date", "up-to-date", "machine"

    language = django_filters.ChoiceFilter(label=gettext_lazy("Language"), choices=language_choices,
                                           field_name="page__locale__language_code")
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), method="filter_status",
        choices=[(OUT_OF_DATE, gettext_lazy("Out of date")), (UP_TO_DATE, gettext_lazy("Up to date")),
                 (MACHINE, gettext_lazy("Machine translation not yet checked"))],
    )

    class Meta:
        model = TranslationState
        fields = ["language", "status"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == self.OUT_OF_DATE:
            return queryset.filter(source_changed_at__isnull=False)
        if value == self.UP_TO_DATE:
            return queryset.filter(source_changed_at__isnull=True)
        if value == self.MACHINE:
            return queryset.filter(method=TranslationMethod.MACHINE)
        return queryset


class PageColumn(Column):
    """A page's title linked to its editor (the translation editor for synced translations)."""

    def get_value(self, instance: TranslationState) -> Any:
        page = multi_get(instance, self.accessor)
        return format_html('<a href="{}">{}</a>', edit_url(page), page.get_admin_display_title())


def multi_get(instance: Any, accessor: str) -> Any:
    for part in accessor.split("."):
        instance = getattr(instance, part)
    return instance


class FreshnessColumn(Column):
    def get_value(self, instance: TranslationState) -> Any:
        if not instance.out_of_date:
            return _("Up to date")
        return _("Out of date since %(date)s") % {"date": instance.source_changed_at.date().isoformat()}


class ChangesColumn(Column):
    """How much of the source changed, and in which fields."""

    def get_value(self, instance: TranslationState) -> Any:
        if not instance.out_of_date:
            return ""
        model = instance.page.specific_class or Page
        fields = ", ".join(field_label(model, field) for field in instance.changed_fields)
        return _("%(changed)s of %(total)s segments (%(fields)s)") % {
            "changed": instance.changed_count, "total": instance.segment_count, "fields": fields}


class TranslationsReportView(ReportView):
    """Reports › Translations: every translation, whether it is current with
    its source (since when, how much changed), how it was made and whether a
    person reviewed it; a summary per language above."""

    page_title = gettext_lazy("Translations")
    header_icon = "site"
    template_name = "translations/admin/report.html"
    index_url_name = "translation_status_report"
    index_results_url_name = "translation_status_report_results"
    filterset_class = TranslationStateFilterSet
    model = TranslationState
    no_results_message = gettext_lazy("No translation matches these filters.")
    columns = [
        PageColumn("page", label=gettext_lazy("Translation")),
        Column("language", label=gettext_lazy("Language"), accessor="language_name"),
        PageColumn("source", label=gettext_lazy("Source")),
        FreshnessColumn("freshness", label=gettext_lazy("Status")),
        ChangesColumn("changes", label=gettext_lazy("Changed in the source")),
        Column("method", label=gettext_lazy("Method"), accessor="get_method_display"),
        DateColumn("reviewed_at", label=gettext_lazy("Reviewed")),
    ]
    list_export = ["page_title", "language", "source_title", "out_of_date", "source_changed_at", "changed_count",
                   "segment_count", "method", "reviewed_at"]
    export_headings = {
        "page_title": gettext_lazy("Translation"), "language": gettext_lazy("Language"),
        "source_title": gettext_lazy("Source"), "out_of_date": gettext_lazy("Out of date"),
        "source_changed_at": gettext_lazy("Source changed on"), "changed_count": gettext_lazy("Changed segments"),
        "segment_count": gettext_lazy("Segments"), "method": gettext_lazy("Method"),
        "reviewed_at": gettext_lazy("Reviewed"),
    }

    def get_queryset(self) -> QuerySet:
        return (TranslationState.objects.select_related("page__locale", "source", "page__content_type")
                .order_by("-source_changed_at", "page__locale__language_code", "page__title"))

    def get_filename(self) -> str:
        return f"translations-{datetime.date.today():%Y-%m-%d}"

    def decorate_paginated_queryset(self, object_list: Any) -> Any:
        for state in object_list:
            annotate_for_listing(state)
        return object_list

    def to_row_dict(self, item: TranslationState) -> dict[str, Any]:
        annotate_for_listing(item)
        item.page_title, item.source_title, item.language = item.page.title, item.source.title, item.language_code
        return super().to_row_dict(item)

    def get_context_data(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(*args, **kwargs)
        context["summary"] = language_summary()
        return context


def annotate_for_listing(state: TranslationState) -> None:
    state.language_code = state.page.locale.language_code
    state.language_name = language_name_translated(state.language_code)


def language_summary() -> list[dict[str, Any]]:
    """Per language: translations, out of date, machine translations not yet checked, oldest change."""
    rows = (
        TranslationState.objects.values("page__locale__language_code")
        .annotate(total=Count("pk"), out_of_date=Count("pk", filter=Q(source_changed_at__isnull=False)),
                  machine=Count("pk", filter=Q(method=TranslationMethod.MACHINE)))
    )
    by_code = {row["page__locale__language_code"]: row for row in rows}
    oldest = {
        code: TranslationState.objects.filter(page__locale__language_code=code, source_changed_at__isnull=False)
        .order_by("source_changed_at").values_list("source_changed_at", flat=True).first()
        for code in by_code
    }
    return [
        {"code": code, "name": language_name_translated(code), "total": by_code[code]["total"],
         "out_of_date": by_code[code]["out_of_date"], "machine": by_code[code]["machine"], "oldest": oldest[code],
         "url": reverse("translation_status_report") + f"?language={code}&status=out-of-date"}
        for code, _name in language_choices() if code in by_code
    ]


# --- actions -----------------------------------------------------------------------------------------


def next_or_edit(request: HttpRequest, page: Page) -> HttpResponse:
    return redirect(request.POST.get("next") or edit_url(page))


@require_POST
def update_translations_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """One step from the page editor: the translation editors of this page's
    translations (or of this translation) show the source as it is now."""
    page = get_object_or_404(Page, pk=page_id).specific
    source = source_page_of(page)
    if source is None:  # the source page: every translation of it
        if not request.user.has_perm("wagtail_localize.submit_translation"):
            raise PermissionDenied
        if not translations_of(page).exists():
            messages.warning(request, _("“%(title)s” has no translations yet.") % {"title": page.title})
            return next_or_edit(request, page)
        updated = update_translations(page)
    else:  # one translation: its translator may take the new source text
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        updated = update_translations(source, [page])
    for item in updated:
        messages.success(request, _(
            "%(language)s: the translation editor now shows the current %(source)s text; "
            "%(count)s segment(s) to translate."
        ) % {"language": language_name_translated(item.page.locale.language_code),
             "source": language_name_translated((source or page).locale.language_code), "count": item.to_translate})
    return next_or_edit(request, page)


@require_POST
def submit_translation_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """Submit a synced translation for review (translators may not publish)."""
    page = get_object_or_404(Page, pk=page_id).specific
    translation = synced_translation(page)
    if translation is None:
        messages.error(request, _("This page is not a synced translation: submit it with the editor's own actions."))
        return next_or_edit(request, page)
    if not page.permissions_for_user(request.user).can_submit_for_moderation():
        raise PermissionDenied
    try:
        submit_for_review(translation, request.user)
    except CannotSubmit:
        messages.error(request, _("No review workflow applies to this page; ask an editor to publish it."))
    except ValidationError as error:
        messages.error(request, _("The translation could not be submitted: %(errors)s")
                       % {"errors": "; ".join(error.messages)})
    else:
        title = page.get_admin_display_title()
        messages.success(request, _("“%(title)s” was submitted for review.") % {"title": title})
    return next_or_edit(request, page)


def review_translation_view(request: HttpRequest, page_id: int) -> HttpResponse:
    """The translation under review, segment by segment, next to its source."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit() and not reviewer_actions(page, request.user):
        raise PermissionDenied
    source = source_page_of(page)
    if source is None:
        messages.error(request, _("“%(title)s” is not a translation.") % {"title": page.title})
        return redirect(edit_url(page))
    rows = review_rows(page)
    task_state = page.current_workflow_task_state
    return TemplateResponse(request, "translations/admin/review.html", {
        "page": page, "source": source, "rows": rows, "marked": sum(row.marked for row in rows),
        "language": language_name_translated(page.locale.language_code),
        "source_language": language_name_translated(source.locale.language_code),
        "actions": reviewer_actions(page, request.user), "task_state": task_state,
        "review_url": request.get_full_path(),
    })


def reviewer_actions(page: Page, user: Any) -> list[tuple[str, str, bool]]:
    """The workflow actions ``user`` may take on ``page``'s current review step."""
    task = page.current_workflow_task
    return task.specific.get_actions(page, user) if task is not None else []


@require_POST
def machine_translate_view(request: HttpRequest, translation_id: int) -> HttpResponse:
    """wagtail-localize's "Translate with machine" (at its own address, which
    this view answers first): a service that fails or cannot be reached is
    reported and changes nothing, instead of an error page."""
    translator = get_machine_translator()
    translation = get_object_or_404(Translation, pk=translation_id)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home")
    if translator is None:
        messages.error(request, _("Machine translation is not configured."))
        return redirect(next_url)
    try:
        with transaction.atomic():  # nothing kept when the service fails
            keep_untranslated_fields(translation)
            done = apply_machine_translation(translation.pk, request.user, translator)
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        logger.warning("Machine translation with %s failed: %s", translator.display_name, error)
        messages.error(request, _("%(service)s did not translate: %(error)s. Nothing was changed.")
                       % {"service": translator.display_name, "error": error.__class__.__name__})
    else:
        if done:
            messages.success(request, _("Translated with %(service)s. Machine text stays marked as such until a "
                                        "translator edits it or a reviewer approves it.")
                             % {"service": translator.display_name})
        else:
            messages.warning(request, _("There is nothing left to translate."))
    return redirect(next_url)


def locales_of_user(user: Any) -> list[Locale]:
    """The languages ``user`` translates: those whose page trees they may
    change (translators), or every translated language (editors and
    administrators, who may change the whole tree)."""
    others = Locale.objects.exclude(pk=Locale.get_default().pk).order_by("language_code")
    if user.is_superuser:
        return list(others)
    grants = GroupPagePermission.objects.filter(group__user=user, permission__codename="change_page")
    if grants.filter(page__depth=1).exists():
        return list(others)
    return list(others.filter(pk__in=grants.values("page__locale_id")))
