"""The tantivy index: what makes embedded search fast at 100 000 items.

One index under ``var/`` (``SEARCH_INDEX_DIR``) per database, built from the
rows of :mod:`store` with the analysis of :mod:`search.text`: the exact and
folded token streams go to whitespace-tokenised fields (title, title_folded,
text, text_folded; ``cjk`` for single CJK characters), facets to columnar
fast fields counted by terms aggregations, visibility to two flags (public,
and ``windowed``: has a go-live or an end) and two time columns checked at
query time for the windowed few. A clause matches through its folded
form and scores again through its exact form, with the weights of the SQL
engine, so the spelling typed ranks first.

The index records the database write it reflects (a state document), so a
search knows which documents changed since and leaves those to the database.
Only :mod:`writer` writes it; any number of processes read it.
"""

from __future__ import annotations

import datetime
import functools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import tantivy

from search.backends.embedded.store import State, as_datetime
from search.query import FACETS, MULTI_VALUED_FACETS, FacetCounts, SearchQuery
from search.text import Clause, fold, has_cjk

Q, OCCUR = tantivy.Query, tantivy.Occur
#: Stands for "no date": before every date (go-live, newest) or after (end of visibility, oldest).
EARLIEST, LATEST = -(2**62), 2**62
#: Field weights of a match, as the SQL engine's (bm25 20/4/8/1/2).
EXACT_FIELDS = (("title", 20.0), ("text", 8.0))
FOLDED_FIELDS = (("title_folded", 4.0), ("text_folded", 1.0))
CJK_WEIGHT = 2.0
TEXT_FIELDS = ("title", "title_folded", "text", "text_folded")
KEYWORD_FACETS = ("kind", "locale", "pillar", "licence", *MULTI_VALUED_FACETS)
#: Buckets asked of a terms aggregation: more than any facet has values, so counts are exact.
FACET_BUCKETS = 10_000
#: 2: visibility as exclusions (``windowed``).
SCHEMA_VERSION = 2
#: Longer "prefixes" are matched as whole words (tantivy's regex automaton has a size limit; no word is that long).
LONGEST_PREFIX = 64


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("cjk", tokenizer_name="whitespace", index_option="freq")
    for name in KEYWORD_FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_boolean_field("is_public", indexed=True, fast=True)
    builder.add_boolean_field("windowed", indexed=True)
    for name in ("public_from", "public_until", "newest", "oldest"):
        builder.add_integer_field(name, fast=True)
    builder.add_boolean_field("state", indexed=True)
    for name in ("state_sequence", "state_generation", "state_max_id", "state_schema"):
        builder.add_integer_field(name, stored=True)
    return builder.build()


SCHEMA = build_schema()


# --- documents ----------------------------------------------------------------------------
def document(row: Sequence[Any]) -> tantivy.Document:
    """The index document of one row of ``store.INDEX_COLUMNS``."""
    (doc_id, kind, locale, pillar, licence, year, date, is_public, public_from, public_until,
     ethnic_groups, places, title_tokens, text_tokens, cjk_chars) = row
    doc = tantivy.Document()
    doc.add_integer("id", doc_id)
    doc.add_text("title", title_tokens)
    doc.add_text("title_folded", fold(title_tokens))
    doc.add_text("text", text_tokens)
    doc.add_text("text_folded", fold(text_tokens))
    if cjk_chars:
        doc.add_text("cjk", cjk_chars)
    for name, value in (("kind", kind), ("locale", locale), ("pillar", pillar), ("licence", licence)):
        if value:
            doc.add_text(name, value)
    for name, values in (("ethnic_group", ethnic_groups), ("place", places)):
        for value in (values or "").split():
            doc.add_text(name, value)
    if year is not None:
        doc.add_integer("year", int(year))
    doc.add_boolean("is_public", bool(is_public))
    doc.add_boolean("windowed", public_from is not None or public_until is not None)
    doc.add_integer("public_from", _moment(public_from, EARLIEST))
    doc.add_integer("public_until", _moment(public_until, LATEST))
    doc.add_integer("newest", _moment(date, EARLIEST))
    doc.add_integer("oldest", _moment(date, LATEST))
    return doc


