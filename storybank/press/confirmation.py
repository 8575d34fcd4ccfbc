"""Proof that an applicant reads the address they registered with: a signed,
expiring link sent at registration (and again on request from the press
room). Editors see whether it was opened, and approve only confirmed
addresses, since the address is how a press account signs in and is told
of every decision."""

from __future__ import annotations

import datetime

from django.core import signing

from .models import PressApplication

CONFIRM_SALT = "press_accounts.confirm_email"
#: How long a confirmation link works.
CONFIRM_LINK_DAYS = 7


def confirmation_token(application: PressApplication) -> str:
    """The link's token: the application and the address it was sent to."""
    return signing.dumps({"application": application.pk, "email": application.user.email.lower()}, salt=CONFIRM_SALT)


def application_of_token(token: str) -> PressApplication | None:
    """The application a valid, unexpired token confirms, while its account still has that address."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=datetime.timedelta(days=CONFIRM_LINK_DAYS))
    except signing.BadSignature:  # expired links raise SignatureExpired, a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    application = PressApplication.objects.select_related("user").filter(pk=data.get("application")).first()
    if application is None or application.user.email.lower() != data.get("email"):
        return None
    return application
