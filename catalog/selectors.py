import re
import secrets
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from catalog.models import OPTION_MAX_LENGTH, Category, Offer, Product, ProductImage, ProductVariant, Review
from catalog.pricing import CENT
from catalog.search import products_matching_all, products_matching_any
from orders.models import PAID_OR_LATER, OrderItem
from shop.errors import InvalidInput

RECOMMENDED_SIZE = 8
# Ids read after each random probe: enough to step over a few disabled or sold-out products.
RECOMMENDED_WINDOW = 4
# An id is ASCII digits, few enough for int() (which refuses over 4,300) and for a BIGINT.
_CATEGORY_ID = re.compile(r"[0-9]{1,19}")


def offer_active_q(prefix: str = "", now=None) -> Q:
    """Offers whose window contains `now`; `prefix` reaches them from another model (e.g. "offers__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}start_date__lte": now, f"{prefix}end_date__gte": now})


def best_discount_subquery(*, product_ref: str = "pk", now=None) -> Subquery:
    """The highest discount among the offers active now of the product at `OuterRef(product_ref)`."""
    best = (
        Offer.objects.filter(offer_active_q(now=now), product_id=OuterRef(product_ref))
        .order_by("-discount_percentage")
        .values("discount_percentage")[:1]
    )
    return Subquery(best)


def _offers_with_product(*, now=None) -> QuerySet[Offer]:
    return Offer.objects.select_related("product").annotate(
        product_discount=best_discount_subquery(product_ref="product_id", now=now)
    )


def offer_list_active(*, now=None) -> QuerySet[Offer]:
    """Offers running now on visible products, with `product_discount` (the product's best offer now)."""
    return _offers_with_product(now=now).filter(offer_active_q(now=now), product__is_disabled=False)


def offer_list_all() -> QuerySet[Offer]:
    return _offers_with_product()


def offer_get(*, pk: int, include_hidden: bool = False) -> Offer:
    """One offer; offers of disabled products only when `include_hidden`. Raises Http404."""
    offers = offer_list_all()
    if not include_hidden:
        offers = offers.filter(product__is_disabled=False)
    return get_object_or_404(offers, pk=pk)


def product_discounts_now(*, product_ids) -> dict[int, Decimal]:
    """The best discount active now for each of `product_ids` that has one."""
    rows = (
        Offer.objects.filter(offer_active_q(), product_id__in=product_ids)
        .values("product_id")
        .annotate(best=Max("discount_percentage"))
    )
    return {row["product_id"]: row["best"] for row in rows}


def product_queryset(*, include_disabled: bool = False) -> QuerySet[Product]:
    """Products as the API renders them: best discount annotated, categories, images and active variants prefetched.

    A page of any size costs one query for the rows plus one per prefetch.
    """
    products = Product.objects.annotate(discount_percentage=best_discount_subquery()).prefetch_related(
        Prefetch("categories", queryset=Category.objects.only("id", "name", "slug")),
        Prefetch("images", queryset=ProductImage.objects.only("id", "product_id", "url", "position")),
        Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True), to_attr="active_variants"),
    )
    if not include_disabled:
        products = products.filter(is_disabled=False)
    return products


def product_list(*, include_disabled: bool = False) -> QuerySet[Product]:
    """Products in the default order (name); filters and sorting are `catalog.filters.ProductFilter`."""
    return product_queryset(include_disabled=include_disabled).order_by("name", "id")


def product_get(*, pk: int | None = None, slug: str | None = None, include_disabled: bool = False) -> Product:
    """One product by id or slug; disabled ones only when `include_disabled`. Raises Http404."""
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(product_queryset(include_disabled=include_disabled), **lookup)


def product_get_plain(*, pk: int, include_disabled: bool = False) -> Product:
    """One product row, without the annotations and prefetches the API renders. Raises Http404."""
    products = Product.objects.all() if include_disabled else Product.objects.filter(is_disabled=False)
    return get_object_or_404(products, pk=pk)


def product_search(*, query: str, limit: int) -> QuerySet[Product]:
    """Active products matching any word of `query` in name, description or SKU, most relevant first.

    Uses the FULLTEXT index on MySQL/MariaDB (see `catalog.search`).
    """
    return products_matching_any(Product.objects.filter(is_disabled=False), query)[:limit]


def product_highlights(*, limit: int) -> QuerySet[Product]:
    """Active products to show when nothing else was asked for: trending first, newest first.

    The order walks the `product_active_trending` index backwards, so it stays cheap on a large catalog.
    """
    return Product.objects.filter(is_disabled=False).order_by("-is_trending", "-id")[:limit]


def product_filter_text(*, products: QuerySet[Product], query: str) -> QuerySet[Product]:
    """`products` containing every word of `query` (the list's `q` filter)."""
    return products_matching_all(products, query)


