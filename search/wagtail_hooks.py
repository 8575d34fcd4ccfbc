"""The editors' search in the Wagtail admin, and the admin action the
``content_changed`` signal does not announce (drafts saved)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search import views
from search.documents import object_key
from search.receivers import schedule_sync


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("asset-search/", views.admin_search, name="search_admin")]


@hooks.register("register_admin_menu_item")
def register_menu_item() -> MenuItem:
    return MenuItem(_("Search the bank"), reverse("search_admin"), icon_name="search", order=150)


def _reindex_page(request: Any, page: Any) -> None:
    key = object_key(page.specific)
    if key is not None:
        schedule_sync(*key)


for hook_name in ("after_create_page", "after_edit_page"):
    hooks.register(hook_name, _reindex_page)
