"""The product list's `q` costs bounded work: capped in length and words, one condition, never a 500.

Runs on SQLite (LIKE) and on MariaDB (FULLTEXT for words of three letters or more, LIKE below).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.selectors import product_search
from catalog.tests.factories import ProductFactory

# Committed rows: the FULLTEXT index sees only what a transaction has committed.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/products"
# The statements that search the product table (not the prefetches of its images and categories).
_READS_PRODUCTS = re.compile(r"FROM [`\"]catalog_product[`\"] ")
WORDS = ["oak", "table", "chair", "walnut", "velvet", "lamp", "rug", "shelf", "desk", "stool", "sofa", "bench"]


@pytest.fixture
def limits(settings):
    settings.SEARCH_MAX_LENGTH = 200
    settings.SEARCH_MAX_TERMS = 10
    return settings


def _product_queries(client, query: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": query})
    return response, [entry["sql"] for entry in queries.captured_queries if _READS_PRODUCTS.search(entry["sql"])]


def _conditions(sql: str) -> tuple[int, int]:
    """(LIKE comparisons, MATCH ... AGAINST clauses) in one statement."""
    return len(re.findall(r"\bLIKE\b", sql)), sql.count("MATCH (")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        # 2,000 one-letter words: the 4 KB query that kept a worker busy for seconds.
        ("b " * 2000, "Search for at most 200 characters."),
        (" ".join(WORDS[:11]), "Search for at most 10 different words."),
    ],
    ids=["too long", "too many words"],
)
def test_a_search_past_the_limits_is_400_before_any_product_query(api_client, limits, query, error):
    ProductFactory(name="Oak table")

    response, product_sql = _product_queries(api_client, query)

    assert response.status_code == 400
    assert response.json() == {"error": error, "code": "search_too_long", "field": "q"}
    assert product_sql == []


def test_a_search_at_the_limits_answers(api_client, limits):
    ProductFactory(name="Oak table", description=" ".join(WORDS))
    ProductFactory(name="Oak chair")
    query = " ".join(WORDS[:10])
    query += " " * (200 - len(query))

    response = api_client.get(URL, {"q": query})

    assert response.status_code == 200
    assert [product["name"] for product in response.json()["results"]] == ["Oak table"]


def test_repeated_words_count_once(api_client, limits):
    ProductFactory(name="Bb gun")
    ProductFactory(name="Oak chair")
    limits.SEARCH_MAX_LENGTH = 5000

    response, product_sql = _product_queries(api_client, "b B " * 1000)

    assert response.status_code == 200
    assert [product["name"] for product in response.json()["results"]] == ["Bb gun"]
    # "b" is below any FULLTEXT index's word length: one LIKE per searched column, in each query.
    assert {_conditions(sql) for sql in product_sql} == {(3, 0)}


@pytest.mark.parametrize("word_count", [1, 5, 10])
def test_the_work_of_a_search_grows_linearly_with_its_words(api_client, limits, word_count):
    # Every other word is too short for a FULLTEXT index, so both paths are exercised on MariaDB.
    words = [f"x{index}" if index % 2 else f"word{index:02d}" for index in range(word_count)]
    ProductFactory(name="Oak table", description=" ".join(words))

    response, product_sql = _product_queries(api_client, " ".join(words))

    assert response.status_code == 200
    # The count and the page: each statement carries one condition per word, no more.
    assert len(product_sql) == 2
    short = [word for word in words if len(word) < 3]
    for sql in product_sql:
        likes, matches = _conditions(sql)
        if connection.vendor == "mysql":
            assert (likes, matches) == (3 * len(short), 1)
        else:
            assert (likes, matches) == (3 * word_count, 0)


@pytest.mark.parametrize(
    "query",
    [
        "²",
        "ß",
        "_",
        "___",
        "%",
        "%%%_",
        "\\",
        "'\"",
        "+-*~<>()@",
        "oak*",
        '"oak table"',
        "a" * 200,
        "😀 chair",
        "日本語",
        "İstanbul",
        "e\u0301te\u0301",
        "the of and",
        "a",
    ],
)
def test_no_search_is_a_server_error(api_client, limits, query):
    api_client.raise_request_exception = False
    ProductFactory(name="Oak table")

    response = api_client.get(URL, {"q": query})

    assert response.status_code == 200
    assert Product.objects.count() == 1


def test_a_null_character_is_refused_as_bad_input(api_client, limits):
    response = api_client.get(URL, {"q": "\x00abc"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == "q"


def test_the_assistant_s_any_word_search_keeps_only_the_first_words(limits):
    words = [f"word{index:02d}" for index in range(30)]
    ProductFactory(name="Word shelf", description="word00 word29")

    with CaptureQueriesContext(connection) as queries:
        found = [product.name for product in product_search(query=" ".join(words), limit=5)]

    assert found == ["Word shelf"]
    (sql,) = [entry["sql"] for entry in queries.captured_queries]
    likes, matches = _conditions(sql)
    if connection.vendor == "mysql":
        assert matches == 2  # the condition and the relevance
        assert "word09*" in sql and "word10" not in sql
    else:
        assert (likes, matches) == (3 * 10, 0)
