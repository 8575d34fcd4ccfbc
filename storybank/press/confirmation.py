"""Proof that an applicant reads the address they registered with: a signed,
expiring link sent at registration (and again on request from the press
room). Editors see whether it was opened, and approve only confirmed
addresses, since the address is how a press account signs in and is told
of every decision."""

from __future__ import annotations

import datetime

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import PressApplication

CONFIRM_SALT = "press_accounts.confirm_email"
#: How long a confirmation link works.
CONFIRM_LINK_DAYS = 7


def address_digest(application: PressApplication) -> str:
    """A keyed digest of the account's address: the link is bound to it without
    showing it (links end up in access logs)."""
    return salted_hmac(CONFIRM_SALT, application.user.email.lower()).hexdigest()[:32]


def confirmation_token(application: PressApplication) -> str:
    """The link's token: the application and a digest of the address it was sent to."""
    return signing.dumps({"application": application.pk, "address": address_digest(application)}, salt=CONFIRM_SALT)


def application_of_token(token: str) -> PressApplication | None:
    """The application a valid, unexpired token confirms, while its account still has that address."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_LINK_DAYS))
    except signing.BadSignature:  # expired links raise SignatureExpired, a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    application = PressApplication.objects.select_related("user").filter(pk=data.get("application")).first()
    if application is None or not constant_time_compare(address_digest(application), str(data.get("address"))):
        return None
    return application
