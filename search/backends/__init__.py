"""Search backends: ``embedded`` (SQLite FTS5 or PostgreSQL full-text search,
in the site's own database) and ``cluster`` (OpenSearch or Elasticsearch,
``search.backends.cluster``). ``settings.SEARCH_BACKEND`` chooses; both index
the same :class:`~search.documents.IndexEntry` objects and answer the same
:class:`~search.query.SearchQuery`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from search.documents import IndexEntry
from search.query import FacetCounts, SearchHit, SearchQuery

BACKENDS = {
    "embedded": "search.backends.embedded.EmbeddedBackend",
    "cluster": "search.backends.cluster.ClusterBackend",
}

#: (object_type, object_id), e.g. ("page", 12).
ObjectKey = tuple[str, int]


@dataclass
class BackendResults:
    hits: list[SearchHit]
    total: int
    facets: FacetCounts = field(default_factory=dict)


class SearchBackend(ABC):
    name: str = ""
    #: Does the backend apply changes inside the changing transaction?
    synchronous: bool = True

    @abstractmethod
    def replace(self, keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
        """Make ``entries`` the whole index content of the objects ``keys``
        (entries of those objects that are not given are removed)."""

    @abstractmethod
    def search(self, query: SearchQuery) -> BackendResults: ...

    @abstractmethod
    def page_ids_showing_image(self, image_id: int) -> list[int]:
        """Pages whose result card shows ``image_id`` as thumbnail."""

    @abstractmethod
    def reindex(self, objects: Iterable[Any], *, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the whole index from ``objects``; return the number of entries."""

    def remove(self, keys: Iterable[ObjectKey]) -> None:
        self.replace(keys, [])


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached; pages and the API say so (503)."""


_backends: dict[str, SearchBackend] = {}


def get_backend(name: str | None = None) -> SearchBackend:
    name = name or settings.SEARCH_BACKEND
    if name not in _backends:
        if name not in BACKENDS:
            raise ValueError(f"Unknown search backend {name!r}; choose one of {sorted(BACKENDS)}")
        _backends[name] = import_string(BACKENDS[name])()
    return _backends[name]
