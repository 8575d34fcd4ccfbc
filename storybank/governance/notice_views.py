"""Admin screens for corrections and retractions: publishing a page with a
correction note, retracting a page or an asset, a reviewer's decision on a
retraction of a sensitive item, and Reports › Corrections and retractions."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminPageChooser
from wagtail.admin.widgets.button import HeaderButton
from wagtail.documents import get_document_model
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images import get_image_model
from wagtail.images.widgets import AdminImageChooser
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy

from . import corrections, retractions
from .models import Retraction, RetractionStatus
from .publishing import PublishingRefused

ASSET_KINDS = {"image": get_image_model, "media": get_document_model}


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


class NoticeAdminView(WagtailAdminTemplateMixin, View):
    """A form screen of the admin, rendered with Wagtail's header."""

    def render(self, **context: Any) -> TemplateResponse:
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))


# --- correcting a page ---------------------------------------------------------------------------


class CorrectionForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Correction note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
        help_text=gettext_lazy("What was wrong and what is right, written in the page's language. Readers see it "
                               "under the text with today's date; partners receive it with the corrected version."),
    )


class CorrectView(NoticeAdminView):
    """Publish the page's latest version (the corrected draft) with a correction note."""

    template_name = "governance/admin/correct.html"
    header_icon = "edit"

    def get_page_title(self) -> str:
        return _("Publish a correction")

    def get_page_subtitle(self) -> str:
        return self.page.get_admin_display_title()

    def setup_page(self, request: HttpRequest, page_id: int) -> None:
        page = get_object_or_404(Page, pk=page_id).specific
        if not hasattr(page, "published_corrections") or not page.live:
            raise Http404
        self.page = page
        self.tester = page.permissions_for_user(request.user)
        if not self.tester.can_edit():
            raise PermissionDenied

    def get(self, request: HttpRequest, page_id: int, form: CorrectionForm | None = None) -> HttpResponse:
        self.setup_page(request, page_id)
        pending = corrections.pending_note(self.page)
        form = form or CorrectionForm(initial={"note": pending.note if pending else ""})
        latest = self.page.get_latest_revision()
        return self.render(
            page=self.page, form=form, language=language_name(self.page.locale.language_code),
            published=self.page.published_corrections, pending=pending,
            can_publish=self.tester.can_publish(), can_submit=self.page.get_workflow() is not None,
            has_draft=self.page.has_unpublished_changes, latest=latest,
            in_review=self.page.current_workflow_state is not None,
        )

    def post(self, request: HttpRequest, page_id: int) -> HttpResponse:
        self.setup_page(request, page_id)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.get(request, page_id, form=form)
        note = form.cleaned_data["note"]
        if "publish" in request.POST and not self.tester.can_publish():
            raise PermissionDenied  # a sensitive item, or someone who may not publish: send it for review
        try:
            if "publish" in request.POST:
                corrections.publish_correction(self.page, note, request.user)
                messages.success(request, _("“%(title)s” was published with the correction.")
                                 % {"title": self.page.title})
            else:
                corrections.submit_correction(self.page, note, request.user)
                messages.success(request, _("The correction note was saved: the approval that publishes "
                                            "“%(title)s” publishes it.") % {"title": self.page.title})
        except PublishingRefused as refused:
            for message in refused.messages:
                messages.error(request, message)
            return self.get(request, page_id, form=form)
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[self.page.pk]))


# --- retracting ---------------------------------------------------------------------------------


class RetractionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=gettext_lazy("Why it is retracted and what partners must do (e.g. “remove it and publish the "
                               "notice”). Partners receive it; the site history keeps it."),
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for number, code in enumerate(languages):
            self.fields[f"notice_{code}"] = forms.CharField(
                label=_("Notice for readers and partners (%(language)s)") % {"language": language_name(code)},
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}), max_length=1000, required=number == 0,
                help_text=_("Shown at the item's address instead of the item, and sent to partners.")
                if number == 0 else _("Leave empty to use the first notice."),
            )

    def notices(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"notice_{code}", "") for code in self.languages}


