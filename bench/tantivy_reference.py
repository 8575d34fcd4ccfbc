"""A plain tantivy index of the benchmark's items: the yardstick of issue 18.

It does the job a search page needs and nothing else, the most direct way
tantivy offers: the folded token streams of :mod:`search.text` (so it matches
what the project matches), the seven facets as fast fields counted by terms
aggregations (each facet under every filter but its own: one aggregation for
the unfiltered facets, one per filtered facet), the same visibility rule said
the way the project says it (what is left out: not public, or windowed and
outside its window; requiring "public" and both time ranges cost it 0.06-1.8
ms more a search, a handicap the yardstick should not carry), the top results
with their stored fields, and the total. No database, no result
cards, no exact-spelling boost.

Built with ``snippets=True`` it also stores its folded text and cuts each
result's highlighted snippet with tantivy's own ``SnippetGenerator``, as the
project's result cards carry one: the same job as the project's search, done
the tantivy way (its snippet shows the folded tokens, not the original text).
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tantivy

from search.query import FACETS, MULTI_VALUED_FACETS, SearchQuery
from search.text import Clause, cjk_chars, fold, index_text

Q, OCCUR = tantivy.Query, tantivy.Occur
NEVER, FOREVER = -(2**62), 2**62
STORED = ("title", "url", "summary", "credit", "thumbnail_url")
#: Changes when what the reference indexes changes (kept references are then built again).
FORMAT = 2
#: Characters of a snippet, as the project's (``search.text.snippet``).
SNIPPET_LENGTH = 220


def schema(snippets: bool = False) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("text", stored=snippets, tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("cjk", tokenizer_name="whitespace", index_option="freq")
    for name in ("kind", "locale", "pillar", "licence", *MULTI_VALUED_FACETS):
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_boolean_field("is_public", indexed=True, fast=True)
    builder.add_boolean_field("windowed", indexed=True)
    for name in ("public_from", "public_until", "newest", "oldest"):
        builder.add_integer_field(name, fast=True)
    for name in STORED:
        builder.add_text_field(f"card_{name}", stored=True, index_option="basic")
    return builder.build()


def _micro(value: datetime.datetime | None, missing: int) -> int:
    return missing if value is None else int(value.timestamp() * 1_000_000)


class TantivyReference:
    def __init__(self, path: Path, snippets: bool = False) -> None:
        self.path = path
        self.snippets = snippets
        self.schema = schema(snippets)

    def build(self, entries: Iterable[Any]) -> int:
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        index = tantivy.Index(self.schema, str(self.path))
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        count = 0
        for entry in entries:
            doc = tantivy.Document()
            doc.add_text("title", fold(index_text(entry.title)))
            doc.add_text("text", fold(index_text(entry.summary, entry.body, entry.meta)))
            doc.add_text("cjk", cjk_chars(entry.title, entry.summary, entry.body, entry.meta))
            for name in ("kind", "locale", "pillar", "licence"):
                if getattr(entry, name):
                    doc.add_text(name, getattr(entry, name))
            for value in dict.fromkeys(entry.ethnic_groups):
                doc.add_text("ethnic_group", value)
            for value in dict.fromkeys(entry.places):
                doc.add_text("place", value)
            if entry.year is not None:
                doc.add_integer("year", entry.year)
            doc.add_boolean("is_public", entry.is_public)
            doc.add_boolean("windowed", entry.public_from is not None or entry.public_until is not None)
            doc.add_integer("public_from", _micro(entry.public_from, NEVER))
            doc.add_integer("public_until", _micro(entry.public_until, FOREVER))
            doc.add_integer("newest", _micro(entry.date, NEVER))
            doc.add_integer("oldest", _micro(entry.date, FOREVER))
            for name in STORED:
                doc.add_text(f"card_{name}", getattr(entry, name) or "")
            writer.add_document(doc)
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count

    def open(self) -> None:
        self.index = tantivy.Index(self.schema, str(self.path))
        self.searcher = self.index.searcher()

    def size(self) -> int:
        return sum(path.stat().st_size for path in self.path.iterdir() if path.is_file())

    # --- one search ---------------------------------------------------------------------------
    def search(self, query: SearchQuery, now: datetime.datetime) -> tuple[int, dict[str, dict[str, int]], list]:
        """Total, facet counts and the stored fields of the requested page."""
        base = [*self._words(query), *self._visibility(now)]
        main = self._combine(base, query, skip="")
        if query.effective_sort == "relevance":
            found = self.searcher.search(main, query.per_page, count=True, offset=query.offset)
        else:
            order = tantivy.Order.Desc if query.effective_sort == "newest" else tantivy.Order.Asc
            found = self.searcher.search(main, query.per_page, count=True, offset=query.offset,
                                         order_by_field=query.effective_sort, order=order)
        documents = [self.searcher.doc(address) for _score, address in found.hits]
        page = [document.to_dict() for document in documents]
        if self.snippets and documents:
            generator = tantivy.SnippetGenerator.create(self.searcher, main, self.schema, "text")
            generator.set_max_num_chars(SNIPPET_LENGTH)
            for fields, document in zip(page, documents, strict=True):
                fields["snippet"] = generator.snippet_from_doc(document).to_html()
        active = query.filters()
        facets: dict[str, dict[str, int]] = {}
        unfiltered = [name for name in FACETS if name not in active]
        if unfiltered:
            facets.update(self._count(main, unfiltered))
        for name in active:
            facets.update(self._count(self._combine(base, query, skip=name), [name]))
        return found.count, facets, page

    def _count(self, query: Any, names: list[str]) -> dict[str, dict[str, int]]:
        result = self.searcher.aggregate(query, {name: {"terms": {"field": name, "size": 10_000}} for name in names})
        return {name: {str(bucket["key"]): bucket["doc_count"] for bucket in result[name]["buckets"]} for name in names}

    def _combine(self, base: list, query: SearchQuery, skip: str) -> Any:
        parts = list(base)
        for name, values in query.filters().items():
            if name != skip:
                values = [int(value) for value in values] if name == "year" else [str(value) for value in values]
                parts.append((OCCUR.Must, Q.term_set_query(self.schema, name, values)))
        return Q.boolean_query(parts)

    def _visibility(self, now: datetime.datetime) -> list:
        moment = _micro(now, 0)
        outside = Q.boolean_query([
            (OCCUR.Should, Q.range_query(self.schema, "public_from", tantivy.FieldType.Integer, moment, None,
                                         include_lower=False)),
            (OCCUR.Should, Q.range_query(self.schema, "public_until", tantivy.FieldType.Integer, None, moment)),
        ])
        return [
            (OCCUR.MustNot, Q.term_query(self.schema, "is_public", False)),
            (OCCUR.MustNot, Q.boolean_query([(OCCUR.Must, Q.term_query(self.schema, "windowed", True)),
                                             (OCCUR.Must, outside)])),
        ]

    def _words(self, query: SearchQuery) -> list:
        parsed = query.parsed
        parts = [(OCCUR.Must, Q.boolean_query([(OCCUR.Should, self._clause(clause)) for clause in group]))
                 for group in parsed.positive]
        parts += [(OCCUR.MustNot, self._clause(clause)) for clause in parsed.negative]
        if not parsed.positive:  # visibility only leaves out: a query needs a clause it must match
            parts.append((OCCUR.Must, Q.all_query()))
        return parts

    def _clause(self, clause: Clause) -> Any:
        if clause.single_cjk_char:
            return Q.term_query(self.schema, "cjk", clause.tokens[0])
        tokens = list(clause.folded)
        fields = []
        for name in ("title", "text"):
            if clause.prefix and len(tokens) == 1:
                fields.append(Q.regex_query(self.schema, name, re.escape(tokens[0]) + ".*"))
            elif clause.prefix:
                patterns = [re.escape(token) for token in tokens]
                fields.append(Q.regex_phrase_query(self.schema, name, patterns[:-1] + [patterns[-1] + ".*"]))
            elif len(tokens) == 1:
                fields.append(Q.term_query(self.schema, name, tokens[0]))
            else:
                fields.append(Q.phrase_query(self.schema, name, tokens))
        return Q.boolean_query([(OCCUR.Should, field) for field in fields])
