"""PostgreSQL's dialect of the exact SQL search: tsquery expressions and ts_rank.

The ``tsvector`` column of ``search_searchtext`` (migration ``0002_fulltext``)
weighs A exact title, B folded title, C exact text, D folded text and CJK
characters; every token is quoted as a lexeme, so nothing a person types is
ever tsquery syntax.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from search.backends.embedded.store import DOC, TEXT
from search.text import Clause, ParsedQuery, has_cjk


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

    @staticmethod
    def rebuild_fulltext(cursor: Any) -> None:
        cursor.execute(f"UPDATE {TEXT} SET title_tokens = title_tokens")  # the trigger recomputes the vector

    @staticmethod
    def optimize(cursor: Any) -> None:
        cursor.execute(f"ANALYZE {DOC}, {TEXT}, search_searchfacetvalue")
