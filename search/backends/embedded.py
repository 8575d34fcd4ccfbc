"""The embedded backend: full-text search inside the site's own database.

SQLite uses FTS5 and PostgreSQL its text search with ``unaccent`` (see
migration ``0002_fulltext``); everything else here (filters, facets,
visibility, paging) is plain SQL over ``SearchDocument`` shared by both. The
index is written synchronously, inside the transaction that changed the
content, so an unpublished item is gone from results when that transaction
commits.

Match expressions are built from the tokens of :func:`search.text.parse_query`
and every token is quoted, so nothing a person types is ever FTS5 or
tsquery syntax.
"""

from __future__ import annotations

import datetime
import hashlib
import heapq
import itertools
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from search.backends import BackendResults, ObjectKey, SearchBackend
from search.documents import IndexEntry, entries_for, object_key
from search.models import FacetFields, SearchDocument, SearchFacetValue, SearchIndexState, SearchText
from search.query import FACETS, MULTI_VALUED_FACETS, FacetCounts, SearchHit, SearchQuery
from search.text import Clause, ParsedQuery, cjk_chars, has_cjk, index_text, snippet

DOC = "search_searchdocument"
TEXT = "search_searchtext"
FACET = "search_searchfacetvalue"
STATE = "search_searchindexstate"
#: What a result card needs, from SearchDocument (d) and SearchText (t).
HIT_COLUMNS = (
    "d.id", "d.object_type", "d.object_id", "d.locale", "d.kind", "d.licence", "d.date", "d.pillar",
    "d.ethnic_groups", "d.places", "t.title", "t.url", "t.thumbnail_url", "t.credit", "t.rights_expire_on",
    "t.status", "t.summary", "t.body",
)
HIT_COLUMN_NAMES = tuple(column.split(".")[1] for column in HIT_COLUMNS)
FACET_COLUMNS = {"kind": "kind", "locale": "locale", "pillar": "pillar", "licence": "licence", "year": "year"}
#: Facets in the order SearchPlan.matches_sql selects them (after id, score, date); multi-valued ones last.
MATCH_FACETS = ("kind", "locale", "pillar", "licence", "year", "ethnic_group", "place")
MATCH_FACET_COLUMNS = ("kind", "locale", "pillar", "licence", "year", "ethnic_groups", "places")
FIRST_FACET_COLUMN = 3
MULTI_START = MATCH_FACETS.index("ethnic_group")
#: Verdicts of a row against the active filters: passes all, fails two or more, or the index of the one it fails.
PASSES, FAILS_SEVERAL = -1, -2
#: Results kept in the cache beyond the requested page (the next pages are then free).
CACHED_RESULTS = 200
#: A page without words reads the date index instead of sorting when this many
#: results, and this share of the documents the filters choose from, qualify.
WALK_DATES_FROM = 500
WALK_DATES_SHARE = 0.1
BATCH = 400


