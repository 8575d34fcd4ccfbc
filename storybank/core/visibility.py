"""The one definition of what may leave the editorial office.

The public site, journalists' search, the API, partner feeds, pushes, press
downloads and every file route (``/media/``, documents, signed S3 URLs) show
only items that are live (published and approved through their workflow),
public (no view restriction on them or an ancestor), past their go-live time
(embargo) and not expired. Assets must also not have been retracted, have
been reviewed by an editor, be within their rights period, not miss the
consent of the people they show, and carry a licence for everyone
(``press-only`` is for the press alone, and for whom an editor granted it).
Every part of the product asks this module rather than writing its own
filter, so the rule is the same everywhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.permissions import policy_registry

from storybank.core.choices import REDISTRIBUTABLE_LICENCES, ConsentStatus, Licence


def public_pages(queryset: QuerySet | None = None, *, at: datetime.datetime | None = None) -> QuerySet:
    """Pages of ``queryset`` (all pages by default) that the public may see at ``at``."""
    now = at or timezone.now()
    pages = queryset if queryset is not None else Page.objects.all()
    return (
        pages.live()
        .public()
        .filter(Q(go_live_at__isnull=True) | Q(go_live_at__lte=now))
        .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
    )


def is_page_public(page: Page, *, at: datetime.datetime | None = None) -> bool:
    """Does ``page`` pass :func:`public_pages` right now? (One query at most.)"""
    now = at or timezone.now()
    if not page.live or page.pk is None:
        return False
    if page.go_live_at and page.go_live_at > now:
        return False
    if page.expire_at and page.expire_at <= now:
        return False
    return not PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True)).exists()


# --- assets -------------------------------------------------------------------------------
# Why an asset is withheld from the public; the same reasons, in the same
# order, as a database filter (``public_asset_filter``) and in Python
# (``withheld_reason``).
RETRACTED = "retracted"  # an editor retracted it: it never appears again anywhere
AWAITING_REVIEW = "awaiting-review"  # a contributor's upload no editor has approved yet
RIGHTS_EXPIRED = "rights-expired"
CONSENT_MISSING = "consent-missing"
PRESS_ONLY = "press-only"  # the licence allows the press only, not the public site

#: Reasons that mean "withdrawn" (the public saw it once; downloads answer 410 Gone)
#: rather than "not for you" (404: its existence is not revealed).
WITHDRAWN_REASONS = frozenset({RETRACTED, RIGHTS_EXPIRED, CONSENT_MISSING})


def public_asset_filter(today: datetime.date | None = None) -> Q:
    """The database form of :func:`withheld_reason` being None."""
    today = today or timezone.localdate()
    return (
        Q(retracted_at__isnull=True)
        & Q(awaiting_review=False)
        & (Q(rights_expire_on__isnull=True) | Q(rights_expire_on__gte=today))
        & ~Q(consent_status=ConsentStatus.MISSING)
        & ~Q(licence=Licence.PRESS_ONLY)
    )


def withheld_reason(asset: Any, *, today: datetime.date | None = None) -> str | None:
    """Why the public may not see ``asset`` (image or media asset) now, or None."""
    today = today or timezone.localdate()
    if getattr(asset, "retracted_at", None) is not None:
        return RETRACTED
    if getattr(asset, "awaiting_review", False):
        return AWAITING_REVIEW
    if asset.rights_expire_on is not None and asset.rights_expire_on < today:
        return RIGHTS_EXPIRED
    if asset.consent_status == ConsentStatus.MISSING:
        return CONSENT_MISSING
    if asset.licence == Licence.PRESS_ONLY:
        return PRESS_ONLY
    return None


def usable_assets(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Images or media assets of ``queryset`` that may be shown publicly."""
    return queryset.filter(public_asset_filter(today))


def is_asset_public(asset: Any, *, today: datetime.date | None = None) -> bool:
    """May ``asset`` (image or media asset) be shown publicly right now?"""
    return asset is not None and withheld_reason(asset, today=today) is None


def redistributable_assets(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Publicly usable assets whose licence also lets partners republish them."""
    return usable_assets(queryset, today=today).filter(licence__in=REDISTRIBUTABLE_LICENCES)


# --- who may have an asset's file -----------------------------------------------------------


#: The group editors add a journalist to when they approve a press account
#: (issue 16). Membership is what "approved press account" means everywhere.
PRESS_GROUP_NAME = "Press"


def is_press_account(user: Any) -> bool:
    """Is ``user`` an approved press account (active, in the Press group)?
    Press accounts see and download ``press-only`` assets."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.groups.filter(name=PRESS_GROUP_NAME).exists()


#: Predicates ``(user, asset) -> bool`` that give one person a ``press-only``
#: asset outside the Press group (an editor's approved access request).
#: Apps above core register theirs at ``ready()``; core imports none of them.
PRESS_ONLY_GRANTS: list[Callable[[Any, Any], bool]] = []


def register_press_only_grant(predicate: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """Add ``predicate`` to :data:`PRESS_ONLY_GRANTS` (once); usable as a decorator."""
    if predicate not in PRESS_ONLY_GRANTS:
        PRESS_ONLY_GRANTS.append(predicate)
    return predicate


def may_download(user: Any, asset: Any, *, today: datetime.date | None = None) -> bool:
    """May ``user`` (anonymous too) have the file of ``asset``, its original
    or any rendition? Every file route asks this: ``/media/``, documents,
    press downloads and kits, signed S3 URLs.

    The public gets public assets; the press also gets ``press-only`` ones,
    and so does a person a registered grant names (:data:`PRESS_ONLY_GRANTS`);
    people who manage the asset in the admin (its collection's "change" or
    "choose" permission) get everything they can already see there, except a
    retracted asset, which nobody gets.
    """
    reason = withheld_reason(asset, today=today)
    if reason is None:
        return True
    if reason == RETRACTED or not getattr(user, "is_authenticated", False):
        return False  # a retraction is final: no rendition is made again, not even for the staff
    if reason == PRESS_ONLY and (is_press_account(user) or any(grant(user, asset) for grant in PRESS_ONLY_GRANTS)):
        return True
    return manages_asset(user, asset)


def manages_asset(user: Any, asset: Any) -> bool:
    """Does ``user`` work with ``asset`` in the admin (and so see its files)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    policy = policy_registry.get_by_type(type(asset))
    # An upload nobody approved yet stays with those who may change it (its
    # unit and the editors); choosing from the bank is enough for the rest.
    actions = ["change"] if getattr(asset, "awaiting_review", False) else ["change", "choose"]
    return policy.user_has_any_permission_for_instance(user, actions, asset)


# --- what the admin shows of unpublished items ----------------------------------------------


def unpublished_visible_to(user: Any) -> dict[str, list[int]] | None:
    """The items whose unpublished state (drafts, assets awaiting review or
    withdrawn) ``user`` may see in the admin: ``{"page": ids, "image": ids,
    "media": ids}``, or None for every item (superusers, and editors who may
    change the whole page tree). Asked through Wagtail's permission policies,
    which governance narrows to the unit rule, so drafts stay with their unit."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {"page": [], "image": [], "media": []}
    pages = policy_registry.get_by_type(Page)
    if user.is_superuser or pages.user_has_permission_for_instance(user, "change", Page.get_first_root_node()):
        return None
    scope = {"page": list(pages.explorable_instances(user).values_list("pk", flat=True))}
    for key, model in (("image", get_image_model()), ("media", get_document_model())):
        policy = policy_registry.get_by_type(model)
        scope[key] = list(policy.instances_user_has_permission_for(user, "change").values_list("pk", flat=True))
    return scope