def category_resolve(*, value: str) -> Category:
    """A category by id (ASCII digits) or slug, for filters. Raises InvalidInput (400) when there is none."""
    # Not str.isdigit: it accepts "²" and other Unicode digits, which int() then refuses.
    lookup = {"pk": int(value)} if _CATEGORY_ID.fullmatch(value) else {"slug": value}
    category = Category.objects.filter(**lookup).first()
    if category is None:
        raise InvalidInput(f"Unknown category: {value}.", field="category")
    return category


def _id_window_queries(*, category_id: int | None, starts: list[int], size: int) -> list[QuerySet]:
    """For each start, the next `size` product ids read in index order (primary key, or the category index).

    The WHERE holds only the indexed columns, so each is a short index range read,
    whatever the table size; eligibility is checked afterwards on the few ids found.
    """
    if category_id is None:
        ids = Product.objects.order_by("id").values_list("id", flat=True)
        return [ids.filter(id__gte=start)[:size] for start in starts]
    links = (
        Product.categories.through.objects.filter(category_id=category_id)
        .order_by("product_id")
        .values_list("product_id", flat=True)
    )
    return [links.filter(product_id__gte=start)[:size] for start in starts]


def _random_ids(*, category_id: int | None, limit: int) -> list[int]:
    """Up to `limit` distinct ids of active in-stock products, spread at random over the id range.

    Each of `limit` probes jumps to a random point of the index and reads a short
    window from there (no ORDER BY RAND()); one eligible id is taken from each
    window. Small or sparse catalogs where probes collide are filled up from a
    random point, wrapping around.
    """
    bounds = Product.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return []
    span = bounds["high"] - bounds["low"] + 1
    starts = [bounds["low"] + secrets.randbelow(span) for _ in range(limit)]
    windows = _id_window_queries(category_id=category_id, starts=starts, size=RECOMMENDED_WINDOW)
    if connection.features.supports_slicing_ordering_in_compound:
        candidates = list(windows[0].union(*windows[1:], all=True))
    else:
        candidates = [pk for window in windows for pk in window]
    eligible = Product.objects.filter(is_disabled=False, quantity__gt=0)
    found = set(eligible.filter(id__in=set(candidates)).values_list("id", flat=True))
    chosen: list[int] = []
    # Candidates arrive window by window; take the first eligible id of each window.
    for index in range(0, len(candidates), RECOMMENDED_WINDOW):
        window_ids = [pk for pk in candidates[index : index + RECOMMENDED_WINDOW] if pk in found]
        pick = next((pk for pk in window_ids if pk not in chosen), None)
        if pick is not None:
            chosen.append(pick)
    if len(chosen) < limit:
        ids = eligible.order_by("id").values_list("id", flat=True)
        if category_id is not None:
            ids = ids.filter(categories=category_id)
        start = bounds["low"] + secrets.randbelow(span)
        chosen += ids.exclude(id__in=chosen).filter(id__gte=start)[: limit - len(chosen)]
        if len(chosen) < limit:
            chosen += ids.exclude(id__in=chosen)[: limit - len(chosen)]
    return chosen[:limit]


def product_recommended(*, category: Category | None = None, limit: int = RECOMMENDED_SIZE) -> list[Product]:
    """Up to `limit` random active in-stock products, optionally of one category, in random order."""
    ids = _random_ids(category_id=category.pk if category else None, limit=limit)
    if not ids:
        return []
    products = list(product_queryset().filter(id__in=ids))
    secrets.SystemRandom().shuffle(products)
    return products


def category_list(*, include_inactive: bool = False) -> QuerySet[Category]:
    """Categories with `product_count` (their visible products)."""
    categories = Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_disabled=False))
    ).order_by("name", "id")
    if not include_inactive:
        categories = categories.filter(is_active=True)
    return categories


def category_get(*, pk: int | None = None, slug: str | None = None, include_inactive: bool = False) -> Category:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(category_list(include_inactive=include_inactive), **lookup)


def category_options() -> QuerySet:
    """Active categories as `{"value": slug, "label": name}` rows for the storefront's selects."""
    return Category.objects.filter(is_active=True).order_by("name").values(value=F("slug"), label=F("name"))


def review_list_for_product(*, product_id: int) -> QuerySet[Review]:
    """A product's reviews, newest first, each with `author_name` and `verified_purchase`."""
    bought = OrderItem.objects.filter(
        order__user_id=OuterRef("user_id"), product_id=OuterRef("product_id"), order__status__in=PAID_OR_LATER
    )
    return (
        Review.objects.filter(product_id=product_id)
        .annotate(author_name=F("user__name"), verified_purchase=Exists(bought))
        .order_by("-created_at", "-id")
    )