# --- match expressions, one dialect per database -----------------------------------
class SqliteDialect:
    """FTS5: columns title, title_folded, text, text_folded, cjk_chars."""

    #: bm25 column weights: an exact match (with diacritics) outweighs a folded one.
    weights = (20.0, 4.0, 8.0, 1.0, 2.0)
    #: SQLite keeps the left table outer with CROSS JOIN: facet values are read
    #: for the matching documents, not matched against every facet value.
    ordered_join = "CROSS JOIN"
    #: SQLite's planner prefers a filter's index and sorts; walking the date index is far cheaper.
    date_index_hint = "INDEXED BY search_doc_date"
    #: The date as a value that sorts in time order and is never NULL ("" sorts first).
    sortable_date = "COALESCE(d.date, '')"
    earliest_value: Any = ""

    def __init__(self, titles_only: bool = False) -> None:
        self.titles_only = titles_only

    def expression(self, clauses: Sequence[Sequence[Clause]], negatives: Sequence[Clause] = ()) -> str:
        groups = ["(" + " OR ".join(self.clause(clause) for clause in group) + ")" for group in clauses]
        expression = " AND ".join(groups)
        if negatives:
            expression += " NOT (" + " OR ".join(self.clause(clause) for clause in negatives) + ")"
        return expression

    def clause(self, clause: Clause) -> str:
        exact_columns, folded_columns = ("title", "title_folded") if self.titles_only else (
            "title text", "title_folded text_folded")
        if clause.single_cjk_char and not self.titles_only:
            return "{cjk_chars} : " + self.phrase(clause.tokens, False)
        prefix = clause.prefix or clause.single_cjk_char
        folded = f"{{{folded_columns}}} : {self.phrase(clause.folded, prefix)}"
        if has_cjk("".join(clause.tokens)):  # nothing to fold: every match is in the folded columns
            return folded
        # Words typed without diacritics match the exact columns too, so "thang" ranks "bậc thang" above "Tháng".
        return f"({{{exact_columns}}} : {self.phrase(clause.tokens, prefix)} OR {folded})"

    @staticmethod
    def phrase(tokens: Sequence[str], prefix: bool) -> str:
        quoted = '"' + " ".join(token.replace('"', '""') for token in tokens) + '"'
        return quoted + " *" if prefix else quoted

    def hits(self, parsed: ParsedQuery, *, scored: bool = True) -> tuple[str, list[Any]]:
        """SELECT id, score of documents matching the positive clauses (higher
        score is better; 0 when ``scored`` is false: sorting by date needs none)."""
        weights = ", ".join(str(weight) for weight in self.weights)
        score = f"-bm25(search_fts, {weights})" if scored else "0.0"
        sql = f"SELECT rowid AS id, {score} AS score FROM search_fts WHERE search_fts MATCH %s"
        return sql, [self.expression(parsed.positive, parsed.negative)]

    def matching_ids(self, clauses: Sequence[Sequence[Clause]], negatives: Sequence[Clause] = ()) -> tuple[str, list]:
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [self.expression(clauses, negatives)]


class PostgresDialect:
    """tsvector weights: A exact title, B folded title, C exact text, D folded text and CJK characters."""

    #: ts_rank weights in PostgreSQL's order {D, C, B, A}.
    weights = "{0.1, 0.4, 0.2, 1.0}"
    ordered_join = "JOIN"
    date_index_hint = ""
    sortable_date = "COALESCE(EXTRACT(EPOCH FROM d.date)::float8, -1e18)"
    earliest_value: Any = -1e18

    def __init__(self, titles_only: bool = False) -> None:
        self.folded_weights, self.exact_weights = ("B", "A") if titles_only else ("BD", "AC")

    def folded_query(self, clauses: Sequence[Sequence[Clause]], negatives: Sequence[Clause] = ()) -> str:
        weights = self.folded_weights
        groups = ["(" + " | ".join(self.clause(clause, weights) for clause in group) + ")" for group in clauses]
        expression = " & ".join(groups)
        if negatives:
            excluded = "!(" + " | ".join(self.clause(clause, weights) for clause in negatives) + ")"
            expression = f"{expression} & {excluded}" if expression else excluded
        return expression

    def exact_query(self, clauses: Sequence[Sequence[Clause]]) -> str:
        """Every clause as typed, exactly: ranks exact spellings first ("thang" above "Tháng")."""
        return " | ".join(
            f"({self.clause(clause, self.exact_weights)})"
            for group in clauses for clause in group if not has_cjk("".join(clause.tokens))
        )

    @staticmethod
    def clause(clause: Clause, weights: str) -> str:
        if clause.single_cjk_char:
            # The lone characters are lexemes of their own in D; in titles, a prefix of the bigrams.
            return PostgresDialect.lexeme(clause.tokens[0]) + (":D" if "D" in weights else ":*" + weights)
        last = len(clause.tokens) - 1
        return " <-> ".join(
            PostgresDialect.lexeme(token) + (":*" if clause.prefix and index == last else ":") + weights
            for index, token in enumerate(clause.tokens)
        )

    @staticmethod
    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    def hits(self, parsed: ParsedQuery, *, scored: bool = True) -> tuple[str, list[Any]]:
        folded = self.folded_query(parsed.positive, parsed.negative)
        if not scored:
            sql = f"SELECT document_id AS id, 0.0 AS score FROM {TEXT} WHERE vector @@ to_tsquery('search_folded', %s)"
            return sql, [folded]
        exact = self.exact_query(parsed.positive)
        if not exact:  # only Chinese, Japanese or Korean: no spelling to prefer
            sql = (
                f"SELECT t.document_id AS id, ts_rank(%s, t.vector, fq, 1) AS score "
                f"FROM {TEXT} t, to_tsquery('search_folded', %s) fq WHERE t.vector @@ fq"
            )
            return sql, [self.weights, folded]
        sql = (
            "SELECT t.document_id AS id, "
            "ts_rank(%s, t.vector, fq, 1) + ts_rank(%s, t.vector, eq, 1) AS score "
            f"FROM {TEXT} t, to_tsquery('search_folded', %s) fq, to_tsquery('simple', %s) eq "
            "WHERE t.vector @@ fq"
        )
        return sql, [self.weights, self.weights, folded, exact]

    def matching_ids(self, clauses: Sequence[Sequence[Clause]], negatives: Sequence[Clause] = ()) -> tuple[str, list]:
        sql = f"SELECT document_id FROM {TEXT} WHERE vector @@ to_tsquery('search_folded', %s)"
        return sql, [self.folded_query(clauses, negatives)]


