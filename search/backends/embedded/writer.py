"""The one writer of the tantivy index, shared by every process.

Any process may write (the gunicorn worker whose request published a page,
the task worker, a search that finds the index behind), but only while it
holds ``writer.lock`` beside the index: an exclusive ``flock`` the kernel
releases when the holder dies, so a crash never leaves it taken. Holding it,
a writer reads the database state, applies the logged changes since the
state the index records (delete by id, add the current rows) and commits
them together with the new state, in one tantivy commit: a crash before the
commit leaves the previous commit whole, and the next writer applies the same
changes again (applying is idempotent).

An index that records no state, a state the database never reached (a
restored backup, a rolled-back test) or an older schema is rebuilt from the
rows: at once when small, by a background task otherwise; searches use the
SQL engine meanwhile.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.db import connection

from search.backends.embedded import store
from search.backends.embedded.index import SCHEMA, IndexOfAnotherSchema, TantivyIndex, document, state_document
from search.backends.embedded.store import State

logger = logging.getLogger(__name__)

#: Memory of a writer that applies changes, and of one that rebuilds everything.
APPLY_HEAP = 30_000_000
REBUILD_HEAP = 500_000_000  # enough for 100 000 items in one segment (searches read fewer segments)
#: A rebuild is requested from the task worker at most this often.
REBUILD_REQUEST_SECONDS = 300


@contextlib.contextmanager
def writer_lock(path: Path, wait: float) -> Iterator[bool]:
    """Hold the writer lock of the index at ``path`` (yields False when it
    could not be had within ``wait`` seconds)."""
    path.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    if error.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    yield False
                    return
                time.sleep(0.005)
        try:
            yield True
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def is_consistent(recorded: State | None, current: State) -> bool:
    """Does the index's recorded state belong to this database's history?"""
    if recorded is None or recorded.sequence > current.sequence:
        return False
    if recorded.sequence == current.sequence:
        return recorded.generation == current.generation
    if recorded.sequence == 0:
        return True
    with connection.cursor() as cursor:
        return store.has_write(recorded.sequence, recorded.generation, cursor)


def small_enough_to_rebuild_now(state: State) -> bool:
    return state.max_id <= settings.SEARCH_INDEX_INLINE_REBUILD


def catch_up(
    index: TantivyIndex, *, wait: float = 0.0, rebuild_now: bool | None = None, max_changes: int | None = None
) -> bool:
    """Bring the index up to the database; False when another process holds
    the lock past ``wait`` seconds, or the work (a rebuild, more than
    ``max_changes`` changes) was left to the background task (``rebuild_now``
    None: rebuild now only when the database is small)."""
    with writer_lock(index.path, wait) as acquired:
        if not acquired:
            return False
        with connection.cursor() as cursor:
            current = store.read_state(cursor)
        try:
            recorded = index.view().state
        except Exception as error:  # unreadable: rebuilt below like an index of another history
            log_unusable(error, "The search index at %s cannot be read", index.path)
            index.forget()
            recorded = None
        if recorded == current:
            return True
        if not is_consistent(recorded, current):
            if rebuild_now is None:
                rebuild_now = small_enough_to_rebuild_now(current)
            if not rebuild_now:
                schedule_rebuild()
                return False
            _rebuild(index)
            return True
        return _apply(index, recorded, current, max_changes)


def rebuild(index: TantivyIndex, *, wait: float = 600.0) -> bool:
    """Rebuild the whole index from the rows (``search_reindex``, the background task)."""
    with writer_lock(index.path, wait) as acquired:
        if acquired:
            _rebuild(index)
        return acquired


def _apply(index: TantivyIndex, recorded: State, current: State, max_changes: int | None) -> bool:
    with connection.cursor() as cursor:
        changed = store.changed_since(recorded.sequence, recorded.max_id, current.sequence, cursor)
        if max_changes is not None and len(changed) > max_changes:
            schedule_rebuild()
            return False
        rows = list(store.index_rows(changed, cursor)) if changed else []
    removal = tantivy.Query.term_set_query(SCHEMA, "id", sorted(changed)) if changed else None
    _write(index.open(), APPLY_HEAP, lambda writer: removal and writer.delete_documents_by_query(removal), rows,
           current)
    with connection.cursor() as cursor:
        store.prune_changes(current.sequence, cursor)
    return True


def _rebuild(index: TantivyIndex) -> None:
    """Every row, in one commit: readers see the old index until it lands.
    An index that cannot even be opened is replaced by an empty one first."""
    try:
        tantivy_index = index.open()
    except Exception as error:  # a broken index, or one of another schema: start again from nothing
        log_unusable(error, "The search index at %s cannot be opened; building a new one", index.path)
        _clear(index.path)
        index.forget()
        tantivy_index = index.open()
    with connection.cursor() as cursor:
        current = store.read_state(cursor)
        _write(tantivy_index, REBUILD_HEAP, lambda writer: writer.delete_all_documents(),
               store.index_rows(None, cursor), current)
    writer = tantivy_index.writer(heap_size=APPLY_HEAP, num_threads=1)
    writer.garbage_collect_files()
    writer.wait_merging_threads()


def log_unusable(error: Exception, message: str, path: Path) -> None:
    """An index of another schema is expected after a deploy (a line saying so); anything else
    is a failure (with its traceback)."""
    if isinstance(error, IndexOfAnotherSchema):
        logger.warning(f"{message}: {error}", path)
    else:
        logger.exception(message, path)


def _abandon(writer: tantivy.IndexWriter) -> None:
    """Drop what ``writer`` added since its last commit and release its lock."""
    with contextlib.suppress(Exception):
        writer.rollback()
    with contextlib.suppress(Exception):
        writer.wait_merging_threads()


def _write(tantivy_index: tantivy.Index, heap: int, remove: Callable[[tantivy.IndexWriter], Any],
           rows: Iterable[Sequence[Any]], state: State) -> None:
    """Remove, add ``rows`` and record ``state`` in one commit: all of it lands, or none."""
    writer = tantivy_index.writer(heap_size=heap, num_threads=1)
    try:
        remove(writer)
        for row in rows:
            writer.add_document(document(row))
        writer.delete_documents_by_term("state", True)
        writer.add_document(state_document(state))
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        _abandon(writer)
        raise


def _clear(path: Path) -> None:
    for child in path.iterdir():
        if child.name != "writer.lock" and child.is_file():
            child.unlink()


def schedule_rebuild() -> None:
    """Ask the task worker to rebuild, once per ``REBUILD_REQUEST_SECONDS``
    however many searches find the index unusable meanwhile."""
    from django.core.cache import cache
    from django.db import transaction

    from search.tasks import rebuild_search_index

    if cache.add(f"search:index-rebuild:{connection.settings_dict['NAME']}", True, REBUILD_REQUEST_SECONDS):
        transaction.on_commit(lambda: rebuild_search_index.enqueue(), robust=True)
