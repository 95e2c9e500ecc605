"""Product text search: a FULLTEXT index on MySQL/MariaDB, LIKE elsewhere.

The FULLTEXT index `product_fulltext` on (name, description, sku) is created by
migration 0002 only on MySQL/MariaDB. InnoDB does not index words shorter than
`innodb_ft_min_token_size` (3 by default), so such terms fall back to LIKE.
It does not index its stopwords either, and a required stopword matches nothing,
so stopwords are dropped from a query that has other words (on every database,
so both behave alike).
"""

import re

from django.db import connection
from django.db.models import F, FloatField, Func, Lookup, Q, QuerySet, TextField

SEARCH_COLUMNS = ("name", "description", "sku")
FULLTEXT_MIN_TERM = 3
# InnoDB's default stopword list (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD).
_INNODB_STOPWORDS = (
    "a about an are as at be by com de en for from how i in is it la of on or that the this to und was what when "
    "where who will with www"
)
FULLTEXT_STOPWORDS = frozenset(_INNODB_STOPWORDS.split())
# Anything but letters and digits is a boolean-mode operator or a token separator for InnoDB.
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


class _Columns(Func):
    """The column list of MATCH (...): the columns joined by commas, with their table alias."""

    template = "%(expressions)s"
    arg_joiner = ", "
    output_field = TextField()


class MatchAgainst(Lookup):
    """`MATCH (columns) AGAINST (query IN BOOLEAN MODE)` as a WHERE condition.

    A Lookup rather than a boolean expression, because Django compares a bare
    conditional expression to TRUE on MySQL, which would defeat the index.
    """

    lookup_name = "match_against"

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"MATCH ({lhs_sql}) AGAINST ({rhs_sql} IN BOOLEAN MODE)", [*lhs_params, *rhs_params]


class MatchRelevance(Func):
    """The relevance score of a boolean-mode match, for ordering."""

    output_field = FloatField()

    def __init__(self, query: str):
        super().__init__(*(F(column) for column in SEARCH_COLUMNS))
        self.query = query

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(
            compiler, connection, template="MATCH (%(expressions)s) AGAINST (%%s IN BOOLEAN MODE)", **extra_context
        )
        return sql, (*params, self.query)


def search_terms(query: str) -> list[str]:
    """The words of `query`, without stopwords unless it holds nothing else."""
    terms = [term for term in _NON_WORD.split(query) if term]
    meaningful = [term for term in terms if term.lower() not in FULLTEXT_STOPWORDS]
    return meaningful or terms


def _fulltext_indexed(term: str) -> bool:
    return len(term) >= FULLTEXT_MIN_TERM and term.lower() not in FULLTEXT_STOPWORDS


def _fulltext_available() -> bool:
    return connection.vendor == "mysql"


def _like_q(term: str) -> Q:
    return Q(name__icontains=term) | Q(description__icontains=term) | Q(sku__icontains=term)


def products_matching_all(queryset: QuerySet, query: str) -> QuerySet:
    """Products containing every word of `query` (as a word prefix with FULLTEXT, a substring with LIKE)."""
    terms = search_terms(query)
    if not terms:
        return queryset
    if not _fulltext_available():
        for term in terms:
            queryset = queryset.filter(_like_q(term))
        return queryset
    long_terms = [term for term in terms if _fulltext_indexed(term)]
    if long_terms:
        boolean_query = " ".join(f"+{term}*" for term in long_terms)
        queryset = queryset.filter(MatchAgainst(_Columns(*(F(column) for column in SEARCH_COLUMNS)), boolean_query))
    for term in terms:
        if not _fulltext_indexed(term):
            queryset = queryset.filter(_like_q(term))
    return queryset


def products_matching_any(queryset: QuerySet, query: str) -> QuerySet:
    """Products containing any meaningful word of `query`, most relevant first where the database can rank."""
    terms = [term for term in search_terms(query) if _fulltext_indexed(term)]
    if not terms:
        return queryset.none()
    if not _fulltext_available():
        matches = Q()
        for term in terms:
            matches |= _like_q(term)
        return queryset.filter(matches).order_by("-is_trending", "name", "id")
    boolean_query = " ".join(f"{term}*" for term in terms)
    return (
        queryset.filter(MatchAgainst(_Columns(*(F(column) for column in SEARCH_COLUMNS)), boolean_query))
        .annotate(relevance=MatchRelevance(boolean_query))
        .order_by("-relevance", "-is_trending", "name", "id")
    )
