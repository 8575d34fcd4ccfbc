"""The cluster backend, the same for OpenSearch and Elasticsearch: it builds
every request with :mod:`.bodies` and sends it through a :class:`Connection`,
the only part that knows which engine (and which Python client) answers.

* **Writes** arrive through a background task after the changing transaction
  commits (``search.receivers``). Each carries an external version (when the
  source was read), so a late write of an older state never wins.
* **Reindexing** builds a new index (reachable as ``<alias>-next`` so live
  updates reach it too), then swaps the alias atomically and deletes the old
  index: search keeps answering throughout.
* **An unreachable cluster** is :class:`~search.backends.SearchUnavailable`
  (the page and the API say so with a 503); nothing is cached about the
  failure, so search answers again as soon as the cluster does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from search.backends import BackendResults, ObjectKey, SearchBackend, SearchUnavailable
from search.backends.cluster.bodies import (
    alias_swap_actions,
    bulk_actions,
    index_body,
    read_response,
    search_body,
    thumbnail_pages_body,
)
from search.documents import IndexEntry, entries_for, object_key
from search.query import SearchQuery

logger = logging.getLogger(__name__)

#: Objects read and written per bulk request while reindexing.
REINDEX_BATCH = 200
ENGINES = ("opensearch", "elasticsearch")


class Connection:
    """What the backend needs of a cluster, through one engine's Python client.
    The two clients (``opensearch-py``, ``elasticsearch``) share their shape
    since the fork; a subclass names its client's classes and writes the two
    calls whose signatures differ. Every method raises
    :class:`SearchUnavailable` when the cluster cannot be reached or refuses."""

    engine: str = ""
    client: Any
    #: The client's "index or alias not found" error, and the base of every failure.
    not_found: type[Exception]
    failure: tuple[type[Exception], ...]
    #: ``helpers.bulk`` of the client.
    bulk_helper: Callable[..., tuple[int, list[dict[str, Any]]]]

    def create_index(self, name: str, body: dict[str, Any], aliases: Iterable[str]) -> None:
        raise NotImplementedError

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def get_alias(self, alias: str) -> dict[str, Any]:
        """``GET /_alias/<alias>``, its 404 answered without raising (or logging a warning)."""
        raise NotImplementedError

    def indices_behind(self, alias: str) -> list[str]:
        """The indices ``alias`` points at (none when it does not exist)."""
        with self.unavailable_on_failure():
            found = self.get_alias(alias)
        # A 404 answers {"error": …, "status": 404}: keep only index names whose aliases hold ``alias``.
        return sorted(name for name, value in found.items()
                      if isinstance(value, dict) and alias in value.get("aliases", {}))

    def delete_index(self, name: str) -> None:
        with self.unavailable_on_failure():
            self.client.indices.delete(index=name)

    def refresh(self, index: str) -> None:
        with self.unavailable_on_failure():
            self.client.indices.refresh(index=index)

    def bulk(self, actions: list[dict[str, Any]], *, refresh: bool = False) -> list[dict[str, Any]]:
        """Send ``actions``; return the error detail of each refused one."""
        with self.unavailable_on_failure():
            _ok, errors = self.bulk_helper(self.client, actions, raise_on_error=False, refresh=refresh)
        return [next(iter(error.values())) for error in errors]

    def search(self, index: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The ``_search`` response, or None when ``index`` does not exist."""
        with self.unavailable_on_failure():
            try:
                return dict(self.client.search(index=index, body=body))
            except self.not_found:
                return None

    @contextmanager
    def unavailable_on_failure(self) -> Iterator[None]:
        try:
            yield
        except self.failure as error:
            logger.warning("%s request failed: %s", self.engine, error)
            raise SearchUnavailable(f"{self.engine}: {error}") from error


def connect(url: str, engine: str = "auto") -> Connection:
    """A connection to the cluster at ``url``: ``engine`` names it, or
    ``"auto"`` asks the cluster itself (``GET /``: OpenSearch says
    ``version.distribution == "opensearch"``)."""
    if engine == "auto":
        engine = detect_engine(url)
    if engine == "opensearch":
        from search.backends.cluster.opensearch import OpenSearchConnection

        return OpenSearchConnection(url)
    if engine == "elasticsearch":
        from search.backends.cluster.elasticsearch import ElasticsearchConnection

        return ElasticsearchConnection(url)
    raise ImproperlyConfigured(f"SEARCH_ENGINE must be one of auto, {', '.join(ENGINES)} (got {engine!r}).")


