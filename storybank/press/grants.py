"""An approved access request is a grant: its account may have that photo's
files until the grant expires. Registered with the visibility rule at
``ready()`` (``register_press_only_grant``), so core knows no press app."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils import timezone

from .models import AccessRequest, Decision

CLAIM_SALT = "press_accounts.claim"


def has_live_grant(user: Any, asset: Any) -> bool:
    """Does an approved, unexpired access request give ``user`` this image?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active or getattr(asset, "kind", "") != "image":
        return False
    return AccessRequest.objects.filter(
        requester=user, image_id=asset.pk, status=Decision.APPROVED, expires_on__gte=timezone.localdate(),
    ).exists()


def claim_token(access_request: AccessRequest) -> str:
    """The private token of the approval email that attaches an anonymous request to an account."""
    return signing.dumps(access_request.pk, salt=CLAIM_SALT)


def request_of_token(token: str) -> AccessRequest | None:
    try:
        pk = signing.loads(token, salt=CLAIM_SALT)
    except signing.BadSignature:
        return None
    return AccessRequest.objects.filter(pk=pk, requester__isnull=True, status=Decision.APPROVED).first()
