"""Signing in to the admin, throttled per account and per address.

After ``ADMIN_LOGIN_FAILURES_PER_ACCOUNT`` failed attempts on one account
(5), or ``ADMIN_LOGIN_FAILURES_PER_ADDRESS`` from one address (20), within
``ADMIN_LOGIN_WINDOW_MINUTES`` (15), further attempts are refused, with the
right password too, until the window ends; the message says how long.
Counts live in the Django cache (Redis in production), so every app server
shares them. ``WAGTAILADMIN_USER_LOGIN_FORM`` points here.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from storybank.core import ratelimit


def window_seconds() -> int:
    return int(getattr(settings, "ADMIN_LOGIN_WINDOW_MINUTES", 15)) * 60


class ThrottledLoginForm(LoginForm):
    error_messages = {
        **LoginForm.error_messages,
        "throttled": _("Too many failed sign-in attempts for this account or from your address. "
                       "Try again in %(minutes)s minutes."),
    }

    def limits(self) -> list[tuple[str, int]]:
        username = (self.data.get("username") or "").strip().lower()
        address = ratelimit.client_address(self.request) if self.request is not None else "unknown"
        return [
            (f"login:account:{username}", int(getattr(settings, "ADMIN_LOGIN_FAILURES_PER_ACCOUNT", 5))),
            (f"login:address:{address}", int(getattr(settings, "ADMIN_LOGIN_FAILURES_PER_ADDRESS", 20))),
        ]

    def clean(self) -> dict[str, Any]:
        seconds = window_seconds()
        for key, limit in self.limits():
            window = ratelimit.peek(key, seconds)
            if window.count >= limit:
                raise forms.ValidationError(self.error_messages["throttled"], code="throttled",
                                            params={"minutes": max(1, math.ceil(window.retry_after / 60))})
        try:
            return super().clean()
        except forms.ValidationError:
            for key, _limit in self.limits():
                ratelimit.record(key, seconds)
            raise