def state_document(state: State) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_boolean("state", True)
    doc.add_boolean("is_public", False)  # never a result: visibility leaves out what is not public
    doc.add_integer("state_sequence", state.sequence)
    doc.add_integer("state_generation", state.generation)
    doc.add_integer("state_max_id", state.max_id)
    doc.add_integer("state_schema", SCHEMA_VERSION)
    return doc


def _moment(value: Any, missing: int) -> int:
    """Microseconds since the epoch (what the time columns hold)."""
    value = as_datetime(value)
    if value is None:
        return missing
    return int(value.timestamp() * 1_000_000)


# --- queries ---------------------------------------------------------------------------------
class Words(NamedTuple):
    """The words of a query as two tantivy queries matching the same documents: ``scored`` ranks
    them; ``counted``, the folded forms alone, counts facets and finds date-sorted pages, where no
    score is read. Each field's query is made once for both (a prefix's regular expression takes
    about 0.3 ms to compile into an automaton)."""

    scored: Any
    counted: Any


def text_queries(query: SearchQuery) -> Words | None:
    """The words of ``query`` (None when it has none)."""
    parsed = query.parsed
    if not parsed:
        return None
    scored: list[tuple[Any, Any]] = []
    counted: list[tuple[Any, Any]] = []
    for group in parsed.positive:
        clauses = [_clause(clause, query.titles_only) for clause in group]
        for parts, form in ((scored, 0), (counted, 1)):
            alternatives = [clause[form] for clause in clauses]
            parts.append((OCCUR.Must, alternatives[0] if len(alternatives) == 1 else
                          Q.boolean_query([(OCCUR.Should, alternative) for alternative in alternatives])))
    if not scored:
        scored.append((OCCUR.Must, Q.all_query()))
        counted.append((OCCUR.Must, Q.all_query()))
    excluded = [(OCCUR.MustNot, _clause(clause, query.titles_only).counted) for clause in parsed.negative]
    return Words(Q.boolean_query(scored + excluded), Q.boolean_query(counted + excluded))


def _clause(clause: Clause, titles_only: bool) -> Words:
    """A clause matches in its folded form; its exact form adds to the score, typed with diacritics
    or without ("thang" ranks "bậc thang" above "Tháng"), as the SQL engine's. Scored, one disjunction
    of the folded and exact fields: a match of the exact form is one of the folded form too (the
    folded fields hold the same tokens, folded), so it matches what the folded form alone matches,
    and tantivy scores it in one pass (the exact fields as optional clauses beside a required folded
    match were each sought again for every match: 0.1-0.8 ms a search at 100 000 items)."""
    if clause.single_cjk_char and not titles_only:
        single = Q.boost_query(Q.term_query(SCHEMA, "cjk", clause.tokens[0]), CJK_WEIGHT)
        return Words(single, single)
    prefix = clause.prefix or clause.single_cjk_char
    folded = [(OCCUR.Should, Q.boost_query(_phrase(name, clause.folded, prefix), weight))
              for name, weight in (FOLDED_FIELDS[:1] if titles_only else FOLDED_FIELDS)]
    counted = Q.boolean_query(folded)
    if has_cjk("".join(clause.tokens)):  # nothing to fold: the folded fields hold every spelling
        return Words(counted, counted)
    exact = [(OCCUR.Should, Q.boost_query(_phrase(name, clause.tokens, prefix), weight))
             for name, weight in (EXACT_FIELDS[:1] if titles_only else EXACT_FIELDS)]
    return Words(Q.boolean_query(folded + exact), counted)


def _phrase(name: str, tokens: Sequence[str], prefix: bool) -> Any:
    if prefix and max(map(len, tokens)) <= LONGEST_PREFIX:
        # regular expressions reach every term with the prefix (a phrase-prefix query stops at 50)
        if len(tokens) == 1:
            return Q.regex_query(SCHEMA, name, re.escape(tokens[0]) + ".*")
        return Q.regex_phrase_query(SCHEMA, name, [re.escape(token) for token in tokens[:-1]]
                                    + [re.escape(tokens[-1]) + ".*"])
    if len(tokens) == 1:
        return Q.term_query(SCHEMA, name, tokens[0])
    return Q.phrase_query(SCHEMA, name, list(tokens))


