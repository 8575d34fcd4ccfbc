"""What happens when a journalist registers or asks for a photo, and when an
editor answers: accounts, the Press group, grants, the emails that say so and
each answer's entry in the audit trail (``audit``). Each step is one
transaction; an email is sent only once it committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import PRESS_GROUP_NAME
from storybank.governance.rights import _preferred_language, admin_url, editors_to_notify

from .audit import APPROVE_ACTION, REJECT_ACTION, REOPEN_ACTION, WITHDRAW_ACTION, answer_of, log_answer
from .confirmation import CONFIRM_LINK_DAYS, confirmation_token
from .grants import claim_token
from .models import AccessRequest, Decision, PressApplication


def site_url(path: str) -> str:
    """An absolute address on the public site for an email (``WAGTAILADMIN_BASE_URL`` is the site's root)."""
    return admin_url(path)


def send(recipients: list[tuple[str, str]], subject: str, template: str, context: dict[str, Any]) -> int:
    """One email per (address, language), each written in its reader's language."""
    messages = []
    for address, language in recipients:
        with translation.override(language):
            body = render_to_string(template, context)
            messages.append(EmailMessage(subject=_(subject), body=body, to=[address]))
    return get_connection().send_messages(messages) or 0 if messages else 0


def tell_editors(subject: str, template: str, context: dict[str, Any]) -> None:
    editors = [(user.email, _preferred_language(user)) for user in editors_to_notify()]
    transaction.on_commit(lambda: send(editors, subject, template, context))


def tell(address: str, language: str, subject: str, template: str, context: dict[str, Any]) -> None:
    language = language or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: send([(address, language)], subject, template, context))


# --- press accounts -----------------------------------------------------------------------
@transaction.atomic
def register(data: dict[str, Any]) -> PressApplication:
    """Create the journalist's account (not yet in the Press group) and their application."""
    user = get_user_model().objects.create_user(
        username=data["email"], email=data["email"], password=data["password"], first_name=data["name"][:150],
    )
    application = PressApplication.objects.create(
        user=user, language=translation.get_language() or "", outlet=data["outlet"], role=data["role"],
        phone=data.get("phone", ""), statement=data["statement"],
    )
    tell_editors(gettext_noop("New press account application"), "press/email/application_received.txt", {
        "application": application, "review_url": admin_url(reverse("press_accounts_applications")),
    })
    send_confirmation(application)
    return application


def send_confirmation(application: PressApplication) -> None:
    """Email the applicant the link that confirms their address (once the transaction commits)."""
    link = site_url(reverse("press_accounts:confirm_email", args=[confirmation_token(application)]))
    tell(application.user.email, application.language, gettext_noop("Confirm your email address"),
         "press/email/confirm_email.txt", {"application": application, "confirm_url": link,
                                           "days": CONFIRM_LINK_DAYS})


@transaction.atomic
def confirm_email(application: PressApplication) -> bool:
    """Record that the applicant opened the link; False when it was already confirmed."""
    return PressApplication.objects.filter(pk=application.pk, email_confirmed_at__isnull=True).update(
        email_confirmed_at=timezone.now()) == 1


def approval_refusal(application: PressApplication) -> str:
    """Why ``application`` cannot be approved yet ("" when it can): its address is not confirmed."""
    if application.email_confirmed_at is None:
        return _("The applicant has not confirmed their email address yet, so the account cannot be approved. "
                 "You can reject it, or wait: the press room lets them ask for a new link.")
    return ""


@transaction.atomic
def decide_application(application: PressApplication, editor: Any, approve: bool, answer: str = "") -> None:
    application = PressApplication.objects.select_for_update().get(pk=application.pk)
    refusal = approval_refusal(application) if approve else ""
    if refusal:  # the queue shows it on the form; this keeps every other caller honest
        raise PermissionDenied(refusal)
    application.status = Decision.APPROVED if approve else Decision.REJECTED
    application.decided_by, application.decided_at, application.answer = editor, timezone.now(), answer.strip()
    application.save()
    log_answer(application, APPROVE_ACTION if approve else REJECT_ACTION, editor)
    press, _created = Group.objects.get_or_create(name=PRESS_GROUP_NAME)
    if approve:
        application.user.groups.add(press)
    else:
        application.user.groups.remove(press)
    tell(application.user.email, application.language, gettext_noop("Your press account application"),
         "press/email/application_decided.txt", {
        "application": application, "sign_in_url": site_url(reverse("press_accounts:sign_in")),
    })


