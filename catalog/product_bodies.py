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

from django.db import connection
from django.db.models import QuerySet

from catalog.models import Category, Product, ProductImage, ProductVariant
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


def _decimal(value: Decimal | None) -> str | None:
    # As DRF's DecimalField with two places and coerce_to_string.
    return None if value is None else format(value.quantize(CENT), "f")


def _datetime(value) -> str:
    # As DRF's DateTimeField with USE_TZ and TIME_ZONE = UTC.
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _strings(values) -> list:
    return [None if item is None else str(item) for item in values]


def _related_sql(count: int) -> str:
    # One UNION instead of three ORM queries: building the ORM's SQL cost more than running it.
    # Columns: kind, product id, three sort keys, then the kind's own values.
    ids = ", ".join(["%s"] * count)
    links, category = Product.categories.through._meta.db_table, Category._meta.db_table
    image, variant = ProductImage._meta.db_table, ProductVariant._meta.db_table
    return (
        "SELECT 0, pc.product_id, c.name, 0, c.id, c.id, c.name, c.slug, NULL, NULL, NULL "  # noqa: S608
        f"FROM {links} pc JOIN {category} c ON c.id = pc.category_id WHERE pc.product_id IN ({ids}) "
        "UNION ALL SELECT 1, i.product_id, '', i.position, i.id, NULL, i.url, NULL, NULL, NULL, NULL "
        f"FROM {image} i WHERE i.product_id IN ({ids}) "
        "UNION ALL SELECT 2, v.product_id, '', 0, v.id, v.id, v.sku, v.size, v.color, v.price, v.quantity "
        f"FROM {variant} v WHERE v.is_active = TRUE AND v.product_id IN ({ids}) "
        "ORDER BY 1, 2, 3, 4, 5"
    )


def _related_rows(product_ids: list[int]) -> tuple[dict, dict, dict]:
    """Categories (by name), image URLs (by position) and active variants (by id) of `product_ids`: one query."""
    categories, images, variants = defaultdict(list), defaultdict(list), defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_related_sql(len(product_ids)), product_ids * 3)
        for kind, product_id, _, _, _, item_id, text, slug_or_size, color, price, quantity in cursor.fetchall():
            if kind == 0:
                categories[product_id].append({"id": int(item_id), "name": text, "slug": slug_or_size})
            elif kind == 1:
                images[product_id].append(text)
            else:
                # A UNION loses column types: SQLite hands back decimals as numbers (str() gives their
                # shortest exact spelling), MariaDB an unsigned integer as a decimal.
                if price is not None and not isinstance(price, Decimal):
                    price = Decimal(str(price))
                row = (int(item_id), product_id, text, slug_or_size, color, price, int(quantity))
                variants[product_id].append(row)
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

    Two queries whatever the number of rows: the rows, then their categories, images and active variants.
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