def dialect(titles_only: bool = False) -> SqliteDialect | PostgresDialect:
    if connection.vendor == "sqlite":
        return SqliteDialect(titles_only)
    if connection.vendor == "postgresql":
        return PostgresDialect(titles_only)
    raise RuntimeError(f"The embedded search backend supports SQLite and PostgreSQL, not {connection.vendor}.")


# --- building a search --------------------------------------------------------------
@dataclass
class Where:
    """SQL conditions joined by AND, with their parameters."""

    parts: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, sql: str, params: Iterable[Any] = ()) -> Where:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def __add__(self, other: Where) -> Where:
        return Where(self.parts + other.parts, self.params + other.params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) or "1 = 1"


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@dataclass
class SearchPlan:
    """The SQL of one search: visibility, text match, facet filters, facets.

    Facets follow the "every filter but the facet's own" rule. They come from
    one statement: the matching documents are materialised once (``base``),
    then grouped by the combination of single-valued facets (kind, locale,
    pillar, licence, year; a few thousand combinations at most, summed per
    facet in Python, which also gives the total) and joined to
    ``SearchFacetValue`` for ethnic groups and places.
    """

    query: SearchQuery
    dialect: SqliteDialect | PostgresDialect
    now: Any

    def visibility(self, alias: str = "d", id_column: str = "id") -> Where:
        if not self.query.include_unpublished:
            return self.public(alias)
        if self.query.private_scope is None:
            return Where()
        public = self.public(alias)
        scope = Where()
        scope.parts = ["(" + " OR ".join(f"(object_type = %s AND object_id IN ({placeholders(ids)}))"
                                         for _type, ids in self.query.private_scope if ids) + ")"]
        scope.params = [value for object_type, ids in self.query.private_scope if ids for value in (object_type, *ids)]
        if not scope.params:
            return public
        return Where([f"(({public.sql}) OR {alias}.{id_column} IN (SELECT id FROM {DOC} WHERE {scope.sql}))"],
                     [*public.params, *scope.params])

    def public(self, alias: str) -> Where:
        now = connection.ops.adapt_datetimefield_value(self.now)
        where = Where()
        where.add(f"{alias}.is_public = %s", [True])
        where.add(f"({alias}.public_from IS NULL OR {alias}.public_from <= %s)", [now])
        where.add(f"({alias}.public_until IS NULL OR {alias}.public_until > %s)", [now])
        return where

    def text_membership(self, alias: str = "d") -> Where:
        """Documents matching the text (or, for a query of only exclusions, not excluded)."""
        parsed = self.query.parsed
        where = Where()
        if parsed.positive:
            sql, params = self.dialect.matching_ids(parsed.positive, parsed.negative)
            where.add(f"{alias}.id IN ({sql})", params)
        elif parsed.negative:
            sql, params = self.dialect.matching_ids([list(parsed.negative)])
            where.add(f"{alias}.id NOT IN ({sql})", params)
        return where

    def filter(self, name: str, values: Sequence[Any], alias: str = "d", id_column: str = "id") -> Where:
        if name in MULTI_VALUED_FACETS:
            return Where().add(
                f"{alias}.{id_column} IN (SELECT document_id FROM {FACET} "
                f"WHERE facet = %s AND value IN ({placeholders(values)}))",
                [name, *values],
            )
        return Where().add(f"{alias}.{FACET_COLUMNS[name]} IN ({placeholders(values)})", list(values))

    def filters(self, names: Iterable[str] | None = None, alias: str = "d", id_column: str = "id") -> Where:
        active = self.query.filters()
        where = Where()
        for name in FACETS if names is None else names:
            if name in active:
                where = where + self.filter(name, active[name], alias, id_column)
        return where

    # --- statements ----------------------------------------------------------------
    def page_sql(self, *, walk_dates: bool = False) -> tuple[str, list[Any]]:
        """Ids (and scores) of the requested page of results. ``walk_dates``:
        many documents qualify, so reading the date index newest first and
        stopping at the page beats sorting every one of them."""
        where = self.visibility() + self.filters()
        limit = [self.query.per_page, self.query.offset]
        if self.query.effective_sort == "relevance":
            hits_sql, hits_params = self.dialect.hits(self.query.parsed)
            sql = (
                f"SELECT d.id, h.score FROM ({hits_sql}) h JOIN {DOC} d ON d.id = h.id "
                f"WHERE {where.sql} ORDER BY h.score DESC, d.date DESC, d.id DESC LIMIT %s OFFSET %s"
            )
            return sql, [*hits_params, *where.params, *limit]
        where = where + self.text_membership()
        direction = "DESC" if self.query.effective_sort == "newest" else "ASC"
        hint = self.dialect.date_index_hint if walk_dates else ""
        sql = (
            f"SELECT d.id, 0.0 FROM {DOC} d {hint} WHERE {where.sql} "
            f"ORDER BY d.date {direction} NULLS LAST, d.id {direction} LIMIT %s OFFSET %s"
        )
        return sql, [*where.params, *limit]

    def matches_sql(self) -> tuple[str, list[Any]]:
        """Every visible document matching the words: id, score, a sortable
        date (never NULL) and its facet values, for :meth:`tally`."""
        hits_sql, hits_params = self.dialect.hits(
            self.query.parsed, scored=self.query.effective_sort == "relevance"
        )
        where = self.visibility()
        columns = ", ".join(f"d.{column}" for column in MATCH_FACET_COLUMNS)
        sql = (
            f"SELECT d.id, h.score, {self.dialect.sortable_date}, {columns} "
            f"FROM ({hits_sql}) h {self.dialect.ordered_join} {DOC} d ON d.id = h.id WHERE {where.sql}"
        )
        return sql, [*hits_params, *where.params]

    def tally(self, rows: list[tuple], keep: int) -> tuple[int, FacetCounts, list[tuple[int, float]]]:
        """Total, facet counts (each under every filter but its own) and the
        first ``keep`` results in order, from the rows of :meth:`matches_sql`.

        Rows are grouped by which filters they fail, with C-level helpers
        (``itemgetter``, ``Counter``, ``heapq``), so the Python cost per match
        stays well under a microsecond."""
        active = self.query.filters()
        checks = [(MATCH_FACETS.index(name), {str(value) for value in values}) for name, values in active.items()]
        # (facet index or None for "passes all") -> rows counted for that facet
        passing: list[tuple] = rows
        failing_one: dict[int, list[tuple]] = {}
        if checks:
            positions = [FIRST_FACET_COLUMN + index for index, _accepted in checks]
            key_of = itemgetter(*positions) if len(positions) > 1 else (lambda row, at=positions[0]: (row[at],))
            verdicts: dict[tuple, int] = {}
            passing = []
            for row in rows:
                key = key_of(row)
                verdict = verdicts.get(key)
                if verdict is None:
                    verdict = verdicts[key] = _verdict(key, checks)
                if verdict == PASSES:
                    passing.append(row)
                elif verdict >= 0:
                    failing_one.setdefault(verdict, []).append(row)
        counts: FacetCounts = {}
        for index, name in enumerate(MATCH_FACETS):
            counted = passing + failing_one.get(index, [])
            column = Counter(map(itemgetter(FIRST_FACET_COLUMN + index), counted))
            if index >= MULTI_START:
                expanded: Counter[str] = Counter()
                for joined, number in column.items():
                    for value in (joined or "").split():
                        expanded[value] += number
                counts[name] = dict(expanded)
            else:
                counts[name] = {str(value): number for value, number in column.items() if value not in ("", None)}
        return len(passing), counts, self._first(passing, keep)

    def _first(self, rows: list[tuple], keep: int) -> list[tuple[int, float]]:
        sort = self.query.effective_sort
        if sort == "relevance":
            first = heapq.nlargest(keep, rows, key=itemgetter(1, 2, 0))
        else:
            earliest = self.dialect.earliest_value
            dated = [row for row in rows if row[2] != earliest]
            if sort == "newest":
                first = heapq.nlargest(keep, dated, key=itemgetter(2, 0))
            else:
                first = heapq.nsmallest(keep, dated, key=itemgetter(2, 0))
            first += [row for row in rows if row[2] == earliest][: max(0, keep - len(first))]
        return [(row[0], row[1]) for row in first]

    def count_sql(self) -> tuple[str, list[Any]]:
        where = self.visibility() + self.text_membership() + self.filters()
        return f"SELECT count(*) FROM {DOC} d WHERE {where.sql}", where.params

    def facets_sql(self) -> tuple[str, list[Any]]:
        """Rows ("c", kind, locale, pillar, licence, year, n) per combination of
        single-valued facets, and (facet, value, …, n) per multi-valued value.

        With words, the matching documents are materialised once and both
        parts read from them. Without words, each part reads one covering
        index (``search_doc_browse``, ``search_facet_browse``) and no table."""
        single = [name for name in FACETS if name not in MULTI_VALUED_FACETS]
        active = self.query.filters()
        unfiltered = [name for name in MULTI_VALUED_FACETS if name not in active]
        multi_groups = ([unfiltered] if unfiltered else []) + [[name] for name in MULTI_VALUED_FACETS if name in active]
        combos = (
            "SELECT 'c', {a}.kind, {a}.locale, {a}.pillar, {a}.licence, CAST({a}.year AS VARCHAR(8)), count(*) "
            "FROM {source} WHERE {where} GROUP BY {a}.kind, {a}.locale, {a}.pillar, {a}.licence, {a}.year"
        )
        values = (
            "SELECT fv.facet, fv.value, NULL, NULL, NULL, NULL, count(*) FROM {source} "
            "WHERE fv.facet IN ({names}) AND {where} GROUP BY fv.facet, fv.value"
        )
        branches: list[tuple[str, list[Any]]] = []
        if self.query.parsed:
            base = self.visibility() + self.text_membership()
            prefix = (
                f"WITH base AS MATERIALIZED (SELECT d.id, d.kind, d.locale, d.pillar, d.licence, d.year "
                f"FROM {DOC} d WHERE {base.sql}) "
            )
            prefix_params = base.params
            where = self.filters(MULTI_VALUED_FACETS, alias="b")
            branches.append((combos.format(a="b", source="base b", where=where.sql), where.params))
            for names in multi_groups:
                others = [name for name in MULTI_VALUED_FACETS if name not in names]
                where = self.filters(single, alias="b") + self.filters(others, alias="b")
                source = f"base b {self.dialect.ordered_join} {FACET} fv ON fv.document_id = b.id"
                branches.append((values.format(source=source, names=placeholders(names), where=where.sql),
                                 [*names, *where.params]))
        else:
            prefix, prefix_params = "", []
            where = self.visibility() + self.filters(MULTI_VALUED_FACETS)
            branches.append((combos.format(a="d", source=f"{DOC} d", where=where.sql), where.params))
            for names in multi_groups:
                others = [name for name in MULTI_VALUED_FACETS if name not in names]
                where = (
                    self.visibility("fv", id_column="document_id") + self.filters(single, alias="fv")
                    + self.filters(others, alias="fv", id_column="document_id")
                )
                branches.append((values.format(source=f"{FACET} fv", names=placeholders(names), where=where.sql),
                                 [*names, *where.params]))
        sql = prefix + " UNION ALL ".join(branch for branch, _params in branches)
        return sql, [*prefix_params, *(param for _branch, params in branches for param in params)]

    def read_facets(self, rows: Iterable[tuple]) -> tuple[int, FacetCounts, int]:
        """Total, facet counts and the number of documents before single-valued
        filters, from the rows of :meth:`facets_sql`."""
        active = {name: {str(value) for value in values} for name, values in self.query.filters().items()}
        single = [name for name in FACETS if name not in MULTI_VALUED_FACETS]
        counts: FacetCounts = {name: {} for name in FACETS}
        total = unfiltered = 0
        for tag, *values, number in rows:
            if tag != "c":
                counts[tag][values[0]] = counts[tag].get(values[0], 0) + number
                continue
            unfiltered += number
            combination = dict(zip(single, ("" if value is None else str(value) for value in values), strict=True))
            failing = [name for name in single if name in active and combination[name] not in active[name]]
            if not failing:
                total += number
            for name in single:
                if (not failing or failing == [name]) and combination[name]:
                    counts[name][combination[name]] = counts[name].get(combination[name], 0) + number
        return total, counts, unfiltered


