"""What is coming under embargo: pages scheduled to go live later, with the
time they will. Shown to press accounts only; the pages themselves answer
404 to everyone until then (they are not live, ``visibility.public_pages``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Revision


@dataclass
class EmbargoedItem:
    title: str
    language: str
    go_live_at: datetime.datetime


def embargoed_items(*, at: datetime.datetime | None = None, limit: int = 50) -> list[EmbargoedItem]:
    """Scheduled publications (a revision approved to go live later) and live
    pages whose go-live time is still ahead, soonest first; private sections left out."""
    now = at or timezone.now()
    scheduled = {int(revision.object_id): revision for revision in
                 Revision.page_revisions.filter(approved_go_live_at__gt=now).order_by("approved_go_live_at")}
    pages = Page.objects.filter(Q(pk__in=scheduled) | Q(live=True, go_live_at__gt=now)).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now)).select_related("locale")
    restricted = PageViewRestriction.objects.values_list("page__path", flat=True)
    items = []
    for page in pages:
        if any(page.path.startswith(path) for path in restricted):
            continue
        revision = scheduled.get(page.pk)
        if revision is not None:
            title, go_live_at = revision.content.get("title") or page.title, revision.approved_go_live_at
        else:
            title, go_live_at = page.title, page.go_live_at
        items.append(EmbargoedItem(title, page.locale.language_code, go_live_at))
    return sorted(items, key=lambda item: item.go_live_at)[:limit]
