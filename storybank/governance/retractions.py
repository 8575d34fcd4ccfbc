"""Retractions: taking a page (with every translation) or an image or media
asset out of the site, search and every feed, with a notice that readers
see and partners must act on.

An editor asks for it with a reason and a notice per language
(:func:`request_retraction`). Items flagged sensitive wait for a
sensitive-content reviewer other than the editor (:func:`approve`,
:func:`decline`); others are retracted at once. Carrying it out
(:func:`carry_out`) unpublishes the live pages (their type announces
``Change.RETRACTED``) or marks the asset retracted and takes its files out
of reach (announced the same way), all in one transaction; the public
addresses then answer 410 Gone with the notice, and a retracted page can
never be published again. Requests, approvals, refusals and retractions are
recorded in the site history with who, when, why and who approved.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

from storybank.core.models import content_page_models
from storybank.core.signals import Change, announce
from storybank.core.text import nfc

from .audit import acting_person, person_name
from .models import Retraction, RetractionNotice, RetractionStatus
from .publishing import PublishingRefused
from .rights import delete_renditions, quarantine_original

RETRACTION_REQUESTED_ACTION = "storybank.retraction_requested"
RETRACTION_ACTION = "storybank.retraction"
RETRACTION_DECLINED_ACTION = "storybank.retraction_declined"


# --- what is retracted ---------------------------------------------------------------------------


def is_page(item: Any) -> bool:
    return isinstance(item, Page)


def translation_group(page: Page) -> list[Page]:
    """The page and its translations (content pages, drafts included)."""
    pages = Page.objects.filter(translation_key=page.translation_key).type(*content_page_models())
    return list(pages.select_related("locale").specific().order_by("locale_id", "pk"))


def published_group(page: Page) -> list[Page]:
    """The pages of the group readers or partners may have seen: each gets a notice in its language."""
    return [member for member in translation_group(page) if member.first_published_at or member.pk == page.pk]


def needs_approval(item: Any) -> bool:
    """A page whose group has an item flagged sensitive needs a sensitive-content reviewer."""
    return is_page(item) and any(getattr(member, "is_sensitive", False) for member in translation_group(item))


def content_type_of(item: Any) -> ContentType:
    """Pages are recorded under Wagtail's ``Page`` (a retraction outlives a change of page type)."""
    return ContentType.objects.get_for_model(Page if is_page(item) else type(item))


def retraction_of(item: Any) -> Retraction | None:
    """The carried-out retraction of ``item`` (a page: of any page of its translation group)."""
    retractions = Retraction.objects.filter(status=RetractionStatus.RETRACTED)
    if is_page(item):
        return retractions.filter(translation_key=item.translation_key).first()
    return retractions.filter(content_type=content_type_of(item), object_id=item.pk).first()


def awaiting_approval(item: Any) -> Retraction | None:
    requests = Retraction.objects.filter(status=RetractionStatus.AWAITING_APPROVAL)
    if is_page(item):
        return requests.filter(translation_key=item.translation_key).first()
    return requests.filter(content_type=content_type_of(item), object_id=item.pk).first()


def is_retracted(item: Any) -> bool:
    return retraction_of(item) is not None


def refuse_if_retracted(page: Page) -> None:
    """A retracted page never goes live again, whoever or whatever publishes it."""
    retraction = retraction_of(page)
    if retraction is not None:
        raise PublishingRefused([
            _("“%(title)s” was retracted on %(date)s and cannot be published again. Publish a new page instead.")
            % {"title": page.title, "date": timezone.localtime(retraction.decided_at).strftime("%d/%m/%Y")}
        ])


def notice_for(item: Any) -> RetractionNotice | None:
    """The notice partners and readers get for one retracted page or asset."""
    notices = RetractionNotice.objects.filter(retraction__status=RetractionStatus.RETRACTED).select_related(
        "retraction")
    if is_page(item):
        return notices.filter(page_id=item.pk).first()
    return notices.filter(retraction__content_type=content_type_of(item), retraction__object_id=item.pk).first()


def notice_at(path: str) -> RetractionNotice | None:
    """The notice of the retracted page that lived at ``path``."""
    if not path:
        return None
    notices = RetractionNotice.objects.filter(public_path=path, retraction__status=RetractionStatus.RETRACTED)
    return notices.select_related("retraction").order_by("-retraction__decided_at").first()


# --- who may -------------------------------------------------------------------------------------


def may_retract(user: Any) -> bool:
    return bool(user and user.is_active and user.has_perm("governance.retract_content"))


def may_approve(user: Any, retraction: Retraction) -> bool:
    """A sensitive-content reviewer, not the editor who asked (superusers may)."""
    if not (user and user.is_active and user.has_perm("governance.approve_retraction")):
        return False
    return user.is_superuser or user.pk != retraction.requested_by_id


# --- asking, approving, carrying out ---------------------------------------------------------------


def request_retraction(item: Any, reason: str, notices: dict[str, str], user: Any) -> Retraction:
    """Ask for ``item`` to be retracted. ``notices``: language → what readers
    and partners are told (pages: one for each live page of the group; a
    language without its own notice gets the first one). Carried out at once
    unless the item needs a reviewer's approval (superusers approve their own)."""
    item = item.specific if is_page(item) else item
    if retraction_of(item) is not None or awaiting_approval(item) is not None:
        raise ValueError("This item is already retracted or awaiting approval.")
    texts = {language: nfc(text).strip() for language, text in notices.items() if text and text.strip()}
    if not texts or not reason.strip():
        raise ValueError("A retraction needs a reason and a notice.")
    approval = needs_approval(item)
    with transaction.atomic():
        retraction = Retraction.objects.create(
            content_type=content_type_of(item), object_id=item.pk, title=item.title[:255],
            translation_key=item.translation_key if is_page(item) else None, reason=nfc(reason).strip(),
            status=RetractionStatus.AWAITING_APPROVAL, needs_approval=approval, requested_by=acting_person(user),
        )
        _write_notices(retraction, item, texts)
        log(instance=item, action=RETRACTION_REQUESTED_ACTION, user=acting_person(user), data=_summary(retraction))
        if not approval or getattr(user, "is_superuser", False):
            carry_out(retraction, approved_by=user if approval else None, actor=user)
    return retraction