class EmbeddedBackend(SearchBackend):
    name = "embedded"
    synchronous = True

    # --- writing --------------------------------------------------------------------
    def replace(self, keys: Iterable[ObjectKey], entries: Iterable[IndexEntry]) -> None:
        keys, entries = list(keys), list(entries)
        with transaction.atomic():
            self._delete(keys)
            self._insert(entries)
            self._bump_generation()

    def _bump_generation(self) -> None:
        """A new random generation: unlike a counter, a value written by a
        transaction that rolls back is never seen again."""
        generation = secrets.randbits(62)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {STATE} SET generation = %s WHERE id = 1", [generation])
            if cursor.rowcount == 0:
                SearchIndexState.objects.update_or_create(pk=1, defaults={"generation": generation})

    def _delete(self, keys: list[ObjectKey]) -> None:
        by_type: dict[str, list[int]] = {}
        for object_type, object_id in keys:
            by_type.setdefault(object_type, []).append(object_id)
        with connection.cursor() as cursor:
            for object_type, ids in by_type.items():
                for chunk in _chunks(ids, BATCH):
                    docs = f"SELECT id FROM {DOC} WHERE object_type = %s AND object_id IN ({placeholders(chunk)})"
                    params = [object_type, *chunk]
                    cursor.execute(f"DELETE FROM {TEXT} WHERE document_id IN ({docs})", params)
                    cursor.execute(f"DELETE FROM {FACET} WHERE document_id IN ({docs})", params)
                    cursor.execute(
                        f"DELETE FROM {DOC} WHERE object_type = %s AND object_id IN ({placeholders(chunk)})", params
                    )

    def _insert(self, entries: list[IndexEntry]) -> None:
        for chunk in _chunks(entries, BATCH):
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

    def reindex(self, objects: Iterable[Any], *, progress: Callable[[int], None] | None = None) -> int:
        """Re-read every object, in batches that each commit, so search keeps
        answering (with old or new rows, never none) during a rebuild."""
        self.rebuild_fulltext()
        seen: set[ObjectKey] = set()
        written = 0
        for batch in _chunks(objects, 100):
            keys = [key for key in (object_key(obj) for obj in batch) if key is not None]
            entries = [entry for obj in batch for entry in entries_for(obj)]
            self.replace(keys, entries)
            seen.update(keys)
            written += len(entries)
            if progress:
                progress(len(batch))
        stale = set(SearchDocument.objects.values_list("object_type", "object_id").distinct()) - seen
        self.remove(sorted(stale))
        self.optimize()
        return written

    def rebuild_fulltext(self) -> None:
        """Rebuild the full-text index from ``SearchText`` (after a change of folding rules)."""
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
                cursor.execute(
                    "INSERT INTO search_fts(rowid, title, title_folded, text, text_folded, cjk_chars) "
                    "SELECT document_id, title_tokens, search_fold(title_tokens), text_tokens, "
                    f"search_fold(text_tokens), cjk_chars FROM {TEXT}"
                )
            else:
                cursor.execute(f"UPDATE {TEXT} SET title_tokens = title_tokens")

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
                cursor.execute("ANALYZE")
            else:
                cursor.execute(f"ANALYZE {DOC}, {TEXT}, {FACET}")

    def page_ids_showing_image(self, image_id: int) -> list[int]:
        return list(
            SearchText.objects.filter(document__object_type="page", thumbnail_image_id=image_id)
            .values_list("document__object_id", flat=True)
        )

    # --- reading ----------------------------------------------------------------------
    def search(self, query: SearchQuery) -> BackendResults:
        """With words, every visible match is read once (score, date, facet
        values) and counted, filtered, sorted and paged in Python. Without
        words, facets come from covering indexes and the page from the date
        index. Totals, facets and the first results are cached per index
        generation (see :meth:`_summary`)."""
        plan = SearchPlan(query, dialect(query.titles_only), query.at or timezone.now())
        with connection.cursor() as cursor:
            summary = self._summary(plan, cursor)
            end = query.offset + query.per_page
            first = summary.get("first")
            if query.parsed.positive and (first is None or (len(first) < end and len(first) < summary["total"])):
                summary = self._summary(plan, cursor, refresh=True, keep=end)
                first = summary["first"]
            if first is not None:
                page = first[query.offset:end]
            elif summary["total"] > query.offset:
                share = summary["total"] / max(1, summary.get("unfiltered", summary["total"]))
                walk = summary["total"] >= WALK_DATES_FROM and share >= WALK_DATES_SHARE
                cursor.execute(*plan.page_sql(walk_dates=walk))
                page = cursor.fetchall()
            else:
                page = []
            stored = _stored_fields([row[0] for row in page], cursor)
        hits = [_hit(stored[doc_id], score, query) for doc_id, score in page if doc_id in stored]
        return BackendResults(hits=hits, total=summary["total"], facets=summary["facets"] if query.facets else {})

    def _summary(self, plan: SearchPlan, cursor: Any, *, refresh: bool = False, keep: int = 0) -> dict[str, Any]:
        """{"total", "facets", "first"}: computed, or from the cache when the
        index has not changed (same generation) and no document has entered
        or left its visibility window since. "first" (the first results, in
        order) exists for searches with words only."""
        seconds = int(getattr(settings, "SEARCH_FACET_CACHE_SECONDS", 0))
        key = _cache_key(plan.query, cursor) if seconds and plan.query.at is None else None
        if key and not refresh:
            cached = cache.get(key)
            if cached is not None and plan.now < cached["valid_until"]:
                return cached
        query = plan.query
        summary: dict[str, Any]
        if query.parsed.positive:
            cursor.execute(*plan.matches_sql())
            total, facets, first = plan.tally(cursor.fetchall(), keep=max(keep, CACHED_RESULTS,
                                                                          query.offset + query.per_page))
            summary = {"total": total, "facets": facets, "first": first}
        elif query.facets:
            cursor.execute(*plan.facets_sql())
            total, facets, unfiltered = plan.read_facets(cursor.fetchall())
            summary = {"total": total, "facets": facets, "unfiltered": unfiltered}
        else:
            cursor.execute(*plan.count_sql())
            summary = {"total": cursor.fetchone()[0], "facets": {}}
        if key:
            valid_until = min(plan.now + datetime.timedelta(seconds=seconds), _next_visibility_change(plan.now, cursor))
            summary["valid_until"] = valid_until
            cache.set(key, summary, max(1, int((valid_until - plan.now).total_seconds())))
        return summary


