"""The press app's entries in the audit trail (Reports › Site history), in one
place: a press account's download, against the image, and every editor's
answer on a press account application or a photo access request, against the
item. An answer's entry keeps what the person was told, and a withdrawal or a
return to the queue keeps the answer it replaced, because the item's own
fields hold only the latest answer (and none once it waits again)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import LogFormatter, log

from storybank.governance.audit import person_name

from .models import AccessRequest, Decision, PressApplication

PRESS_DOWNLOAD_ACTION = "storybank.press_download"
APPROVE_ACTION = "storybank.press_approve"
REJECT_ACTION = "storybank.press_reject"
WITHDRAW_ACTION = "storybank.press_withdraw"
REOPEN_ACTION = "storybank.press_reopen"


class PressDownloadFormatter(LogFormatter):
    label = gettext_lazy("Press download")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return _("Downloaded by a press account: %(what)s (%(address)s)") % {
            "what": data.get("what", ""), "address": data.get("path", "")}


def answer_of(item: PressApplication | AccessRequest) -> dict[str, Any]:
    """The answer ``item`` holds now, as an entry's data keeps it (the editor by name: accounts go)."""
    expires_on = getattr(item, "expires_on", None)
    return {"status": item.status, "answer": item.answer, "decided_by": person_name(item.decided_by),
            "expires_on": expires_on.isoformat() if expires_on else ""}


def log_answer(item: PressApplication | AccessRequest, action: str, editor: Any,
               previous: dict[str, Any] | None = None) -> Any:
    """Write the entry for the answer just saved on ``item``, inside the caller's transaction;
    ``previous`` is :func:`answer_of` the item before, for answers that replace one."""
    data = answer_of(item)
    if previous is not None:
        data["previous"] = previous
    return log(instance=item, action=action, user=editor, data=data)


class AnswerFormatter(LogFormatter):
    """An answer as the history reads it ("Approved. Told the person: “…”"), then,
    when it replaced another, that earlier answer, who gave it and what it said."""

    def headline(self, data: dict[str, Any]) -> str:
        raise NotImplementedError

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        parts = [self.headline(data)]
        if data.get("answer"):
            parts.append(_("Told the person: “%(answer)s”") % {"answer": data["answer"]})
        previous = data.get("previous") or {}
        if previous:
            status = dict(Decision.choices).get(previous.get("status"), previous.get("status", ""))
            parts.append(_("Earlier answer: %(status)s by %(person)s.") % {
                "status": status, "person": previous.get("decided_by") or "?"})
            if previous.get("answer"):
                parts.append(_("It said: “%(answer)s”") % {"answer": previous["answer"]})
        return " ".join(parts)


class ApproveFormatter(AnswerFormatter):
    label = gettext_lazy("Press: approve")

    def headline(self, data: dict[str, Any]) -> str:
        if data.get("expires_on"):
            return _("Approved until %(date)s.") % {"date": data["expires_on"]}
        return _("Approved.")


class RejectFormatter(AnswerFormatter):
    label = gettext_lazy("Press: reject")

    def headline(self, data: dict[str, Any]) -> str:
        return _("Rejected.")


class WithdrawFormatter(AnswerFormatter):
    label = gettext_lazy("Press: withdraw an approval")

    def headline(self, data: dict[str, Any]) -> str:
        return _("Approval withdrawn.")


class ReopenFormatter(AnswerFormatter):
    label = gettext_lazy("Press: put back in the queue")

    def headline(self, data: dict[str, Any]) -> str:
        return _("Put back in the queue.")


def register_actions(actions: Any) -> None:
    """``register_log_actions`` hook: every press action with its formatter."""
    actions.register_action(PRESS_DOWNLOAD_ACTION)(PressDownloadFormatter)
    actions.register_action(APPROVE_ACTION)(ApproveFormatter)
    actions.register_action(REJECT_ACTION)(RejectFormatter)
    actions.register_action(WITHDRAW_ACTION)(WithdrawFormatter)
    actions.register_action(REOPEN_ACTION)(ReopenFormatter)
