"""The embedded index's rows in the site's own database: the truth both
engines answer from.

Every write replaces whole objects inside the changing transaction: it first
takes the next ``sequence`` of ``SearchIndexState`` (locking that row until
commit, so writes commit in sequence order), deletes the objects' documents,
inserts their new ones (new ids: a document row never changes once written)
and logs both in ``SearchChange``. The SQL engine reads these tables directly
(full-text rows are kept by triggers); the tantivy index under ``var/``
applies the logged changes after commit and records how far it got.
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from search.documents import IndexEntry
from search.models import FacetFields, SearchChange, SearchDocument, SearchFacetValue, SearchIndexState, SearchText
from search.query import SearchHit, SearchQuery
from search.text import SHADOWS_MADE_BY, cjk_chars, highlighter, index_text, snippet_shadows

DOC = "search_searchdocument"
TEXT = "search_searchtext"
FACET = "search_searchfacetvalue"
STATE = "search_searchindexstate"
CHANGE = "search_searchchange"
#: What a result card needs, from SearchDocument (d) and SearchText (t).
HIT_COLUMNS = (
    "d.id", "d.object_type", "d.object_id", "d.locale", "d.kind", "d.licence", "d.date", "d.pillar",
    "d.ethnic_groups", "d.places", "t.title", "t.url", "t.thumbnail_url", "t.credit", "t.rights_expire_on",
    "t.status", "t.summary", "t.body", "t.snippet_shadows",
)
#: What the tantivy index is built from (see ``index.IndexRow``).
INDEX_COLUMNS = (
    "d.id", "d.kind", "d.locale", "d.pillar", "d.licence", "d.year", "d.date", "d.is_public", "d.public_from",
    "d.public_until", "d.ethnic_groups", "d.places", "t.title_tokens", "t.text_tokens", "t.cjk_chars",
)
BATCH = 400
ObjectKey = tuple[str, int]


@dataclass(frozen=True)
class State:
    """How far the rows are: the last write's sequence and generation, and the highest document id."""

    sequence: int
    generation: int
    max_id: int