def filter_query(name: str, values: Sequence[Any]) -> Any:
    if name == "year":
        return Q.term_set_query(SCHEMA, "year", [int(value) for value in values])
    return Q.term_set_query(SCHEMA, name, [str(value) for value in values])


def visibility_queries(now: datetime.datetime) -> list[tuple[Any, Any]]:
    """Public, and inside its window (go-live, expiry, end of rights) at ``now``, said as what
    is left out: the documents not public, and those with a window (``windowed``, a few) outside
    it. A search then checks each match against two short lists, where requiring "public" and
    both time ranges checked every match against 95 % of the documents and two columns
    (0.06-1.8 ms a search at 100 000 items). Only exclusions: a query needs a clause it must match."""
    moment = int(now.timestamp() * 1_000_000)
    outside = Q.boolean_query([
        (OCCUR.Should, Q.range_query(SCHEMA, "public_from", tantivy.FieldType.Integer, moment, None,
                                     include_lower=False)),
        (OCCUR.Should, Q.range_query(SCHEMA, "public_until", tantivy.FieldType.Integer, None, moment)),
    ])
    return [
        (OCCUR.MustNot, Q.term_query(SCHEMA, "is_public", False)),
        (OCCUR.MustNot, Q.boolean_query([(OCCUR.Must, Q.term_query(SCHEMA, "windowed", True)),
                                         (OCCUR.Must, outside)])),
    ]


