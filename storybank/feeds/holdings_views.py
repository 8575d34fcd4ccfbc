"""Who has what, in the admin: an item's partners and the versions each
received, a retraction's acknowledgements, and the report of partners
holding an out-of-date or retracted version, each with "push again"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from storybank.governance.models import Retraction, RetractionStatus

from .holdings import holdings as holdings_of
from .holdings import item_title, stale_holdings
from .items import IMAGE, MEDIA, PAGE, split_key
from .models import Feed, Partner
from .resend import push_again
from .retractions import check_acknowledged, item_keys

#: Who may see who has what: partner managers, and the editors who correct and retract.
VIEW_PERMISSIONS = ("feeds.change_partner", "governance.retract_content", "governance.view_retraction")


def may_view(user: Any) -> bool:
    return any(user.has_perm(permission) for permission in VIEW_PERMISSIONS)


class HoldingsView(WagtailAdminTemplateMixin, View):
    header_icon = "group"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, **context: Any) -> TemplateResponse:
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """"Push again": the item's current state (or its retraction notice) to one partner."""
        partner = get_object_or_404(Partner, pk=request.POST.get("partner"))
        feed = get_object_or_404(Feed, pk=request.POST.get("feed"))
        key = request.POST.get("item", "")
        if not valid_key(key):
            raise Http404
        queued = push_again(partner, feed, key)
        if queued:
            messages.success(request, _("Queued again for %(partner)s (%(count)s destination(s)).")
                             % {"partner": partner.name, "count": queued})
        else:
            messages.warning(request, _("%(partner)s has no active push destination for this feed: it gets the "
                                        "item at its next pull.") % {"partner": partner.name})
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = request.path
        return HttpResponseRedirect(back)


def valid_key(key: str) -> bool:
    space, _colon, pk = key.partition(":")
    return space in (PAGE, IMAGE, MEDIA) and pk.isdigit()


class ItemHoldingsView(HoldingsView):
    """Every partner that received one item: its versions, latest or not, the correction and the retraction."""

    template_name = "feeds/admin/item_holdings.html"

    def get_page_title(self) -> str:
        return _("Partners holding this item")

    def get_page_subtitle(self) -> str:
        return self.title

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        if not valid_key(key):
            raise Http404
        self.title = item_title(key) or key
        space, pk = split_key(key)
        return self.render(item_key=key, item_space=space, item_pk=pk, holdings=holdings_of([key]))


class RetractionHoldingsView(HoldingsView):
    """One retraction: which partners received the item and which have acted on the notice."""

    template_name = "feeds/admin/retraction_holdings.html"

    def get_page_title(self) -> str:
        return _("Who has acted on the retraction")

    def get_page_subtitle(self) -> str:
        return self.retraction.title

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.retraction = get_object_or_404(Retraction, pk=pk, status=RetractionStatus.RETRACTED)
        standing = check_acknowledged(self.retraction)
        for holding in (holding for ack in standing for holding in ack.holdings):
            holding.title = item_title(holding.item_key)
        return self.render(retraction=self.retraction, standing=standing, item_keys=item_keys(self.retraction))


class StaleHoldingsView(HoldingsView):
    """Partners holding an out-of-date version of a corrected item, or a retracted item they have not acted on."""

    template_name = "feeds/admin/stale_holdings.html"
    page_title = gettext_lazy("Partners holding old versions")

    def get(self, request: HttpRequest) -> HttpResponse:
        show = "all" if request.GET.get("show") == "all" else "notices"
        rows = stale_holdings(notices_only=show == "notices")
        page = Paginator(rows, 50).get_page(request.GET.get("p"))
        for holding in page:
            holding.title = item_title(holding.item_key)
        return self.render(page_obj=page, show=show)
