"""The exact SQL engine: full-text search inside the site's own database.

SQLite uses FTS5 (``sqlite.py``) and PostgreSQL its text search with
``unaccent`` (``postgres.py``); everything else here (filters, facets,
visibility, paging) is plain SQL over ``SearchDocument`` shared by both. It
reads the rows of the current transaction, so it answers whenever the tantivy
index cannot (missing, rebuilding, or far behind).

Match expressions are built from the tokens of :func:`search.text.parse_query`
and every token is quoted, so nothing a person types is ever FTS5 or
tsquery syntax.
"""

from __future__ import annotations

import datetime
import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from search.backends import BackendResults
from search.backends.embedded import store
from search.backends.embedded.sql.postgres import PostgresDialect
from search.backends.embedded.sql.sqlite import SqliteDialect
from search.backends.embedded.store import DOC, FACET, STATE, placeholders
from search.query import FACETS, MULTI_VALUED_FACETS, FacetCounts, SearchQuery

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


class SqlEngine:
    """Answers a :class:`SearchQuery` from the database tables alone."""

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
            hits = store.hits(page, query, cursor)
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
            valid_until = min(
                plan.now + datetime.timedelta(seconds=seconds), store.next_visibility_change(plan.now, cursor)
            )
            summary["valid_until"] = valid_until
            cache.set(key, summary, max(1, int((valid_until - plan.now).total_seconds())))
        return summary




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


def rebuild_fulltext() -> None:
    """Rebuild the full-text rows from ``SearchText`` (after a change of folding rules)."""
    with transaction.atomic(), connection.cursor() as cursor:
        dialect().rebuild_fulltext(cursor)


def optimize() -> None:
    with connection.cursor() as cursor:
        dialect().optimize(cursor)