# --- rows <-> entries ---------------------------------------------------------------------
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
    )


def _stored_fields(ids: list[int], cursor: Any) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    columns = ", ".join(HIT_COLUMNS)
    cursor.execute(
        f"SELECT {columns} FROM {DOC} d JOIN {TEXT} t ON t.document_id = d.id WHERE d.id IN ({placeholders(ids)})",
        ids,
    )
    return {row[0]: dict(zip(HIT_COLUMN_NAMES, row, strict=True)) for row in cursor.fetchall()}


def _hit(values: dict[str, Any], score: float, query: SearchQuery) -> SearchHit:
    return SearchHit(
        object_type=values["object_type"], object_id=values["object_id"], locale=values["locale"],
        kind=values["kind"], title=values["title"], url=values["url"],
        snippet=str(snippet(query.parsed, values["summary"], values["body"])),
        thumbnail_url=values["thumbnail_url"], credit=values["credit"], licence=values["licence"],
        date=_datetime(values["date"]), pillar=values["pillar"],
        ethnic_groups=tuple(values["ethnic_groups"].split()), places=tuple(values["places"].split()),
        rights_expire_on=_date(values["rights_expire_on"]), status=values["status"], score=float(score or 0.0),
    )


def _datetime(value: Any) -> datetime.datetime | None:
    """A raw cursor gives SQLite datetimes as naive UTC (or text)."""
    if isinstance(value, str):
        value = SearchDocument._meta.get_field("date").to_python(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _verdict(values: tuple, checks: list[tuple[int, set[str]]]) -> int:
    failed = PASSES
    for value, (index, accepted) in zip(values, checks, strict=True):
        if index >= MULTI_START:
            ok = not accepted.isdisjoint((value or "").split())
        else:
            ok = ("" if value is None else str(value)) in accepted
        if not ok:
            if failed != PASSES:
                return FAILS_SEVERAL
            failed = index
    return failed


def _date(value: Any) -> datetime.date | None:
    return SearchText._meta.get_field("rights_expire_on").to_python(value) if isinstance(value, str) else value


def _cache_key(query: SearchQuery, cursor: Any) -> str:
    cursor.execute(f"SELECT generation FROM {STATE} WHERE id = 1")
    row = cursor.fetchone()
    signature = repr((
        query.text, sorted((name, tuple(map(str, values))) for name, values in query.filters().items()),
        query.effective_sort, query.facets, query.include_unpublished, query.private_scope, query.titles_only,
        connection.settings_dict["NAME"],
    ))
    digest = hashlib.sha256(signature.encode("utf-8")).hexdigest()[:32]
    return f"search:summary:{row[0] if row else 0}:{digest}"


def _next_visibility_change(now: datetime.datetime, cursor: Any) -> datetime.datetime:
    """The next moment a document enters (go-live) or leaves (expiry, end of rights) the public index."""
    moment = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(
        f"SELECT (SELECT min(public_from) FROM {DOC} WHERE public_from > %s), "
        f"(SELECT min(public_until) FROM {DOC} WHERE public_until > %s)",
        [moment, moment],
    )
    changes = [_datetime(value) for value in cursor.fetchone() if value is not None]
    return min(changes, default=now + datetime.timedelta(days=365))


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
