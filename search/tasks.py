"""Background work of the search index: Elasticsearch's updates after commit,
and rebuilds of the embedded backend's tantivy index too large to wait for."""

from __future__ import annotations

from django_tasks import task


@task()
def sync_search_index(object_type: str, object_id: int) -> None:
    """Index the committed state of one object, or remove it when it is gone."""
    from search import service

    service.sync(object_type, object_id)


@task()
def rebuild_search_index() -> None:
    """Rebuild the embedded backend's tantivy index from its database rows
    (asked for when a search finds the index missing, broken or from another
    history and too large to rebuild while the search waits)."""
    from search.backends import get_backend

    get_backend("embedded").rebuild_index()