class RetractView(NoticeAdminView):
    """Ask for a page (with its translations) or an image or media asset to be retracted."""

    template_name = "governance/admin/retract.html"
    header_icon = "warning"

    def get_page_title(self) -> str:
        return _("Retract")

    def get_page_subtitle(self) -> str:
        return self.item.title

    def setup_item(self, request: HttpRequest, kind: str, pk: int) -> None:
        if not retractions.may_retract(request.user):
            raise PermissionDenied
        if kind == "page":
            self.item = get_object_or_404(Page, pk=pk).specific
            if not hasattr(self.item, "published_corrections"):
                raise Http404
            pages = retractions.published_group(self.item)
            self.languages = [self.item.locale.language_code] + [
                p.locale.language_code for p in pages if p.pk != self.item.pk]
            self.group = pages
        elif kind in ASSET_KINDS:
            self.item = get_object_or_404(ASSET_KINDS[kind](), pk=pk)
            self.languages, self.group = ["vi"], []
        else:
            raise Http404

    def get(self, request: HttpRequest, kind: str, pk: int, form: RetractionForm | None = None) -> HttpResponse:
        self.setup_item(request, kind, pk)
        return self.render(
            item=self.item, kind=kind, group=self.group, form=form or RetractionForm(languages=self.languages),
            needs_approval=retractions.needs_approval(self.item),
            retracted=retractions.retraction_of(self.item), waiting=retractions.awaiting_approval(self.item),
        )

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        self.setup_item(request, kind, pk)
        form = RetractionForm(request.POST, languages=self.languages)
        if not form.is_valid():
            return self.get(request, kind, pk, form=form)
        try:
            retraction = retractions.request_retraction(
                self.item, form.cleaned_data["reason"], form.notices(), request.user)
        except ValueError:
            messages.error(request, _("“%(title)s” is already retracted or awaiting approval.")
                           % {"title": self.item.title})
            return HttpResponseRedirect(request.path)
        if retraction.status == RetractionStatus.RETRACTED:
            messages.success(request, _("“%(title)s” was retracted: it has left the site, search and every feed, "
                                        "and partners were sent the notice.") % {"title": self.item.title})
        else:
            messages.warning(request, _("“%(title)s” is flagged sensitive: it will be retracted when a "
                                        "sensitive-content reviewer approves.") % {"title": self.item.title})
        return HttpResponseRedirect(reverse("governance_retraction", args=[retraction.pk]))


class ChooseAssetForm(forms.Form):
    image = forms.ModelChoiceField(
        label=gettext_lazy("Image"), queryset=get_image_model().objects.all(), required=False,
        widget=AdminImageChooser())
    media = forms.ModelChoiceField(
        label=gettext_lazy("Video, audio or document"), queryset=get_document_model().objects.all(),
        required=False, widget=AdminDocumentChooser())
    page = forms.ModelChoiceField(
        label=gettext_lazy("Page"), queryset=Page.objects.all(), required=False, widget=AdminPageChooser())


class ChooseItemView(NoticeAdminView):
    """Pick what to retract (images and media have no button of their own in Wagtail's screens)."""

    template_name = "governance/admin/choose_item.html"
    header_icon = "warning"
    page_title = gettext_lazy("Retract an item")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not retractions.may_retract(request.user):
            raise PermissionDenied
        form = ChooseAssetForm(request.GET or None)
        if form.is_bound and form.is_valid():
            for kind in ("page", "image", "media"):
                if form.cleaned_data.get(kind) is not None:
                    return HttpResponseRedirect(
                        reverse("governance_retract", args=[kind, form.cleaned_data[kind].pk]))
        return self.render(form=form)


