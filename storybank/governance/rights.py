"""Rights: withdrawing assets whose rights have expired.

``withdraw_expired_assets()`` is the daily task. For each image or media
asset whose rights ended before today it deletes the renditions (rows and
files, so their addresses answer 404), moves the original on local storage
to an unguessable name (its old address answers 404), announces
``Change.WITHDRAWN`` (search and feeds drop it), logs it in the audit trail
and tells the editors which pages used it. Pages, search, feeds and press
downloads already hide such assets at request time
(``storybank.core.visibility``); the task removes what is left behind. What
may not be published (consent, the sensitive review) is
:mod:`storybank.governance.publishing`.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import shutil
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, ReferenceIndex

from media_pipeline.credited_originals import forget_other_versions
from storybank.assets.models import LaoCaiImage, MediaAsset
from storybank.core.signals import Change, announce

from .audit import WITHDRAWN_ACTION
from .models import RightsWithdrawal
from .roles import ADMINISTRATORS, EDITORS

logger = logging.getLogger(__name__)


# --- who uses an asset ------------------------------------------------------------------


def pages_using(asset: Any) -> list[Page]:
    """Pages (every locale, drafts included) that show ``asset``, from
    Wagtail's reference index."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to(asset)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        .distinct()
    )
    return list(Page.objects.filter(pk__in=[int(pk) for pk in ids if str(pk).isdigit()])
                .select_related("locale").order_by("title", "pk"))


# --- withdrawal ---------------------------------------------------------------------------


def expired_assets(today: datetime.date | None = None) -> Iterable[LaoCaiImage | MediaAsset]:
    today = today or timezone.localdate()
    for model in (LaoCaiImage, MediaAsset):
        yield from model.objects.filter(rights_expire_on__lt=today).order_by("pk")


def withdraw_expired_assets(today: datetime.date | None = None) -> list[RightsWithdrawal]:
    """Withdraw every asset whose rights ended before ``today``; returns the
    new withdrawals. Idempotent: a second run only deletes renditions made
    since (e.g. admin thumbnails) and records nothing twice."""
    new = []
    for asset in expired_assets(today):
        try:
            record = withdraw(asset)
        except Exception:  # one broken file must not stop the others
            logger.exception("Could not withdraw %s %s", type(asset).__name__, asset.pk)
            continue
        if record is not None:
            new.append(record)
    return new


def withdraw(asset: LaoCaiImage | MediaAsset) -> RightsWithdrawal | None:
    """Withdraw one expired asset; returns the withdrawal when it is new."""
    kind = RightsWithdrawal.AssetKind.IMAGE if isinstance(asset, LaoCaiImage) else RightsWithdrawal.AssetKind.MEDIA
    with transaction.atomic():
        deleted = delete_renditions(asset)
        record = RightsWithdrawal.objects.filter(
            asset_kind=kind, asset_id=asset.pk, rights_expire_on=asset.rights_expire_on
        ).first()
        if record is not None:
            if deleted:
                record.renditions_deleted += deleted
                record.save(update_fields=["renditions_deleted"])
            return None
        moved_from = quarantine_original(asset)
        pages = pages_using(asset)
        record = RightsWithdrawal.objects.create(
            asset_kind=kind, asset_id=asset.pk, title=asset.title, credit=asset.credit,
            rights_expire_on=asset.rights_expire_on, renditions_deleted=deleted,
            pages=[{"id": page.pk, "title": page.title, "locale": page.locale.language_code, "live": page.live}
                   for page in pages],
        )
        announce(asset, Change.WITHDRAWN)
        log(instance=asset, action=WITHDRAWN_ACTION, data={
            "rights_expire_on": asset.rights_expire_on.isoformat(), "renditions_deleted": deleted,
            "original_moved": bool(moved_from), "pages": [page.pk for page in pages],
        })
        record_id = record.pk
        transaction.on_commit(lambda: notify_editors(record_id))
    return record


