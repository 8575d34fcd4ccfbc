"""The editors' menu for press accounts and access requests, and the audit's
names for the press app's actions (``audit``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from .admin_views import AccessRequestsView, ApplicationsView, may_decide
from .audit import register_actions


@hooks.register("register_admin_urls")
def register_press_urls() -> list[Any]:
    return [
        path("press-accounts/applications/", ApplicationsView.as_view(), name="press_accounts_applications"),
        path("press-accounts/access-requests/", AccessRequestsView.as_view(), name="press_accounts_access_requests"),
    ]


class DecideMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return may_decide(request.user)


press_menu = Menu(register_hook_name="register_press_accounts_menu_item", construct_hook_name=None)


@hooks.register("register_press_accounts_menu_item")
def applications_item() -> MenuItem:
    return DecideMenuItem(gettext_lazy("Applications"), reverse("press_accounts_applications"),
                          name="press-applications", icon_name="user", order=100)


@hooks.register("register_press_accounts_menu_item")
def access_requests_item() -> MenuItem:
    return DecideMenuItem(gettext_lazy("Access requests"), reverse("press_accounts_access_requests"),
                          name="press-access-requests", icon_name="image", order=200)


@hooks.register("register_admin_menu_item")
def press_accounts_menu() -> MenuItem:
    return SubmenuMenuItem(gettext_lazy("Press accounts"), press_menu, name="press-accounts", icon_name="user",
                           order=260)


@hooks.register("register_log_actions")
def register_log_actions(actions: Any) -> None:
    register_actions(actions)