def detect_engine(url: str) -> str:
    """``"opensearch"`` or ``"elasticsearch"``, from the cluster's own answer to ``GET /``."""
    import requests

    try:
        response = requests.get(url, timeout=settings.SEARCH_CLUSTER_TIMEOUT,
                                verify=settings.SEARCH_CLUSTER_CA_CERTS or True)
        response.raise_for_status()
        version = response.json().get("version") or {}
    except (requests.RequestException, ValueError) as error:
        where = _without_credentials(url)
        raise SearchUnavailable(f"The search cluster at {where} does not answer: {error}") from error
    return "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"


def _without_credentials(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")).geturl()


class ClusterBackend(SearchBackend):
    """Search on an OpenSearch or Elasticsearch cluster, behind one alias."""

    synchronous = False

    def __init__(self, connection: Connection | None = None, *, alias: str | None = None,
                 url: str | None = None, engine: str | None = None) -> None:
        self._connection = connection
        self.url = url
        self.engine = engine
        self.alias = alias or settings.SEARCH_INDEX_ALIAS

    @property
    def connection(self) -> Connection:
        """Made on first use (asking the cluster which engine it is, when not told);
        a failed attempt is not remembered, so a cluster that comes back is used."""
        if self._connection is None:
            url = self.url or settings.SEARCH_CLUSTER_URL
            if not url:
                raise ImproperlyConfigured("The cluster backend needs OPENSEARCH_URL, ELASTICSEARCH_URL or SEARCH_URL.")
            self._connection = connect(url, self.engine or settings.SEARCH_ENGINE)
        return self._connection

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.connection.engine

    @property
    def building_alias(self) -> str:
        return f"{self.alias}-next"

    # --- indices -------------------------------------------------------------------------
    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def write_indices(self) -> list[str]:
        """The live index (created on a fresh deployment) and, during a rebuild, the one being built."""
        live = self.connection.indices_behind(self.alias)
        if not live:
            name = self.new_index_name()
            self.connection.create_index(name, index_body(name, replicas=settings.SEARCH_CLUSTER_REPLICAS),
                                         [self.alias])
            live = [name]
        return sorted({*live, *self.connection.indices_behind(self.building_alias)})

    def refresh(self) -> None:
        """Make every write so far visible to searches (tests and benchmarks; the cluster does it each second)."""
        self.connection.refresh(self.alias)

    def drop(self) -> None:
        """Delete every index of this alias (throw-away aliases of tests and benchmarks)."""
        for name in {*self.connection.indices_behind(self.alias), *self.connection.indices_behind(self.building_alias)}:
            self.connection.delete_index(name)

    # --- writing ------------------------------------------------------------------------------
    def replace(self, keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
        self._bulk(bulk_actions(self.write_indices(), list(keys), list(entries), version=time.time_ns()))

    def _bulk(self, actions: list[dict[str, Any]]) -> None:
        if not actions:
            return
        for detail in self.connection.bulk(actions):
            # 404: deleting a translation that never existed; 409: a newer write already won.
            if detail.get("status") not in (404, 409):
                raise RuntimeError(f"The search cluster refused a write: {detail}")

    def reindex(self, objects: Iterable[Any], *, progress: Callable[[int], None] | None = None) -> int:
        new_index = self.new_index_name()
        self.connection.create_index(new_index, index_body(new_index, replicas=settings.SEARCH_CLUSTER_REPLICAS),
                                     [self.building_alias])
        written = 0
        batch: list[Any] = []

        def flush() -> None:
            nonlocal written, batch
            keys = [key for key in (object_key(obj) for obj in batch) if key is not None]
            entries = [entry for obj in batch for entry in entries_for(obj)]
            self._bulk(bulk_actions([new_index], keys, entries, version=time.time_ns()))
            written += len(entries)
            if progress:
                progress(len(batch))
            batch = []

        for obj in objects:
            batch.append(obj)
            if len(batch) >= REINDEX_BATCH:
                flush()
        flush()
        self.connection.refresh(new_index)
        old = self.connection.indices_behind(self.alias)
        self.connection.update_aliases(alias_swap_actions(self.alias, self.building_alias, new_index, old))
        for name in old:
            self.connection.delete_index(name)
        return written

    # --- reading --------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> BackendResults:
        response = self.connection.search(self.alias, search_body(query, query.at or timezone.now()))
        if response is None:  # no index yet: nothing has been indexed
            return BackendResults(hits=[], total=0, facets={})
        return read_response(response, query)

    def page_ids_showing_image(self, image_id: int) -> list[int]:
        response = self.connection.search(self.alias, thumbnail_pages_body(image_id))
        return [hit["_source"]["object_id"] for hit in response["hits"]["hits"]] if response else []
