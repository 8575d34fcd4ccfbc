"""The editors' queues in the admin (Press accounts › Applications, › Access
requests): each pending item with its own approve / reject form; the latest
answers below. Gated by ``press_accounts.decide_press_access`` (Editors)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import decisions
from .forms import AccessDecisionForm, DecisionForm, WithdrawalForm
from .models import AccessRequest, Decision, PressApplication

DECIDE_PERMISSION = "press_accounts.decide_press_access"
RECENT_ANSWERS = 20


def may_decide(user: Any) -> bool:
    return user.is_active and user.has_perm(DECIDE_PERMISSION)


class DecisionQueueView(WagtailAdminTemplateMixin, View):
    """Pending items of ``model``, each answered with ``form_class`` by :meth:`decide`."""

    template_name = "press/admin/queue.html"
    header_icon = "user"
    model: type[models.Model]
    form_class: type[DecisionForm] = DecisionForm
    related: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_decide(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        """Home › this queue (without its own item the header would read "Home")."""
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def items(self, status_filter: dict[str, Any]) -> Any:
        return self.model.objects.filter(**status_filter).select_related(*self.related, "decided_by")

    def render(self, bound: dict[int, DecisionForm] | None = None, status: int = 200,
               withdrawal: tuple[int, WithdrawalForm] | None = None) -> TemplateResponse:
        bound = bound or {}
        pending = [(item, bound.get(item.pk) or self.form_class(prefix=str(item.pk)))
                   for item in self.items({"status": Decision.PENDING}).order_by("created_at")]
        answered = self.items({"status__in": [Decision.APPROVED, Decision.REJECTED, Decision.WITHDRAWN]}).order_by(
            "-decided_at")[:RECENT_ANSWERS]
        withdrawing_pk, withdrawing_form = withdrawal or (None, None)
        answered = [(item, withdrawing_form if item.pk == withdrawing_pk else WithdrawalForm(prefix=f"w{item.pk}"))
                    for item in answered]
        context = self.get_context_data(pending=pending, answered=answered, kind=self.kind)
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render()

    def post(self, request: HttpRequest) -> HttpResponse:
        if "withdraw" in request.POST:
            return self.withdraw(request)
        if "reopen" in request.POST:
            return self.reopen(request)
        item = self.chosen(request, "item", Decision.PENDING)
        form = self.form_class(request.POST, prefix=str(item.pk))
        if not form.is_valid():
            return self.render({item.pk: form}, status=400)
        approve = form.cleaned_data["decision"] == "approve"
        refusal = self.refusal(item, approve)
        if refusal:
            form.add_error(None, refusal)
            return self.render({item.pk: form}, status=400)
        self.decide(item, approve, form.cleaned_data)
        messages.success(request, _("Approved: %(item)s") % {"item": item} if approve
                         else _("Rejected: %(item)s") % {"item": item})
        return HttpResponseRedirect(request.path)

    def withdraw(self, request: HttpRequest) -> HttpResponse:
        """Take back an approval listed under "Latest answers", with the reason the person is sent."""
        item = self.chosen(request, "withdraw", Decision.APPROVED)
        form = WithdrawalForm(request.POST, prefix=f"w{item.pk}")
        if not form.is_valid():
            return self.render(withdrawal=(item.pk, form), status=400)
        decisions.withdraw(item, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Approval withdrawn: %(item)s") % {"item": item})
        return HttpResponseRedirect(request.path)

    def reopen(self, request: HttpRequest) -> HttpResponse:
        """A rejected or withdrawn item back among the pending ones, to be answered again."""
        item = self.chosen(request, "reopen", Decision.REJECTED, Decision.WITHDRAWN)
        if decisions.reopen(item, request.user):
            messages.success(request, _("Back in the queue: %(item)s") % {"item": item})
        else:
            messages.error(request, _("Not put back: the same request is already waiting. %(item)s") % {"item": item})
        return HttpResponseRedirect(request.path)

    def chosen(self, request: HttpRequest, field: str, *statuses: str) -> Any:
        """The item whose number the form sent in ``field``, while it has one of ``statuses`` (else 404)."""
        number = request.POST.get(field, "")
        return get_object_or_404(self.model, pk=int(number) if number.isdigit() else 0, status__in=statuses)

    def refusal(self, item: Any, approve: bool) -> str:
        """Why this answer cannot be given to ``item`` ("" when it can)."""
        return ""


class ApplicationsView(DecisionQueueView):
    page_title = gettext_lazy("Press account applications")
    model = PressApplication
    related = ("user",)
    kind = "application"

    def refusal(self, item: PressApplication, approve: bool) -> str:
        return decisions.approval_refusal(item) if approve else ""

    def decide(self, item: PressApplication, approve: bool, data: dict[str, Any]) -> None:
        decisions.decide_application(item, self.request.user, approve, data.get("answer", ""))


class AccessRequestsView(DecisionQueueView):
    page_title = gettext_lazy("Requests for restricted photos")
    header_icon = "image"
    model = AccessRequest
    form_class = AccessDecisionForm
    related = ("image", "requester")
    kind = "access"

    def decide(self, item: AccessRequest, approve: bool, data: dict[str, Any]) -> None:
        decisions.decide_access(item, self.request.user, approve, data.get("answer", ""), data.get("expires_on"))


def pending_count(model: type[models.Model]) -> int:
    return model.objects.filter(status=Decision.PENDING).count()


