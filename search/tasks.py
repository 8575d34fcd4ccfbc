"""Background work of the search index: the cluster backend's updates after
commit, and rebuilds of the embedded backend's tantivy index too large to wait
for (the embedded backend otherwise writes synchronously)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from search import service
from search.backends import get_backend


@task()
def sync_search_index(object_type: str, object_id: int) -> None:
    """Index the committed state of one object, or remove it when it is gone."""
    service.sync(object_type, object_id)


@task()
def sync_search_objects(keys: list[list[Any]]) -> None:
    """Index the committed state of many objects ([object_type, object_id] pairs): the items of a renamed term."""
    service.sync_many((object_type, int(object_id)) for object_type, object_id in keys)


@task()
def rebuild_search_index() -> None:
    """Rebuild the embedded backend's tantivy index from its database rows
    (asked for when a search finds the index missing, broken or from another
    history and too large to rebuild while the search waits)."""
    get_backend("embedded").rebuild_index()