@dataclass
class Plan:
    """The tantivy queries of one search: the words (scored to rank, or only matched to count
    and to sort by date), the base (visibility, ids left to the database) and the facet
    filters, combined per facet."""

    query: SearchQuery
    now: datetime.datetime
    excluded: Sequence[int] = ()
    #: With ``query.private_scope``: the documents whose non-public state the asker may see.
    scope: Sequence[int] = ()
    base: list[tuple[Any, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.query.include_unpublished:
            self.base += visibility_queries(self.now)
        elif self.query.private_scope is None:
            self.base.append((OCCUR.MustNot, Q.term_query(SCHEMA, "state", True)))
        else:  # public now, or in the asker's scope (never the state document: it is not public)
            visible = [(OCCUR.Should, Q.boolean_query([(OCCUR.Must, Q.all_query()), *visibility_queries(self.now)]))]
            if self.scope:
                visible.append((OCCUR.Should, Q.term_set_query(SCHEMA, "id", list(self.scope))))
            self.base.append((OCCUR.Must, Q.const_score_query(Q.boolean_query(visible), 0.0)))
        if self.excluded:
            self.base.append((OCCUR.MustNot, Q.term_set_query(SCHEMA, "id", list(self.excluded))))

    @functools.cached_property
    def words(self) -> Words | None:
        return text_queries(self.query)

    def filtered(self, skip: str = "", *, scored: bool = False) -> Any:
        """The words (``scored`` or counted) and the base with every active filter but ``skip``'s."""
        words = self.words
        parts = [(OCCUR.Must, words.scored if scored else words.counted)] if words is not None else []
        parts += self.base
        parts += [(OCCUR.Must, filter_query(name, values)) for name, values in self.query.filters().items()
                  if name != skip]
        if not any(occur == OCCUR.Must for occur, _query in parts):
            parts.append((OCCUR.Must, Q.all_query()))
        return Q.boolean_query(parts)


@dataclass
class Answer:
    total: int
    facets: FacetCounts
    #: (document id, sort key) of the first ``offset + per_page`` results, or of the page alone.
    ranked: list[tuple[int, float]]


def answer(searcher: tantivy.Searcher, plan: Plan, *, first: int, limit: int) -> Answer:
    """Total, facets (each under every filter but its own) and ``limit``
    results from the ``first`` (0-based), in the query's order."""
    query = plan.query
    active = query.filters()
    # Every document has one kind and one locale: when one of them is counted
    # unfiltered, its counts add up to the total, and the top results are
    # collected without counting every match (tantivy then skips what cannot rank).
    total_from = next((name for name in ("kind", "locale") if name not in active), None) if query.facets else None
    count = total_from is None
    sort = query.effective_sort
    if sort == "relevance":
        found = searcher.search(plan.filtered(scored=True), limit, count=count, offset=first)
    else:  # dates order the page: no score is read
        order = tantivy.Order.Desc if sort == "newest" else tantivy.Order.Asc
        found = searcher.search(plan.filtered(), limit, count=count, offset=first, order_by_field=sort, order=order)
    addresses = [address for _key, address in found.hits]
    ids = searcher.fast_field_values("id", addresses) if addresses else []
    ranked = [(doc_id, key) for doc_id, (key, _address) in zip(ids, found.hits, strict=True)]
    facets: FacetCounts = {}
    if query.facets:
        unfiltered = [name for name in FACETS if name not in active]
        if unfiltered and not found.hits and not first:  # nothing matches: nothing to count
            facets.update({name: {} for name in unfiltered})
        elif unfiltered:
            facets.update(_count(searcher, plan.filtered(), unfiltered))
        for name in active:
            facets.update(_count(searcher, plan.filtered(skip=name), [name]))
    total = found.count if total_from is None else sum(facets[total_from].values())
    return Answer(total=total, facets=facets, ranked=ranked)


def _count(searcher: tantivy.Searcher, query: Any, names: Iterable[str]) -> FacetCounts:
    aggregations = {name: {"terms": {"field": name, "size": FACET_BUCKETS}} for name in names}
    result = searcher.aggregate(query, aggregations)
    return {
        name: {str(bucket["key"]): bucket["doc_count"] for bucket in result[name]["buckets"]}
        for name in aggregations
    }


# --- the index on disk, as one process reads it ----------------------------------------------
class IndexOfAnotherSchema(Exception):
    """The index on disk was written with another schema (a deploy changed ``build_schema``): it
    cannot be opened, only rebuilt, and the SQL engine answers meanwhile. Expected once per
    schema change, so it is logged as a line, not as a failure with its traceback."""

    def __init__(self) -> None:
        super().__init__("it was written with another schema and is being rebuilt")


@dataclass
class View:
    """A searcher and the database state it reflects (None: the index records none)."""

    searcher: tantivy.Searcher
    state: State | None


class TantivyIndex:
    """The index at ``path``: opened lazily, reloaded when the database has moved on."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._index: tantivy.Index | None = None
        self._view: View | None = None
        self._lock = threading.Lock()

    def open(self) -> tantivy.Index:
        """The index, created empty when missing."""
        with self._lock:
            if self._index is None:
                self.path.mkdir(parents=True, exist_ok=True)
                try:
                    self._index = tantivy.Index(SCHEMA, str(self.path), reuse=True)
                except ValueError as error:
                    if "schema does not match" in str(error):
                        raise IndexOfAnotherSchema from error
                    raise
                self._index.config_reader(reload_policy="Manual")
            return self._index

    def forget(self) -> None:
        """Drop the open index (it was replaced or found broken); the next use opens it again."""
        with self._lock:
            self._index, self._view = None, None

    def view(self, expected: State | None = None) -> View:
        """A searcher; reloaded first unless the current one already reflects ``expected``."""
        current = self._view
        if current is not None and expected is not None and current.state == expected:
            return current
        index = self.open()
        index.reload()
        searcher = index.searcher()
        view = View(searcher, read_state(searcher))
        self._view = view
        return view


def read_state(searcher: tantivy.Searcher) -> State | None:
    found = searcher.search(Q.term_query(SCHEMA, "state", True), 1, count=False).hits
    if not found:
        return None
    values = searcher.doc(found[0][1])
    if values.get_first("state_schema") != SCHEMA_VERSION:
        return None
    return State(values.get_first("state_sequence"), values.get_first("state_generation"),
                 values.get_first("state_max_id"))


def memory_index(rows: Iterable[Sequence[Any]]) -> tantivy.Searcher:
    """A throw-away in-memory index of ``rows`` (documents the disk index is not sure of)."""
    index = tantivy.Index(SCHEMA)
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for row in rows:
        writer.add_document(document(row))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index.searcher()
