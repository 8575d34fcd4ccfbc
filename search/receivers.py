"""Keeps the search index current.

Everything arrives through ``storybank.core.signals.content_changed``
(renamed places, ethnic groups, topics and units too) except
drafts saved in the admin, which editors search too (Wagtail's
``after_create_page``/``after_edit_page`` hooks, in ``wagtail_hooks``).

The embedded backend writes inside the changing transaction, so an
unpublished item has left the index when that transaction commits.
A cluster (OpenSearch, Elasticsearch) is another system: the change is handed to a background task
once the transaction has committed, and the task reads the committed state.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from search.backends import get_backend
from search.documents import keys_showing, object_key
from storybank.core.signals import Change, content_changed, is_term


def on_content_changed(sender: type, instance: Any, change: Change, **kwargs: Any) -> None:
    if is_term(sender):
        schedule_term_sync(instance)
        return
    key = object_key(instance)
    if key is not None:
        schedule_sync(*key, deleted=change == Change.DELETED)


def schedule_term_sync(term: Any) -> None:
    """A renamed (or deleted) place, group, topic or unit: the items that show it, and a place's own page,
    are indexed again, now (embedded) or by one task after commit (cluster). Facet labels follow at once."""
    from search import service
    from search.tasks import sync_search_objects

    service.forget_labels()
    keys = keys_showing(term)
    if get_backend().synchronous:
        service.sync_many(keys)
    else:
        transaction.on_commit(lambda: sync_search_objects.enqueue([list(key) for key in keys]))


def schedule_sync(object_type: str, object_id: int, *, deleted: bool = False) -> None:
    """Bring one object's index entries up to date: now (embedded) or after commit (cluster)."""
    from search import service
    from search.tasks import sync_search_index

    if get_backend().synchronous:
        service.sync(object_type, object_id, deleted=deleted)
    else:
        transaction.on_commit(lambda: sync_search_index.enqueue(object_type, object_id))


def connect() -> None:
    content_changed.connect(on_content_changed, dispatch_uid="search.content_changed")
