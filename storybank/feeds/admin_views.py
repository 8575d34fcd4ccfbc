"""Admin screens beyond the snippet editors: a feed's current items, a
partner's API keys (shown once) and the dead letters of push delivery."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .formats import formats
from .models import ApiKey, Delivery, DeliveryStatus, Feed, Partner
from .push import retry_now, send_soon
from .sync import reconcile_feed


class FeedsAdminView(WagtailAdminTemplateMixin, View):
    permission: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render(self, **context: Any) -> TemplateResponse:
        return TemplateResponse(self.request, self.template_name, self.get_context_data(**context))


class SnippetToolView(FeedsAdminView):
    """A screen about one snippet (a feed, a partner), under its editor in the breadcrumbs."""

    model: type = Feed
    listing_label = ""
    label = ""

    def get_page_title(self) -> str:
        return str(self.label)

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        name = f"wagtailsnippets_feeds_{self.model._meta.model_name}"
        return self.breadcrumbs_items + [
            {"url": reverse(f"{name}:list"), "label": self.listing_label},
            {"url": reverse(f"{name}:edit", args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": self.label},
        ]


class FeedPreviewView(SnippetToolView):
    """What partners receive from a feed right now."""

    permission = "feeds.change_feed"
    template_name = "feeds/admin/feed_preview.html"
    header_icon = "rss"
    model = Feed
    listing_label = gettext_lazy("Feeds")
    label = gettext_lazy("Feed preview")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.feed = self.object = get_object_or_404(Feed, pk=pk)
        entries = self.feed.entries.order_by("-sequence")
        present = entries.filter(present=True)
        paginator = Paginator(present.only("item_key", "kind", "locale", "sequence", "changed_at", "payload"), 50)
        page = paginator.get_page(request.GET.get("p"))
        return self.render(
            feed=self.feed,
            page_obj=page,
            total=paginator.count,
            by_kind=sorted(Counter(present.values_list("kind", flat=True)).items()),
            by_locale=sorted(Counter(present.values_list("locale", flat=True)).items()),
            removals=entries.filter(present=False)[:20],
            head=self.feed.head_sequence,
            format_links=[(fmt, reverse("feeds:feed", args=(self.feed.slug, fmt))) for fmt in formats()],
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """"Recompute now": bring the feed in line with its rules at once."""
        feed = get_object_or_404(Feed, pk=pk)
        changes = reconcile_feed(feed, rebuild=bool(request.POST.get("rebuild")))
        messages.success(request, _("Feed recomputed: %(count)s change(s) recorded.") % {"count": len(changes)})
        return HttpResponseRedirect(reverse("feeds_admin:feed_preview", args=[pk]))


class ApiKeysView(SnippetToolView):
    """A partner's keys: create (the key is shown once), list, revoke."""

    permission = "feeds.change_partner"
    template_name = "feeds/admin/api_keys.html"
    header_icon = "key"
    model = Partner
    listing_label = gettext_lazy("Partners")
    label = gettext_lazy("API keys")

    def get(self, request: HttpRequest, pk: int, new_key: str = "") -> HttpResponse:
        self.partner = self.object = get_object_or_404(Partner, pk=pk)
        return self.render(partner=self.partner, keys=self.partner.api_keys.all(), new_key=new_key)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        partner = get_object_or_404(Partner, pk=pk)
        if "revoke" in request.POST:
            key = get_object_or_404(ApiKey, pk=request.POST["revoke"], partner=partner)
            key.revoke()
            messages.success(request, _("Key “%(name)s” revoked: it no longer opens any feed.") % {"name": key.name})
            return HttpResponseRedirect(reverse("feeds_admin:api_keys", args=[pk]))
        name = request.POST.get("name", "").strip()[:120]
        if not name:
            messages.error(request, _("Give the key a name, e.g. “production importer”."))
            return HttpResponseRedirect(reverse("feeds_admin:api_keys", args=[pk]))
        _key, raw = ApiKey.issue(partner, name, request.user)
        messages.warning(request, _("Copy the key now: it is shown only once and cannot be recovered."))
        # Rendered directly (never redirected) so the key is not kept in a URL or session.
        return self.get(request, pk, new_key=raw)


class DeliveriesView(FeedsAdminView):
    """Dead letters (and failing deliveries) of push delivery, with "retry now"."""

    permission = "feeds.change_partner"  # who manages partners manages their pushes
    template_name = "feeds/admin/deliveries.html"
    header_icon = "warning"
    page_title = gettext_lazy("Push deliveries")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [{"url": "", "label": _("Push deliveries")}]

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "dead")
        deliveries = Delivery.objects.select_related("destination", "destination__partner", "feed").order_by("-pk")
        if show == "failing":
            deliveries = deliveries.filter(status=DeliveryStatus.PENDING, attempts__gt=0)
        elif show == "pending":
            deliveries = deliveries.filter(status=DeliveryStatus.PENDING)
        else:
            show = "dead"
            deliveries = deliveries.filter(status=DeliveryStatus.DEAD)
        counts = Counter(Delivery.objects.values_list("status", flat=True))
        page = Paginator(deliveries, 50).get_page(request.GET.get("p"))
        return self.render(page_obj=page, show=show, counts=counts, statuses=DeliveryStatus)

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("retry") == "all":
            targets = list(Delivery.objects.filter(status=DeliveryStatus.DEAD).order_by("pk"))
        else:
            targets = [get_object_or_404(Delivery, pk=request.POST.get("retry"), status=DeliveryStatus.DEAD)]
        queued = sum(retry_now(delivery) for delivery in targets)
        superseded = len(targets) - queued
        messages.success(request, _("%(queued)s delivery(ies) queued again.") % {"queued": queued})
        if superseded:
            messages.info(request, _("%(count)s delivery(ies) were replaced by a newer change of the same item.")
                          % {"count": superseded})
        if queued:
            transaction.on_commit(send_soon)  # sent once the retry is committed, never inside this request
        return HttpResponseRedirect(reverse("feeds_admin:deliveries"))
