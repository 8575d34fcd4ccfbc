"""The one definition of what may leave the editorial office.

The public site, journalists' search, the API, partner feeds, pushes and
press downloads all show only items that are live (published and approved
through their workflow), public (no view restriction on them or an
ancestor), past their go-live time (embargo) and not expired. Assets must
also be within their rights period, must not miss the consent of the people
they show and must not have been retracted. Every part of the product asks
this module rather than writing its own filter, so the rule is the same
everywhere.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from storybank.core.choices import REDISTRIBUTABLE_LICENCES, ConsentStatus


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


def usable_assets(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Images or media assets of ``queryset`` that may be shown publicly:
    rights not expired, consent not missing, not retracted."""
    today = today or timezone.localdate()
    return queryset.filter(
        Q(rights_expire_on__isnull=True) | Q(rights_expire_on__gte=today), retracted_at__isnull=True
    ).exclude(consent_status=ConsentStatus.MISSING)


def is_asset_public(asset: Any, *, today: datetime.date | None = None) -> bool:
    """May ``asset`` (image or media asset) be shown publicly right now?"""
    return asset is not None and asset.is_publicly_usable(today)


def redistributable_assets(queryset: QuerySet, *, today: datetime.date | None = None) -> QuerySet:
    """Publicly usable assets whose licence also lets partners republish them."""
    return usable_assets(queryset, today=today).filter(licence__in=REDISTRIBUTABLE_LICENCES)
