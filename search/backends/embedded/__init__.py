"""The embedded backend: search with nothing to install but Python packages.

| module | job |
|---|---|
| ``store.py`` | the index rows in the site's database, written in the changing transaction; the change log |
| ``index.py`` | the tantivy index under ``var/``: schema, documents, queries, facets |
| ``writer.py`` | the one writer of that index across processes: lock, catching up, rebuilding, recovery |
| ``sql/`` | the exact SQL engine (``sqlite.py``: FTS5, ``postgres.py``: tsvector), used when the index cannot answer |

A search reads the database's write state (one small query). When the
tantivy index reflects it, tantivy answers alone. When some writes are not
applied yet (another process is applying them, or crashed before it did),
their documents are excluded from the index's answer and matched in memory
from their current rows, so totals, facets and visibility are those of the
committed database: an unpublished item is gone as soon as the unpublishing
commits, in every process. When the index is missing, broken, from another
history or far behind, the SQL engine answers while it is rebuilt.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from search.backends import BackendResults, ObjectKey, SearchBackend
from search.backends.embedded import index as tantivy_index
from search.backends.embedded import sql, store, writer
from search.backends.embedded.index import Answer, Plan, TantivyIndex
from search.backends.embedded.store import State
from search.backends.embedded.store import next_visibility_change as _next_visibility_change
from search.documents import IndexEntry, entries_for, object_key
from search.models import SearchDocument
from search.query import SearchQuery

__all__ = ["EmbeddedBackend", "_next_visibility_change"]

logger = logging.getLogger(__name__)


class EmbeddedBackend(SearchBackend):
    name = "embedded"
    synchronous = True

    def __init__(self) -> None:
        self.sql = sql.SqlEngine()
        self._indexes: dict[Path, TantivyIndex] = {}
        self._bulk = False
        #: Searches the SQL engine answered because the index could not (watched by the tests).
        self.fallbacks = 0

    @property
    def index(self) -> TantivyIndex:
        """The tantivy index of the current database (one folder per database)."""
        path = index_path()
        if path not in self._indexes:
            self._indexes[path] = TantivyIndex(path)
        return self._indexes[path]

    # --- writing --------------------------------------------------------------------
    def replace(self, keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
        store.write(keys, entries)
        if not self._bulk:
            transaction.on_commit(self.apply_committed, robust=True)

    def apply_committed(self) -> None:
        """Apply committed writes to the tantivy index (after each commit; a
        failure only delays it: the next write or search catches up)."""
        try:
            writer.catch_up(self.index, wait=settings.SEARCH_INDEX_WRITE_WAIT,
                            max_changes=settings.SEARCH_INDEX_INLINE_REBUILD)
        except Exception:
            logger.exception("Could not apply search changes to %s", self.index.path)

    def reindex(self, objects: Iterable[Any], *, progress: Callable[[int], None] | None = None) -> int:
        """Re-read every object, in batches that each commit, so search keeps
        answering (with old or new rows, never none) during a rebuild; then
        rebuild the tantivy index from the rows in one commit."""
        sql.rebuild_fulltext()
        seen: set[ObjectKey] = set()
        written = 0
        with self.bulk():
            for batch in store.chunks(objects, 100):
                keys = [key for key in (object_key(obj) for obj in batch) if key is not None]
                entries = [entry for obj in batch for entry in entries_for(obj)]
                self.replace(keys, entries)
                seen.update(keys)
                written += len(entries)
                if progress:
                    progress(len(batch))
            stale = set(SearchDocument.objects.values_list("object_type", "object_id").distinct()) - seen
            self.remove(sorted(stale))
        sql.optimize()
        return written

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Write many rows without applying each commit to the index, then
        rebuild the index from the rows once (searches meanwhile see the
        changes through the database)."""
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
        self.rebuild_index()

    def rebuild_index(self) -> None:
        """Rebuild the tantivy index from the rows (``search_reindex``, the background task)."""
        writer.rebuild(self.index)
        self.index.forget()

    def optimize(self) -> None:
        sql.optimize()
        writer.catch_up(self.index, wait=60, rebuild_now=True)

    def page_ids_showing_image(self, image_id: int) -> list[int]:
        return store.page_ids_showing_image(image_id)

    # --- reading ----------------------------------------------------------------------
    def search(self, query: SearchQuery) -> BackendResults:
        try:
            results = self.search_index(query)
        except Exception as error:  # a broken index must not break search: the database still answers
            writer.log_unusable(error, "The search index at %s failed; answering from the database", self.index.path)
            self.index.forget()
            self._recover()
            results = None
        if results is None:
            self.fallbacks += 1
            return self.sql.search(query)
        return results

    def _recover(self) -> None:
        """Rebuild a broken index now when small (else the task worker is asked to)."""
        try:
            writer.catch_up(self.index, max_changes=settings.SEARCH_INDEX_PENDING_LIMIT)
        except Exception:
            logger.exception("Could not rebuild the search index at %s", self.index.path)

    def search_index(self, query: SearchQuery) -> BackendResults | None:
        """The answer of the tantivy index (with pending documents matched in
        memory), or None when the index cannot answer for this database."""
        now = query.at or timezone.now()
        end = query.offset + query.per_page
        with connection.cursor() as cursor:
            current = store.read_state(cursor)
            view = self.index.view(current)
            if view.state != current:
                writer.catch_up(self.index, max_changes=settings.SEARCH_INDEX_PENDING_LIMIT)
                view = self.index.view(current)
            scope = self._scope(query, cursor)
            if view.state == current:
                result = tantivy_index.answer(view.searcher, Plan(query, now, scope=scope), first=query.offset,
                                              limit=query.per_page)
                page = result.ranked
            else:
                pending = self._pending(view.state, current, cursor)
                if pending is None:
                    return None
                result = self._answer_with_pending(view.searcher, Plan(query, now, scope=scope), pending, cursor)
                page = result.ranked[query.offset:end]
            scored = query.effective_sort == "relevance"
            hits = store.hits([(doc_id, key if scored else 0.0) for doc_id, key in page], query, cursor)
        return BackendResults(hits=hits, total=result.total, facets=result.facets if query.facets else {})

    def _pending(self, recorded: State | None, current: State, cursor: Any) -> set[int] | None:
        """Documents written since the index's state, or None when there are
        too many to match in memory or the index is not of this database."""
        if recorded is None or not writer.is_consistent(recorded, current):
            return None
        changed = store.changed_since(recorded.sequence, recorded.max_id, current.sequence, cursor)
        return changed if len(changed) <= settings.SEARCH_INDEX_PENDING_LIMIT else None

    @staticmethod
    def _scope(query: SearchQuery, cursor: Any) -> list[int]:
        """The documents of ``query.private_scope``'s objects (the admin's search for a contributor)."""
        if not query.include_unpublished or query.private_scope is None:
            return []
        return [doc_id for batch in store.document_ids(query.private_scope, cursor) for doc_id in batch]

    @staticmethod
    def _answer_with_pending(searcher: Any, plan: Plan, pending: set[int], cursor: Any) -> Answer:
        """The index without ``pending`` plus an in-memory index of their current rows, merged."""
        query, now = plan.query, plan.now
        end = query.offset + query.per_page
        main = tantivy_index.answer(searcher, Plan(query, now, excluded=sorted(pending), scope=plan.scope), first=0,
                                    limit=end)
        rows = list(store.index_rows(pending, cursor))
        if not rows:
            return main
        extra = tantivy_index.answer(tantivy_index.memory_index(rows), plan, first=0, limit=end)
        facets = {name: dict(values) for name, values in main.facets.items()}
        for name, values in extra.facets.items():
            for value, count in values.items():
                facets.setdefault(name, {})[value] = facets.get(name, {}).get(value, 0) + count
        ascending = query.effective_sort == "oldest"
        merged = heapq.merge(main.ranked, extra.ranked, key=lambda item: item[1], reverse=not ascending)
        return Answer(total=main.total + extra.total, facets=facets, ranked=list(merged)[:end])


def index_path() -> Path:
    """``SEARCH_INDEX_DIR/<database>``: one index per database, so test runs
    and benchmark databases never share one."""
    database = connection.settings_dict
    return _index_path(connection.vendor, database.get("HOST"), database.get("PORT"), str(database["NAME"]),
                       str(settings.SEARCH_INDEX_DIR))


@functools.lru_cache(maxsize=16)
def _index_path(vendor: str, host: Any, port: Any, name: str, index_dir: str) -> Path:
    """Asked on every search: the digest is worked out once per database."""
    identity = f"{vendor}|{host}|{port}|{name}"
    label = Path(name).stem[:40] or "default"
    digest = hashlib.sha1(identity.encode()).hexdigest()[:10]
    return Path(index_dir) / f"{vendor}-{label}-{digest}"
