"""The press app's entries in the audit trail (Reports › Site history), in one
place: a press account's download, against the image."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter

PRESS_DOWNLOAD_ACTION = "storybank.press_download"


class PressDownloadFormatter(LogFormatter):
    label = gettext_lazy("Press download")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return _("Downloaded by a press account: %(what)s (%(address)s)") % {
            "what": data.get("what", ""), "address": data.get("path", "")}


def register_actions(actions: Any) -> None:
    """``register_log_actions`` hook: every press action with its formatter."""
    actions.register_action(PRESS_DOWNLOAD_ACTION)(PressDownloadFormatter)
