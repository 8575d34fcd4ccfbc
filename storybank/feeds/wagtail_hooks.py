"""The "Partner feeds" admin menu: partners (with push destinations),
feeds (rules, pins, readers), each feed's preview, each partner's API keys
and the push deliveries' dead letters."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from . import admin_views
from .models import Feed, Partner

MENU_HOOK = "register_partner_feeds_menu_item"


def feed_buttons(feed: Feed) -> list[Button]:
    return [Button(_("Preview items"), url=reverse("feeds_admin:feed_preview", args=[feed.pk]), icon_name="view",
                   priority=5)]


def partner_buttons(partner: Partner) -> list[Button]:
    return [Button(_("API keys"), url=reverse("feeds_admin:api_keys", args=[partner.pk]), icon_name="key",
                   priority=5)]


class FeedEditView(EditView):
    @cached_property
    def header_more_buttons(self) -> list[Button]:
        return feed_buttons(self.object) + super().header_more_buttons


class PartnerEditView(EditView):
    @cached_property
    def header_more_buttons(self) -> list[Button]:
        return partner_buttons(self.object) + super().header_more_buttons


class PartnerViewSet(SnippetViewSet):
    model = Partner
    icon = "group"
    edit_view_class = PartnerEditView
    list_display = ["name", "kind", "contact_email", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "contact_name", "contact_email"]


class FeedViewSet(SnippetViewSet):
    model = Feed
    icon = "rss"
    edit_view_class = FeedEditView
    list_display = ["title", "slug", "is_public", "active", "updated_at"]
    list_filter = ["is_public", "active"]
    search_fields = ["title", "slug"]


class PartnerManagersMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm("feeds.change_partner")


class FeedToolsViewSet(ViewSet):
    """Preview, API keys and deliveries; its menu item (deliveries) joins the group."""

    menu_item_class = PartnerManagersMenuItem
    name = "feeds_admin"
    url_prefix = "partner-feeds"
    icon = "warning"
    menu_label = _("Push deliveries")
    menu_hook = MENU_HOOK
    add_to_admin_menu = True

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("deliveries/", admin_views.DeliveriesView.as_view(), name="deliveries"),
            path("feeds/<int:pk>/preview/", admin_views.FeedPreviewView.as_view(), name="feed_preview"),
            path("partners/<int:pk>/keys/", admin_views.ApiKeysView.as_view(), name="api_keys"),
        ]


class PartnerFeedsGroup(SnippetViewSetGroup):
    menu_label = _("Partner feeds")
    menu_icon = "rss"
    menu_order = 350
    submenu_hook = MENU_HOOK
    items = (PartnerViewSet, FeedViewSet)


register_snippet(PartnerFeedsGroup)


@hooks.register("register_admin_viewset")
def register_feed_tools() -> ViewSet:
    return FeedToolsViewSet()


@hooks.register("register_snippet_listing_buttons")
def snippet_listing_buttons(snippet: Any, user: Any, next_url: str | None = None) -> list[Button]:
    if isinstance(snippet, Feed) and user.has_perm("feeds.change_feed"):
        return feed_buttons(snippet)
    if isinstance(snippet, Partner) and user.has_perm("feeds.change_partner"):
        return partner_buttons(snippet)
    return []


# --- who has what: its own module ---------------------------------------------------------------

from . import holdings_hooks  # noqa: E402, F401 (registers its hooks)
