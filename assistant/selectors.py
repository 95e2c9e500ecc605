"""What the assistant may tell shoppers: a small, bounded slice of the live catalog."""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from catalog.models import Category, Product
from catalog.pricing import final_price
from catalog.selectors import offer_list_active, product_discounts_now, product_highlights, product_search

MAX_CATEGORIES = 30
MAX_OFFERS = 10
MAX_PRODUCTS = 8
MAX_SEARCH_TERMS = 8

# Words that would match most descriptions and drown the useful terms of a question
# (words under three letters are dropped anyway).
_STOPWORDS_TEXT = """
    about above after again all also and any are because been but can could did does doing for from get got
    had has have having her here hers him his how into its just like looking more most need not now off once
    only other our out over please price prices show some something than that the their them then there these
    they this those too under very want was were what when where which while who why will with would you your
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class ProductFact:
    id: int
    name: str
    slug: str
    currency: str
    price: Decimal
    discount_percentage: Decimal | None
    final_price: Decimal
    quantity: int
    description: str


@dataclass(frozen=True)
class OfferFact:
    title: str
    product_name: str
    discount_percentage: Decimal
    end_date: datetime


@dataclass(frozen=True)
class CatalogFacts:
    categories: list[str]
    offers: list[OfferFact]
    products: list[ProductFact]
    # False when nothing matched the question and `products` are the shop's highlights instead.
    products_match_query: bool


def search_terms(text: str) -> str:
    """The distinctive words of a shopper's message, as a bounded search query."""
    terms: list[str] = []
    for word in re.findall(r"\w+", text.lower()):
        if len(word) >= 3 and word not in STOPWORDS and word not in terms:
            terms.append(word)
        if len(terms) == MAX_SEARCH_TERMS:
            break
    return " ".join(terms)


def product_facts(*, query: str, limit: int = MAX_PRODUCTS) -> list[ProductFact]:
    """Active products matching `query` with price, best current discount, final price and stock.

    Two queries whatever the catalog size: the search (limited) and the discounts of its results.
    """
    return product_facts_from(product_search(query=query, limit=limit))


def product_facts_from(products: QuerySet[Product]) -> list[ProductFact]:
    """Facts for an already limited queryset of products: one query for them, one for their discounts."""
    products = list(products.only("id", "name", "slug", "currency", "price", "quantity", "description"))
    discounts = product_discounts_now(product_ids=[product.pk for product in products]) if products else {}
    return [
        ProductFact(
            id=product.pk,
            name=product.name,
            slug=product.slug,
            currency=product.currency,
            price=product.price,
            discount_percentage=discounts.get(product.pk),
            final_price=final_price(product.price, discounts.get(product.pk)),
            quantity=product.quantity,
            description=product.description,
        )
        for product in products
    ]


def catalog_facts(*, question: str) -> CatalogFacts:
    """Store facts for the system prompt: active categories, offers running now and the products
    most relevant to `question` (the shop's highlights when nothing matches).

    At most five queries, each limited, however large the catalog.
    """
    categories = list(
        Category.objects.filter(is_active=True).order_by("name").values_list("name", flat=True)[:MAX_CATEGORIES]
    )
    offers = [
        OfferFact(
            title=offer.title,
            product_name=offer.product.name,
            discount_percentage=offer.discount_percentage,
            end_date=offer.end_date,
        )
        for offer in offer_list_active().order_by("end_date", "id")[:MAX_OFFERS]
    ]
    query = search_terms(question)
    products = product_facts(query=query) if query else []
    matched = bool(products)
    if not products:
        products = product_facts_from(product_highlights(limit=MAX_PRODUCTS))
    return CatalogFacts(categories=categories, offers=offers, products=products, products_match_query=matched)