def delete_renditions(asset: Any) -> int:
    """Delete the asset's renditions and credited originals; their files go
    once the deletion commits."""
    if isinstance(asset, LaoCaiImage):
        transaction.on_commit(lambda: forget_other_versions(asset))
    renditions = getattr(asset, "renditions", None)
    if renditions is None:
        return 0
    files = [(rendition.file.storage, rendition.file.name) for rendition in renditions.all() if rendition.file]
    if not files:
        return 0
    renditions.all().delete()

    def remove_files() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except Exception:
                logger.warning("Could not delete rendition file %s", name, exc_info=True)

    transaction.on_commit(remove_files)
    return len(files)


def quarantine_original(asset: Any) -> str:
    """On local storage, give the original file a new unguessable name so its
    public address (``/media/original_images/…``) answers 404; returns the
    old name ("" when nothing moved). On S3 the bucket is private and every
    address is signed for ``S3_SIGNED_URL_SECONDS``: nothing signs a new one
    for a withdrawn asset, so nothing needs to move."""
    storage = asset.file.storage
    old_name = asset.file.name
    if not old_name or not isinstance(storage, FileSystemStorage) or not storage.exists(old_name):
        return ""
    folder, filename = os.path.split(old_name)
    stem, extension = os.path.splitext(filename)
    # The random part comes first: Wagtail shortens long names when it names
    # renditions, and their names must stay unguessable too.
    new_name = os.path.join(folder, f"{secrets.token_hex(12)}-{stem.split('.')[0][:24]}{extension}")
    old_path, new_path = storage.path(old_name), storage.path(new_name)
    try:
        os.link(old_path, new_path)  # instant, even for a two-gigabyte video
    except OSError:
        shutil.copy2(old_path, new_path)
    type(asset).objects.filter(pk=asset.pk).update(file=new_name)
    asset.file.name = new_name

    def remove_old() -> None:
        try:
            os.remove(old_path)
        except FileNotFoundError:
            pass

    # If the withdrawal rolls back, the database keeps the old name and the
    # new link is a stray copy under a name nobody knows.
    transaction.on_commit(remove_old)
    return old_name


# --- telling the editors -----------------------------------------------------------------


def editors_to_notify() -> list[Any]:
    """Active editors and administrators with an email address (superusers
    when no such group has members)."""
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(email="")
    chosen = list(users.filter(groups__name__in=[EDITORS, ADMINISTRATORS]).distinct().order_by("pk"))
    return chosen or list(users.filter(is_superuser=True).order_by("pk"))


def admin_url(path: str) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{path}"


def notify_editors(record_id: int) -> int:
    """Email the editors about a withdrawal; returns how many were told."""
    record = RightsWithdrawal.objects.filter(pk=record_id).first()
    if record is None:
        return 0
    recipients = editors_to_notify()
    messages = []
    for user in recipients:
        language = _preferred_language(user)
        with translation.override(language):
            context = {
                "record": record,
                "user": user,
                "pages": [
                    {**page, "edit_url": admin_url(reverse("wagtailadmin_pages:edit", args=[page["id"]]))}
                    for page in record.pages
                ],
                "report_url": admin_url(reverse("governance_withdrawals")),
            }
            subject = _("Rights expired: “%(title)s” has been withdrawn") % {"title": record.title}
            body = render_to_string("governance/email/rights_withdrawn.txt", context)
        messages.append(EmailMessage(subject=subject, body=body, to=[user.email]))
    sent = get_connection().send_messages(messages) if messages else 0
    RightsWithdrawal.objects.filter(pk=record.pk).update(notified=len(messages))
    return sent or 0


def _preferred_language(user: Any) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    language = profile.get_preferred_language() if profile is not None else ""
    return language or settings.LANGUAGE_CODE


def recent_withdrawals(days: int = 30) -> Any:
    since = timezone.now() - datetime.timedelta(days=days)
    return RightsWithdrawal.objects.filter(withdrawn_at__gte=since).order_by("-withdrawn_at")