# --- writing -------------------------------------------------------------------------------
def write(keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
    """Make ``entries`` the whole content of the objects ``keys``, logged as one write."""
    keys, entries = list(keys), list(entries)
    with transaction.atomic(), connection.cursor() as cursor:
        sequence, generation = _next_write(cursor)
        removed = _delete(keys, cursor)
        added = _insert(entries)
        SearchChange.objects.bulk_create(
            [SearchChange(sequence=sequence, generation=generation, document_id=None)]
            + [SearchChange(sequence=sequence, generation=generation, document_id=doc_id)
               for doc_id in [*removed, *added]],
            batch_size=BATCH,
        )


def _next_write(cursor: Any) -> tuple[int, int]:
    """Lock the state row for this transaction and take the next sequence and
    a new random generation (random, so a value written by a transaction that
    rolls back is never seen again)."""
    generation = secrets.randbits(62)
    cursor.execute(f"UPDATE {STATE} SET sequence = sequence + 1, generation = %s WHERE id = 1", [generation])
    if cursor.rowcount == 0:
        SearchIndexState.objects.update_or_create(pk=1, defaults={"generation": generation, "sequence": 1})
    cursor.execute(f"SELECT sequence FROM {STATE} WHERE id = 1")
    return cursor.fetchone()[0], generation


def document_ids(by_type: Iterable[tuple[str, Sequence[int]]], cursor: Any) -> Iterator[list[int]]:
    """Ids of the documents of the objects ``by_type`` ((object_type, object ids) pairs), in batches."""
    for object_type, ids in by_type:
        for chunk in chunks(list(ids), BATCH):
            cursor.execute(
                f"SELECT id FROM {DOC} WHERE object_type = %s AND object_id IN ({placeholders(chunk)})",
                [object_type, *chunk],
            )
            yield [row[0] for row in cursor.fetchall()]


def _delete(keys: list[ObjectKey], cursor: Any) -> list[int]:
    by_type: dict[str, list[int]] = {}
    for object_type, object_id in keys:
        by_type.setdefault(object_type, []).append(object_id)
    removed: list[int] = []
    for doc_ids in document_ids(by_type.items(), cursor):
        if doc_ids:
            cursor.execute(f"DELETE FROM {TEXT} WHERE document_id IN ({placeholders(doc_ids)})", doc_ids)
            cursor.execute(f"DELETE FROM {FACET} WHERE document_id IN ({placeholders(doc_ids)})", doc_ids)
            cursor.execute(f"DELETE FROM {DOC} WHERE id IN ({placeholders(doc_ids)})", doc_ids)
            removed.extend(doc_ids)
    return removed


def _insert(entries: list[IndexEntry]) -> list[int]:
    added: list[int] = []
    for chunk in chunks(entries, BATCH):
        documents = SearchDocument.objects.bulk_create([_document(entry) for entry in chunk])
        SearchText.objects.bulk_create(
            [_text(document, entry) for document, entry in zip(documents, chunk, strict=True)]
        )
        SearchFacetValue.objects.bulk_create(
            [
                _facet_value(document, facet, value)
                for document, entry in zip(documents, chunk, strict=True)
                for facet, values in (("ethnic_group", entry.ethnic_groups), ("place", entry.places))
                for value in dict.fromkeys(values)
            ]
        )
        added.extend(document.pk for document in documents)
    return added


def _document(entry: IndexEntry) -> SearchDocument:
    return SearchDocument(
        object_type=entry.object_type, object_id=entry.object_id, locale=entry.locale, kind=entry.kind,
        pillar=entry.pillar, licence=entry.licence, year=entry.year, date=entry.date, is_public=entry.is_public,
        public_from=entry.public_from, public_until=entry.public_until,
        ethnic_groups=" ".join(dict.fromkeys(entry.ethnic_groups)), places=" ".join(dict.fromkeys(entry.places)),
    )


def _facet_value(document: SearchDocument, facet: str, value: str) -> SearchFacetValue:
    copied = {field.name: getattr(document, field.name) for field in FacetFields._meta.get_fields()}
    return SearchFacetValue(document=document, facet=facet, value=value, **copied)


def _text(document: SearchDocument, entry: IndexEntry) -> SearchText:
    return SearchText(
        document=document,
        status=entry.status,
        title=entry.title,
        url=entry.url[:500],
        thumbnail_url=entry.thumbnail_url[:500],
        thumbnail_image_id=entry.thumbnail_image_id,
        credit=entry.credit[:255],
        rights_expire_on=entry.rights_expire_on,
        summary=entry.summary,
        body=entry.body,
        title_tokens=index_text(entry.title),
        text_tokens=index_text(entry.summary, entry.body, entry.meta),
        cjk_chars=cjk_chars(entry.title, entry.summary, entry.body, entry.meta),
        snippet_shadows=snippet_shadows(entry.summary, entry.body),
    )


def store_snippet_shadows(using: Any = connection, batch: int = 500) -> int:
    """Make the snippet shadows of the rows that have none (written before migration 0007) or
    whose were made by other code (``SHADOWS_MADE_BY`` differs: searches make those anew each
    time, never trusting them), a batch per transaction: nothing is locked for longer than a
    batch, and a run stopped half-way goes on where it stopped. Returns how many it made."""
    made, last = 0, -1
    while True:
        with transaction.atomic(using=using.alias), using.cursor() as cursor:
            cursor.execute(
                f"SELECT document_id, summary, body FROM {TEXT} WHERE document_id > %s AND "
                f"(snippet_shadows IS NULL OR substr(snippet_shadows, 1, %s) <> %s) ORDER BY document_id LIMIT %s",
                [last, len(SHADOWS_MADE_BY), SHADOWS_MADE_BY, batch],
            )
            rows = cursor.fetchall()
            if not rows:
                return made
            cursor.executemany(
                f"UPDATE {TEXT} SET snippet_shadows = %s WHERE document_id = %s",
                [(snippet_shadows(summary, body), document_id) for document_id, summary, body in rows],
            )
        made += len(rows)
        last = rows[-1][0]


def prune_changes(applied: int, cursor: Any) -> None:
    """Forget changes before ``applied`` (the rows of ``applied`` itself stay:
    they prove which write an index has reached)."""
    cursor.execute(f"DELETE FROM {CHANGE} WHERE sequence < %s", [applied])


# --- reading: state and changes ----------------------------------------------------------
def read_state(cursor: Any) -> State:
    cursor.execute(f"SELECT sequence, generation, (SELECT max(id) FROM {DOC}) FROM {STATE} WHERE id = 1")
    row = cursor.fetchone()
    return State(row[0], row[1], row[2] or 0) if row else State(0, 0, 0)


def has_write(sequence: int, generation: int, cursor: Any) -> bool:
    """Is write ``sequence`` of ``generation`` in the log (so an index that
    recorded it applied writes this database really made)?"""
    cursor.execute(f"SELECT 1 FROM {CHANGE} WHERE sequence = %s AND generation = %s", [sequence, generation])
    return cursor.fetchone() is not None


def changed_since(sequence: int, max_id: int, until: int, cursor: Any) -> set[int]:
    """Ids of documents added or removed by writes after ``sequence`` (up to
    ``until``), and of documents above ``max_id`` however they got there."""
    cursor.execute(
        f"SELECT document_id FROM {CHANGE} WHERE sequence > %s AND sequence <= %s AND document_id IS NOT NULL "
        f"UNION SELECT id FROM {DOC} WHERE id > %s",
        [sequence, until, max_id],
    )
    return {row[0] for row in cursor.fetchall()}


def index_rows(ids: Sequence[int] | None, cursor: Any, batch: int = 2000) -> Iterable[tuple]:
    """Rows of ``INDEX_COLUMNS`` for ``ids`` (every document when None), in batches."""
    columns = ", ".join(INDEX_COLUMNS)
    source = f"SELECT {columns} FROM {DOC} d JOIN {TEXT} t ON t.document_id = d.id"
    if ids is not None:
        for chunk in chunks(sorted(ids), BATCH):
            cursor.execute(f"{source} WHERE d.id IN ({placeholders(chunk)})", chunk)
            yield from cursor.fetchall()
        return
    last = 0
    while True:
        cursor.execute(f"{source} WHERE d.id > %s ORDER BY d.id LIMIT %s", [last, batch])
        rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


# --- reading: result cards ---------------------------------------------------------------
def hits(page: Sequence[tuple[int, float]], query: SearchQuery, cursor: Any) -> list[SearchHit]:
    """Result cards of ``page`` ((document id, score) in order), read fresh:
    a document deleted since it was matched is left out."""
    marks = bool(query.parsed.highlight_terms())
    stored = _stored_fields([doc_id for doc_id, _score in page], cursor, with_shadows=marks)
    if not stored:  # nothing to highlight: the query's highlighter is not even built
        return []
    highlight = highlighter(query.parsed)
    return [_hit(stored[doc_id], score, highlight) for doc_id, score in page if doc_id in stored]


def _stored_fields(ids: list[int], cursor: Any, *, with_shadows: bool = True) -> dict[int, tuple]:
    """Rows of ``HIT_COLUMNS`` by document id (one query for the whole page); the snippet
    shadows only ``with_shadows`` (a page without words to mark, such as browsing, needs none)."""
    if not ids:
        return {}
    columns = ", ".join(HIT_COLUMNS if with_shadows else (*HIT_COLUMNS[:-1], "NULL"))
    cursor.execute(
        f"SELECT {columns} FROM {DOC} d JOIN {TEXT} t ON t.document_id = d.id WHERE d.id IN ({placeholders(ids)})",
        ids,
    )
    return {row[0]: row for row in cursor.fetchall()}


def _hit(row: tuple, score: float, highlight: Callable[..., str]) -> SearchHit:
    (_doc_id, object_type, object_id, locale, kind, licence, date, pillar, ethnic_groups, places, title, url,
     thumbnail_url, credit, rights_expire_on, status, summary, body, shadows) = row  # HIT_COLUMNS
    return SearchHit(
        object_type=object_type, object_id=object_id, locale=locale, kind=kind, title=title, url=url,
        snippet=str(highlight(summary, body, shadows=shadows)), thumbnail_url=thumbnail_url, credit=credit,
        licence=licence, date=as_datetime(date), pillar=pillar, ethnic_groups=tuple(ethnic_groups.split()),
        places=tuple(places.split()), rights_expire_on=_date(rights_expire_on), status=status,
        score=float(score or 0.0),
    )


def as_datetime(value: Any) -> datetime.datetime | None:
    """A raw cursor gives SQLite datetimes as naive UTC (or text)."""
    if isinstance(value, str):
        value = SearchDocument._meta.get_field("date").to_python(value)
    if value is not None and value.utcoffset() is None:  # naive: what timezone.make_aware(value, UTC) does
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _date(value: Any) -> datetime.date | None:
    return SearchText._meta.get_field("rights_expire_on").to_python(value) if isinstance(value, str) else value


def page_ids_showing_image(image_id: int) -> list[int]:
    return list(
        SearchText.objects.filter(document__object_type="page", thumbnail_image_id=image_id)
        .values_list("document__object_id", flat=True)
    )


def next_visibility_change(now: datetime.datetime, cursor: Any) -> datetime.datetime:
    """The next moment a document enters (go-live) or leaves (expiry, end of rights) the public index."""
    moment = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(
        f"SELECT (SELECT min(public_from) FROM {DOC} WHERE public_from > %s), "
        f"(SELECT min(public_until) FROM {DOC} WHERE public_until > %s)",
        [moment, moment],
    )
    changes = [as_datetime(value) for value in cursor.fetchone() if value is not None]
    return min(changes, default=now + datetime.timedelta(days=365))


# --- helpers -------------------------------------------------------------------------------
def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
