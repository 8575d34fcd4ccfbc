"""SQLite's dialect of the exact SQL search: FTS5 match expressions and bm25.

The FTS5 table ``search_fts`` (migration ``0002_fulltext``) has the columns
title, title_folded, text, text_folded and cjk_chars; every token is quoted,
so nothing a person types is ever FTS5 syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from search.backends.embedded.store import TEXT
from search.text import Clause, ParsedQuery, has_cjk


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

    @staticmethod
    def rebuild_fulltext(cursor: Any) -> None:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        cursor.execute(
            "INSERT INTO search_fts(rowid, title, title_folded, text, text_folded, cjk_chars) "
            "SELECT document_id, title_tokens, search_fold(title_tokens), text_tokens, "
            f"search_fold(text_tokens), cjk_chars FROM {TEXT}"
        )

    @staticmethod
    def optimize(cursor: Any) -> None:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        cursor.execute("ANALYZE")