class RetractionView(NoticeAdminView):
    """A retraction: what, why, the notices, its status; reviewers approve or decline it here."""

    template_name = "governance/admin/retraction.html"
    header_icon = "warning"

    def get_page_title(self) -> str:
        return _("Retraction")

    def get_page_subtitle(self) -> str:
        return self.retraction.title

    def setup_retraction(self, request: HttpRequest, pk: int) -> None:
        user = request.user
        if not (retractions.may_retract(user) or user.has_perm("governance.approve_retraction")
                or user.has_perm("governance.view_retraction")):
            raise PermissionDenied
        self.retraction = get_object_or_404(Retraction.objects.select_related(
            "requested_by", "approved_by", "content_type"), pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.setup_retraction(request, pk)
        waiting = self.retraction.status == RetractionStatus.AWAITING_APPROVAL
        return self.render(
            retraction=self.retraction, notices=self.retraction.notices.select_related("page"),
            may_decide=waiting and retractions.may_approve(request.user, self.retraction),
            holdings_url=holdings_url(self.retraction),
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.setup_retraction(request, pk)
        try:
            if "approve" in request.POST:
                retractions.approve(self.retraction, request.user)
                messages.success(request, _("Approved: “%(title)s” was retracted.") % {"title": self.retraction.title})
            elif "decline" in request.POST:
                retractions.decline(self.retraction, request.user, request.POST.get("comment", ""))
                messages.info(request, _("The retraction of “%(title)s” was declined.")
                              % {"title": self.retraction.title})
        except PermissionError:
            raise PermissionDenied from None
        except ValueError:
            messages.error(request, _("This retraction has already been decided."))
        return HttpResponseRedirect(request.path)


def holdings_url(retraction: Retraction) -> str:
    """Where partner feeds show who received the item and who acted on the
    notice ("" when the feeds are not installed: governance imports none of them)."""
    try:
        return reverse("feeds_holdings:retraction", args=[retraction.pk])
    except NoReverseMatch:
        return ""


# --- Reports › Corrections and retractions -----------------------------------------------------------


class RetractionFilterSet(WagtailFilterSet):
    requested_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Requested at"),
                                                        widget=DateRangePickerWidget)
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=RetractionStatus.choices)

    class Meta:
        model = Retraction
        fields = ["status", "requested_at"]


class RetractionTitleColumn(Column):
    def get_value(self, instance: Retraction) -> Any:
        return format_html('<a href="{}">{}</a>', reverse("governance_retraction", args=[instance.pk]),
                           instance.title)


class RetractionsReportView(ReportView):
    page_title = gettext_lazy("Retractions")
    header_icon = "warning"
    index_url_name = "governance_retractions"
    index_results_url_name = "governance_retractions_results"
    filterset_class = RetractionFilterSet
    permission_policy = ModelPermissionPolicy(Retraction)
    permission_required = "view"
    model = Retraction
    no_results_message = gettext_lazy("Nothing has been retracted.")
    columns = [
        RetractionTitleColumn("title", label=gettext_lazy("Item")),
        Column("get_status_display", label=gettext_lazy("Status")),
        Column("reason", label=gettext_lazy("Reason")),
        Column("requested_by", label=gettext_lazy("Requested by")),
        Column("approved_by", label=gettext_lazy("Approved by")),
        DateColumn("decided_at", label=gettext_lazy("Decided at")),
        DateColumn("acknowledged_at", label=gettext_lazy("Acknowledged by every partner")),
    ]
    list_export = ["title", "status", "reason", "requested_by", "requested_at", "approved_by", "decided_at",
                   "acknowledged_at"]

    @cached_property
    def header_buttons(self) -> list[HeaderButton]:
        """Images and media have no Retract button of their own: the report leads to the chooser."""
        if not retractions.may_retract(self.request.user):
            return []
        return [HeaderButton(gettext_lazy("Retract an item"), url=reverse("governance_retract_choose"),
                             icon_name="warning")]

    def get_queryset(self) -> Any:
        return Retraction.objects.select_related("requested_by", "approved_by").order_by("-requested_at")

    def get_filename(self) -> str:
        return f"retractions-{datetime.date.today():%Y-%m-%d}"
