"""``content_changed``: one hook for everything that mirrors public content.

The search index, the partner-feed change log and outbox, page caches and the
audit trail all need to hear when an item's public state may have changed.
Rather than each of them listening to half a dozen Wagtail and Django signals
(and missing one), this module turns those into a single signal. It covers
publish, unpublish and delete of our pages (items, the home page and the
listings); every save, delete and ethnic-group change of assets; page moves and view restrictions (which
change the visibility of a whole branch) and a site's root page (which
changes every address below it); and saves and deletes of the terms
content shows (places, ethnic groups, topics, contributing units: a renamed
place changes every item that names it), which their app registers with
:func:`track_terms`. Receivers tell a term from an item with :func:`is_term`.

It is sent synchronously, inside the transaction that made the change, so a
receiver that writes to the database (the feed outbox) commits or rolls back
with it; a receiver that talks to another system (Elasticsearch) should defer
its work with ``transaction.on_commit`` or a background task.

Receivers decide visibility themselves with :mod:`storybank.core.visibility`:
``PUBLISHED`` means "this item may now look different", not "this item is
public" (an asset saved with missing consent is still announced).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from storybank.core.models import NormalizedTextPage

#: ``sender`` is the model class; keyword arguments ``instance`` and ``change``.
content_changed = Signal()


class Change(StrEnum):
    PUBLISHED = "published"  # published, republished or updated (an upsert)
    WITHDRAWN = "withdrawn"  # unpublished, rights expired, consent withdrawn
    DELETED = "deleted"


def announce(instance: Any, change: Change) -> None:
    """Send ``content_changed`` for ``instance``. Other apps call this too,
    e.g. the daily rights-expiry task announces ``WITHDRAWN`` assets."""
    content_changed.send(sender=type(instance), instance=instance, change=change)


def asset_models() -> tuple[type, type]:
    """The image and media models, as Wagtail's settings name them (the core imports no app above it)."""
    return get_image_model(), get_document_model()




#: Models whose rows content shows, registered by their own app (``track_terms``).
_terms: set[type] = set()


def track_terms(*models: type) -> None:
    """Announce every save and delete of ``models`` (taxonomy terms that items
    show), so search, feeds and page caches follow a rename. Called by the app
    that owns them, from its ``ready()``: the hub imports no app above core."""
    for model in models:
        _terms.add(model)
        uid = f"core.content_changed.term.{model._meta.label}"
        post_save.connect(_on_term_saved, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_on_term_deleted, sender=model, dispatch_uid=f"{uid}.deleted")


def is_term(sender: type) -> bool:
    """Is ``sender`` a term (shown by items) rather than an item?"""
    return sender in _terms


def _on_term_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures being loaded
        announce(instance, Change.PUBLISHED)


def _on_term_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    announce(instance, Change.DELETED)


def _is_tracked(sender: type) -> bool:
    """Pages of ours (items, the home page and listings, which search finds too) and assets."""
    return (isinstance(sender, type) and issubclass(sender, NormalizedTextPage)) or sender in asset_models()


def _on_page_published(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_tracked(sender):
        announce(instance, Change.PUBLISHED)


def _on_page_unpublished(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_tracked(sender):
        announce(instance, Change.WITHDRAWN)


def _on_asset_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        announce(instance, Change.PUBLISHED)


def _on_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    if _is_tracked(sender):
        announce(instance, Change.DELETED)


def _announce_branch(page: Any) -> None:
    """Announce every page of ours at or below ``page`` (drafts included)."""
    for descendant in Page.objects.descendant_of(page, inclusive=True).type(NormalizedTextPage).specific():
        announce(descendant, Change.PUBLISHED)


def _on_view_restriction_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    """A view restriction makes a whole branch private, or public again."""
    try:
        page = instance.page
    except Page.DoesNotExist:  # the page is being deleted with its restriction
        return
    _announce_branch(page)


def _on_page_moved(sender: type, instance: Any, **kwargs: Any) -> None:
    """A moved branch may now sit under a private (or public) parent."""
    _announce_branch(instance)


def _on_site_saved(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A site's new root page gives every page below it a new address."""
    if not raw and instance.root_page_id:
        type(instance).clear_site_root_paths_cache()  # receivers read the new addresses (Wagtail clears it later)
        _announce_branch(instance.root_page)


def _on_asset_groups_changed(sender: type, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    """An asset's ethnic groups are saved after the asset itself."""
    if not reverse and action in ("post_add", "post_remove", "post_clear"):
        announce(instance, Change.PUBLISHED)


def connect() -> None:
    """Wire Wagtail's and Django's signals to ``content_changed`` (from ``CoreConfig.ready``)."""
    page_published.connect(_on_page_published, dispatch_uid="core.content_changed.published")
    page_unpublished.connect(_on_page_unpublished, dispatch_uid="core.content_changed.unpublished")
    post_delete.connect(_on_deleted, dispatch_uid="core.content_changed.deleted")
    for asset_model in asset_models():
        uid = f"core.content_changed.{asset_model.__name__}"
        post_save.connect(_on_asset_saved, sender=asset_model, dispatch_uid=uid)
        m2m_changed.connect(_on_asset_groups_changed, sender=asset_model.ethnic_groups.through, dispatch_uid=uid)
    post_page_move.connect(_on_page_moved, dispatch_uid="core.content_changed.moved")
    post_save.connect(_on_site_saved, sender=Site, dispatch_uid="core.content_changed.site")
    for restriction_signal in (post_save, post_delete):
        restriction_signal.connect(
            _on_view_restriction_changed, sender=PageViewRestriction,
            dispatch_uid=f"core.content_changed.restriction.{restriction_signal is post_save}",
        )