def _write_notices(retraction: Retraction, item: Any, texts: dict[str, str]) -> None:
    own_language = item.locale.language_code if is_page(item) else ""
    fallback = texts.get(own_language) or next(iter(texts.values()))
    if not is_page(item):
        language = next(iter(texts))
        RetractionNotice.objects.create(retraction=retraction, language=language, text=texts[language])
        return
    for page in published_group(item):
        language = page.locale.language_code
        parts = page.get_url_parts() if page.first_published_at else None
        RetractionNotice.objects.create(
            retraction=retraction, page=page, language=language, text=texts.get(language, fallback),
            public_path=parts[2] if parts else "",
        )


def approve(retraction: Retraction, reviewer: Any) -> Retraction:
    if retraction.status != RetractionStatus.AWAITING_APPROVAL:
        raise ValueError("This retraction is not awaiting approval.")
    if not may_approve(reviewer, retraction):
        raise PermissionError("Only a sensitive-content reviewer other than the requester may approve it.")
    carry_out(retraction, approved_by=reviewer, actor=reviewer)
    return retraction


def decline(retraction: Retraction, reviewer: Any, comment: str) -> Retraction:
    if retraction.status != RetractionStatus.AWAITING_APPROVAL:
        raise ValueError("This retraction is not awaiting approval.")
    if not may_approve(reviewer, retraction):
        raise PermissionError("Only a sensitive-content reviewer other than the requester may decline it.")
    with transaction.atomic():
        retraction.status, retraction.decided_at = RetractionStatus.DECLINED, timezone.now()
        retraction.approved_by, retraction.reviewer_comment = acting_person(reviewer), nfc(comment).strip()
        retraction.save(update_fields=["status", "decided_at", "approved_by", "reviewer_comment"])
        item = retraction.item
        if item is not None:
            log(instance=item.specific if is_page(item) else item, action=RETRACTION_DECLINED_ACTION,
                user=acting_person(reviewer), data=_summary(retraction))
    return retraction


def carry_out(retraction: Retraction, *, approved_by: Any = None, actor: Any = None) -> None:
    """Retract now: in one transaction, so the item leaves the site, search
    and every feed together (their receivers run inside it)."""
    with transaction.atomic():
        retraction.status, retraction.decided_at = RetractionStatus.RETRACTED, timezone.now()
        retraction.approved_by = acting_person(approved_by)
        retraction.save(update_fields=["status", "decided_at", "approved_by"])
        item = retraction.item
        if is_page(item):
            _retract_pages(retraction, item.specific, actor)
        elif item is not None:
            _retract_asset(retraction, item)


def _retract_pages(retraction: Retraction, page: Page, actor: Any) -> None:
    for member in translation_group(page):
        state = member.current_workflow_state
        if state is not None:
            state.cancel(user=acting_person(actor))  # nothing under review may publish it again
        if member.live:  # the page type announces Change.RETRACTED (withdrawal_change)
            UnpublishPageAction(member, user=acting_person(actor)).execute(skip_permission_checks=True)
        else:  # partners may still hold an older version of it
            announce(member, Change.RETRACTED)
        log(instance=member, action=RETRACTION_ACTION, user=acting_person(actor), data=_summary(retraction, member))


def _retract_asset(retraction: Retraction, asset: Any) -> None:
    type(asset).objects.filter(pk=asset.pk).update(retracted_at=retraction.decided_at)
    asset.retracted_at = retraction.decided_at
    delete_renditions(asset)
    quarantine_original(asset)
    announce(asset, Change.RETRACTED)
    log(instance=asset, action=RETRACTION_ACTION, user=acting_person(retraction.approved_by or retraction.requested_by),
        data=_summary(retraction))


def _summary(retraction: Retraction, page: Page | None = None) -> dict[str, Any]:
    notice = retraction.notices.filter(page_id=page.pk).first() if page is not None else retraction.notices.first()
    return {
        "retraction": retraction.pk,
        "reason": retraction.reason,
        "notice": notice.text if notice else "",
        "requested_by": person_name(retraction.requested_by),
        "approved_by": person_name(retraction.approved_by),
        "needs_approval": retraction.needs_approval,
        "comment": retraction.reviewer_comment,
    }




# --- the site history ------------------------------------------------------------------------------


class RetractionRequestedFormatter(LogFormatter):
    label = gettext_lazy("Retraction requested")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        message = _("Retraction requested: %(reason)s") % {"reason": data.get("reason", "")}
        if data.get("needs_approval"):
            message += " " + _("(flagged sensitive: awaiting a sensitive-content reviewer)")
        return message


class RetractionFormatter(LogFormatter):
    label = gettext_lazy("Retract")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        message = _("Retracted: %(reason)s. Notice: “%(notice)s”") % {
            "reason": data.get("reason", ""), "notice": data.get("notice", "")}
        if data.get("approved_by"):
            message += " " + _("(approved by %(person)s)") % {"person": data["approved_by"]}
        return message


class RetractionDeclinedFormatter(LogFormatter):
    label = gettext_lazy("Retraction declined")

    def format_message(self, log_entry: Any) -> str:
        data = log_entry.data or {}
        return _("Retraction declined by %(person)s: %(comment)s") % {
            "person": data.get("approved_by", ""), "comment": data.get("comment", "")}