@transaction.atomic
def withdraw(item: PressApplication | AccessRequest, editor: Any, reason: str) -> bool:
    """Take back an approval (a press account, or a photo's grant before it expires) and tell the
    person why; False when it is no longer approved (someone else was quicker)."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status != Decision.APPROVED:
        return False
    previous = answer_of(item)
    item.status, item.decided_by, item.decided_at, item.answer = Decision.WITHDRAWN, editor, timezone.now(), reason
    item.save()
    log_answer(item, WITHDRAW_ACTION, editor, previous)
    if isinstance(item, PressApplication):
        item.user.groups.remove(Group.objects.get_or_create(name=PRESS_GROUP_NAME)[0])
        address, name, title = item.user.email, item.user.get_full_name() or item.user.get_username(), ""
    else:
        address, name, title = item.email, item.name, item.image.title
    tell(address, item.language, gettext_noop("An approval was withdrawn"), "press/email/withdrawn.txt",
         {"item": item, "name": name, "title": title})
    return True


@transaction.atomic
def reopen(item: PressApplication | AccessRequest, editor: Any) -> bool:
    """Put a rejected or withdrawn item back in its queue, to be answered again (an
    answer given by mistake, a press card renewed), its earlier answer cleared so
    nothing reads as decided (the audit entry, by ``editor``, keeps it); False when
    it is no longer either, or when the same person's request for the same photo
    already waits. Nobody is emailed now: the next answer is, as any answer."""
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.status not in (Decision.REJECTED, Decision.WITHDRAWN):
        return False
    if isinstance(item, AccessRequest) and AccessRequest.objects.filter(
            image=item.image_id, email=item.email, status=Decision.PENDING).exists():
        return False
    previous = answer_of(item)
    item.status, item.decided_by, item.decided_at, item.answer = Decision.PENDING, None, None, ""
    if isinstance(item, AccessRequest):
        item.expires_on = None
    item.save()
    log_answer(item, REOPEN_ACTION, editor, previous)
    return True


# --- access requests ----------------------------------------------------------------------
@transaction.atomic
def request_access(image: LaoCaiImage, user: Any, data: dict[str, Any]) -> AccessRequest:
    """A new request, and the editors told; the same person asking again while
    one waits gets that one back (no second email to the editors)."""
    signed_in = getattr(user, "is_authenticated", False)
    asker = {"requester": user} if signed_in else {"requester__isnull": True, "email": data["email"].strip().lower()}
    waiting = AccessRequest.objects.filter(image=image, status=Decision.PENDING, **asker).first()
    if waiting is not None:
        return waiting
    access_request = AccessRequest.objects.create(
        image=image, requester=user if signed_in else None, reason=data["reason"],
        language=translation.get_language() or "",
        name=(user.get_full_name() or user.get_username()) if signed_in else data["name"],
        email=user.email if signed_in else data["email"].strip().lower(),
    )
    tell_editors(gettext_noop("New request for a restricted photo"), "press/email/access_requested.txt", {
        "request": access_request, "review_url": admin_url(reverse("press_accounts_access_requests")),
    })
    return access_request


@transaction.atomic
def decide_access(access_request: AccessRequest, editor: Any, approve: bool, answer: str = "",
                  expires_on: Any = None) -> None:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    access_request.status = Decision.APPROVED if approve else Decision.REJECTED
    access_request.decided_by, access_request.decided_at = editor, timezone.now()
    access_request.answer, access_request.expires_on = answer.strip(), expires_on if approve else None
    access_request.save()
    log_answer(access_request, APPROVE_ACTION if approve else REJECT_ACTION, editor)
    photo_url = site_url(reverse("public:photo", args=[access_request.image_id]))
    claim_url = ""
    if approve and access_request.requester_id is None:
        claim_url = site_url(reverse("press_accounts:claim", args=[claim_token(access_request)]))
    tell(access_request.email, access_request.language, gettext_noop("Your request for a restricted photo"),
         "press/email/access_decided.txt", {
        "request": access_request, "photo_url": photo_url, "claim_url": claim_url,
        "register_url": site_url(reverse("press_accounts:register")),
    })


@transaction.atomic
def claim(access_request: AccessRequest, user: Any) -> bool:
    """Attach an anonymous visitor's approved request to the account that opened its private link."""
    return AccessRequest.objects.filter(pk=access_request.pk, requester__isnull=True).update(requester=user) == 1