def review_get_for_user(*, pk: int, user) -> Review:
    """A review its author or staff may act on; anyone else's is Http404, as if it did not exist."""
    reviews = Review.objects.all() if user.is_staff else Review.objects.filter(user_id=user.pk)
    return get_object_or_404(reviews, pk=pk)


def variant_list_for_product(*, product_id: int, include_inactive: bool = False) -> list[ProductVariant]:
    """A product's variants (active ones only unless `include_inactive`, which also finds a disabled product).

    Each variant's `product` carries the best discount of now, for `final_price`. Raises Http404.
    """
    products = Product.objects.annotate(discount_percentage=best_discount_subquery())
    if not include_inactive:
        products = products.filter(is_disabled=False)
    product = get_object_or_404(products, pk=product_id)
    variants = ProductVariant.objects.filter(product=product).order_by("pk")
    if not include_inactive:
        variants = variants.filter(is_active=True)
    variants = list(variants)
    for variant in variants:
        variant.product = product
    return variants


def variant_get(*, pk: int) -> ProductVariant:
    """One variant, its `product` carrying the best discount of now (for `final_price`). Raises Http404."""
    variant = get_object_or_404(
        ProductVariant.objects.select_related("product").annotate(
            discount=best_discount_subquery(product_ref="product")
        ),
        pk=pk,
    )
    variant.product.discount_percentage = variant.discount
    return variant


def _option_rows_sql(*, axis: str, base_sql: str, vendor: str) -> str:
    """(product id, option) rows of one axis ("color" or "size") for the products of `base_sql`.

    A product's options are those of its active variants; a product none of whose active
    variants has an option on this axis (the seeds' shape: one stock pool and a list) offers
    the items of its JSON list instead, as the list filters do.
    """
    variant, product = ProductVariant._meta.db_table, Product._meta.db_table
    column = f"{axis}s"
    if vendor == "sqlite":
        items = f"json_each(p.{column}) j"
    else:
        items = f"JSON_TABLE(p.{column}, '$[*]' COLUMNS (value VARCHAR({OPTION_MAX_LENGTH}) PATH '$')) j"
    return (
        # Only table names, the axis name and the ORM's own SQL are interpolated; values go as params.
        f"SELECT v.product_id AS pid, v.{axis} AS value FROM {variant} v "  # noqa: S608
        f"WHERE v.is_active = TRUE AND v.{axis} <> '' AND v.product_id IN ({base_sql}) "
        f"UNION ALL SELECT p.id AS pid, j.value AS value FROM {product} p, {items} "
        f"WHERE p.id IN ({base_sql}) AND NOT EXISTS (SELECT 1 FROM {variant} w "
        f"WHERE w.product_id = p.id AND w.is_active = TRUE AND w.{axis} <> '')"
    )


def _ids_sql(products: QuerySet[Product]) -> tuple[str, tuple]:
    return products.order_by().values("id").query.sql_with_params()


def product_facets(*, category_base, color_base, size_base, price_base) -> dict:
    """Facet counts of a product list: each `*_base` is the list filtered by everything but that facet.

    Two queries: the counts of categories, colours and sizes in one UNION, the price range in another.
    Colours and sizes compare case-insensitively (`value` is lower-cased, `label` one spelling of it).
    """
    vendor = connection.vendor
    parts, params = [], []
    for axis, base in (("color", color_base), ("size", size_base)):
        base_sql, base_params = _ids_sql(base)
        rows_sql = _option_rows_sql(axis=axis, base_sql=base_sql, vendor=vendor)
        parts.append(
            f"SELECT '{axis}', LOWER(o.value), MIN(o.value), COUNT(DISTINCT o.pid) FROM ({rows_sql}) o "  # noqa: S608
            "WHERE o.value <> '' GROUP BY LOWER(o.value)"
        )
        params += [*base_params, *base_params]
    base_sql, base_params = _ids_sql(category_base)
    links, category = Product.categories.through._meta.db_table, Category._meta.db_table
    parts.append(
        f"SELECT 'category' AS facet, c.slug AS value, c.name AS label, COUNT(*) AS n FROM {links} pc "  # noqa: S608
        f"JOIN {category} c ON c.id = pc.category_id WHERE c.is_active = TRUE AND pc.product_id IN ({base_sql}) "
        "GROUP BY c.id, c.slug, c.name"
    )
    params += base_params
    facets: dict = {"category": [], "color": [], "size": []}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for facet, value, label, count in cursor.fetchall():
            facets[facet].append({"value": value, "label": label, "count": count})
    for rows in facets.values():
        rows.sort(key=lambda row: (-row["count"], row["value"]))
    prices = price_base.order_by().aggregate(min=Min("price"), max=Max("price"))
    facets["price"] = {
        name: None if value is None else format(value.quantize(CENT), "f") for name, value in prices.items()
    }
    return facets
