"""Background work of the search index (used by the cluster backend:
the embedded backend writes synchronously)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from search import service


@task()
def sync_search_index(object_type: str, object_id: int) -> None:
    """Index the committed state of one object, or remove it when it is gone."""
    service.sync(object_type, object_id)


@task()
def sync_search_objects(keys: list[list[Any]]) -> None:
    """Index the committed state of many objects ([object_type, object_id] pairs): the items of a renamed term."""
    from search import service

    service.sync_many((object_type, int(object_id)) for object_type, object_id in keys)
