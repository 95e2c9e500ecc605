"""Product text search: a FULLTEXT index on MySQL/MariaDB, LIKE elsewhere.

The FULLTEXT index `product_fulltext` on (name, description, sku) is created by
migration 0002 only on MySQL/MariaDB. InnoDB does not index words shorter than
`innodb_ft_min_token_size` (3 by default), so such terms fall back to LIKE.
It does not index its stopwords either, and a required stopword matches nothing,
so stopwords are dropped from a query that has other words (on every database,
so both behave alike).
"""

import re

from django.conf import settings
from django.db import connection
from django.db.models import F, FloatField, Func, Lookup, Q, QuerySet, TextField

from catalog.errors import SearchTooLong

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
    """The distinct words of `query` (ignoring case), without stopwords unless it holds nothing else."""
    distinct: dict[str, str] = {}
    for term in _NON_WORD.split(query):
        if term:
            distinct.setdefault(term.lower(), term)
    terms = list(distinct.values())
    meaningful = [term for term in terms if term.lower() not in FULLTEXT_STOPWORDS]
    return meaningful or terms


def search_terms_bounded(query: str) -> list[str]:
    """The words of a shopper's search, within the limits that bound what one search costs.

    Raises SearchTooLong (400, field `q`) past SEARCH_MAX_LENGTH characters or
    SEARCH_MAX_TERMS distinct words; the length is checked before any work is done.
    """
    if len(query) > settings.SEARCH_MAX_LENGTH:
        raise SearchTooLong(f"Search for at most {settings.SEARCH_MAX_LENGTH} characters.", field="q")
    terms = search_terms(query)
    if len(terms) > settings.SEARCH_MAX_TERMS:
        raise SearchTooLong(f"Search for at most {settings.SEARCH_MAX_TERMS} different words.", field="q")
    return terms


def _fulltext_indexed(term: str) -> bool:
    return len(term) >= FULLTEXT_MIN_TERM and term.lower() not in FULLTEXT_STOPWORDS


def _fulltext_available() -> bool:
    return connection.vendor == "mysql"


def _like_q(term: str) -> Q:
    return Q(name__icontains=term) | Q(description__icontains=term) | Q(sku__icontains=term)


def _match(boolean_query: str) -> MatchAgainst:
    return MatchAgainst(_Columns(*(F(column) for column in SEARCH_COLUMNS)), boolean_query)


def products_matching_all(queryset: QuerySet, query: str) -> QuerySet:
    """Products containing every word of `query` (as a word prefix with FULLTEXT, a substring with LIKE).

    Raises SearchTooLong (400) past the limits of `search_terms_bounded`. The condition is
    built in one pass and applied with one filter: a filter per word would copy the growing
    WHERE tree each time, making the cost quadratic in the number of words.
    """
    terms = search_terms_bounded(query)
    if not terms:
        return queryset
    if not _fulltext_available():
        return queryset.filter(Q(*(_like_q(term) for term in terms)))
    long_terms = [term for term in terms if _fulltext_indexed(term)]
    conditions = [_like_q(term) for term in terms if not _fulltext_indexed(term)]
    if long_terms:
        conditions.insert(0, _match(" ".join(f"+{term}*" for term in long_terms)))
    return queryset.filter(Q(*conditions))


def products_matching_any(queryset: QuerySet, query: str) -> QuerySet:
    """Products containing any meaningful word of `query`, most relevant first where the database can rank.

    Only the first SEARCH_MAX_TERMS words count: the assistant searches with the model's
    words, which should not fail a conversation, and more words would only add cost.
    """
    terms = [term for term in search_terms(query) if _fulltext_indexed(term)][: settings.SEARCH_MAX_TERMS]
    if not terms:
        return queryset.none()
    if not _fulltext_available():
        matches = Q(*(_like_q(term) for term in terms), _connector=Q.OR)
        return queryset.filter(matches).order_by("-is_trending", "name", "id")
    boolean_query = " ".join(f"{term}*" for term in terms)
    return (
        queryset.filter(_match(boolean_query))
        .annotate(relevance=MatchRelevance(boolean_query))
        .order_by("-relevance", "-is_trending", "name", "id")
    )
