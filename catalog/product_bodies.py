"""Product bodies built from plain rows: the read path of the product list and detail.

`ProductOutputSerializer` stays the reference shape (schema, writes' responses); this
module renders the same bodies from `values()` rows and three flat queries, skipping model
instances, prefetch bookkeeping and per-field serializer calls, which were most of a list's
time. `catalog/tests/test_product_bodies.py` checks on generated catalogs that both give
identical bodies.
"""

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from django.db.models import QuerySet

from catalog.models import Product, ProductImage, ProductVariant
from catalog.pricing import CENT, final_price

_PRODUCT_COLUMNS = (
    "id",
    "name",
    "slug",
    "sku",
    "description",
    "description_full",
    "price",
    "cost_price",
    "currency",
    "quantity",
    "image_cover",
    "colors",
    "sizes",
    "materials",
    "dimensions",
    "weight",
    "is_trending",
    "is_disabled",
    "discount_percentage",
    "rating_average",
    "rating_count",
    "created_at",
    "updated_at",
)
_VARIANT_COLUMNS = ("id", "product_id", "sku", "size", "color", "price", "quantity")


def _decimal(value: Decimal | None) -> str | None:
    # As DRF's DecimalField with two places and coerce_to_string.
    return None if value is None else format(value.quantize(CENT), "f")


def _datetime(value) -> str:
    # As DRF's DateTimeField with USE_TZ and TIME_ZONE = UTC.
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _strings(values) -> list:
    return [None if item is None else str(item) for item in values]


def _related_rows(product_ids: list[int]) -> tuple[dict, dict, dict]:
    """Categories, image URLs and active variants of `product_ids`, grouped by product: three queries."""
    categories, images, variants = defaultdict(list), defaultdict(list), defaultdict(list)
    links = (
        Product.categories.through.objects.filter(product_id__in=product_ids)
        .order_by("category__name", "category_id")
        .values_list("product_id", "category_id", "category__name", "category__slug")
    )
    for product_id, category_id, name, slug in links:
        categories[product_id].append({"id": category_id, "name": name, "slug": slug})
    urls = ProductImage.objects.filter(product_id__in=product_ids).order_by("position", "id")
    for product_id, url in urls.values_list("product_id", "url"):
        images[product_id].append(url)
    active = ProductVariant.objects.filter(product_id__in=product_ids, is_active=True).order_by("id")
    for row in active.values_list(*_VARIANT_COLUMNS):
        variants[row[1]].append(row)
    return categories, images, variants


def _variant_body(row: tuple, product_price: Decimal, discount: Decimal | None) -> dict:
    variant_id, product_id, sku, size, color, price, quantity = row
    return {
        "id": variant_id,
        "product_id": product_id,
        "sku": sku,
        "size": size,
        "color": color,
        "price": _decimal(price),
        "final_price": str(final_price(product_price if price is None else price, discount)),
        "quantity": quantity,
        "in_stock": quantity > 0,
        "is_active": True,
    }


def product_bodies(products: QuerySet[Product], *, staff: bool) -> list[dict]:
    """The bodies of `products` (a sliced queryset from `catalog.selectors.product_queryset`), in its order.

    Four queries whatever the number of rows: the rows, their categories, images and active variants.
    """
    rows = list(products.prefetch_related(None).values(*_PRODUCT_COLUMNS))
    if not rows:
        return []
    categories, images, variants = _related_rows([row["id"] for row in rows])
    bodies = []
    for row in rows:
        product_id, price, discount = row["id"], row["price"], row["discount_percentage"]
        body = {
            "id": product_id,
            "name": row["name"],
            "slug": row["slug"],
            "sku": row["sku"],
            "description": row["description"],
            "description_full": row["description_full"],
            "price": _decimal(price),
            "cost_price": _decimal(row["cost_price"]),
            "currency": row["currency"],
            "quantity": row["quantity"],
            "in_stock": row["quantity"] > 0,
            "categories": categories.get(product_id, []),
            "image_cover": row["image_cover"],
            "images": images.get(product_id, []),
            "colors": _strings(row["colors"]),
            "sizes": _strings(row["sizes"]),
            "materials": _strings(row["materials"]),
            "dimensions": row["dimensions"],
            "weight": row["weight"],
            "is_trending": row["is_trending"],
            "is_disabled": row["is_disabled"],
            "discount_percentage": _decimal(discount),
            "final_price": str(final_price(price, discount)),
            "rating_average": _decimal(row["rating_average"]),
            "rating_count": row["rating_count"],
            "variants": [_variant_body(variant, price, discount) for variant in variants.get(product_id, [])],
            "created_at": _datetime(row["created_at"]),
            "updated_at": _datetime(row["updated_at"]),
        }
        if not staff:
            del body["cost_price"]
        bodies.append(body)
    return bodies
