"""Product bodies built from plain rows: the read path of the product list and detail.

`ProductOutputSerializer` stays the reference shape (schema, writes' responses); this
module renders the same bodies from plain rows and one flat query for their relations,
skipping model instances, prefetch bookkeeping and per-field serializer calls, which were
most of a list's time. The unfiltered list and the detail go further: their SQL is written
here once per shape (`ProductRows`, `product_body`), since compiling the ORM's query cost
more than running it. `catalog/tests/test_product_bodies.py` checks on generated catalogs
that every path gives the serializer's bodies.
"""

from collections import defaultdict
from datetime import UTC
from decimal import Decimal
from functools import cache

from django.db import connections, router
from django.db.models import QuerySet, Value
from django.utils import timezone

from catalog.models import Category, Offer, Product, ProductImage, ProductVariant
from catalog.pricing import CENT, final_price
from catalog.product_fields import PRODUCT_COLUMNS

# Rows are tuples in this order: what staff set (catalog.product_fields), what the shop keeps,
# and last the best discount active now.
_ROW_COLUMNS = ("id", *PRODUCT_COLUMNS, "rating_average", "rating_count", "created_at", "updated_at")
_C = {name: index for index, name in enumerate((*_ROW_COLUMNS, "discount_percentage"))}


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


def _related_rows(connection, product_ids: list[int]) -> tuple[dict, dict, dict]:
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


@cache
def _rows_sql(alias: str, where: str, order: tuple[str, ...]) -> str:
    """The product rows (`_C`'s columns) matching `where`, in `order` (names, "-" for descending).

    Parameters: `now` twice (the discount's window), then those of `where`, then LIMIT and OFFSET.
    """
    quote = connections[alias].ops.quote_name
    columns = ", ".join(f"p.{quote(Product._meta.get_field(name).column)}" for name in _ROW_COLUMNS)
    # As catalog.selectors.best_discount_subquery: the highest discount among the offers active now.
    discount = (
        f"(SELECT o.discount_percentage FROM {quote(Offer._meta.db_table)} o WHERE o.product_id = p.id "  # noqa: S608
        "AND o.start_date <= %s AND o.end_date >= %s ORDER BY o.discount_percentage DESC LIMIT 1)"
    )
    sort = ", ".join(f"p.{quote(name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}" for name in order)
    # Only column names from the model and fixed fragments are interpolated; values go as parameters.
    return (
        f"SELECT {columns}, {discount} FROM {quote(Product._meta.db_table)} p WHERE {where} "  # noqa: S608
        + (f"ORDER BY {sort} " if sort else "")
        + "LIMIT %s OFFSET %s"
    )


@cache
def _row_converters(alias: str) -> tuple:
    """(column index, converters, expression) as the ORM's compiler applies them to the same columns."""
    connection = connections[alias]
    expressions = [Product._meta.get_field(name).get_col(Product._meta.db_table) for name in _ROW_COLUMNS]
    # The discount is a subquery, which the ORM converts as an expression, not as a column.
    expressions.append(Value(None, output_field=Offer._meta.get_field("discount_percentage")))
    converters = []
    for index, expression in enumerate(expressions):
        functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if functions:
            converters.append((index, tuple(functions), expression))
    return tuple(converters)


def _rows_read(where: str, params: list, order: tuple[str, ...], limit: int, offset: int = 0) -> tuple:
    """(connection, rows) of the products matching `where`, converted as the ORM would."""
    alias = router.db_for_read(Product)
    connection = connections[alias]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_rows_sql(alias, where, order), [now, now, *params, limit, offset])
        rows = cursor.fetchall()
    converters = _row_converters(alias)
    converted = []
    for row in rows:
        row = list(row)
        for index, functions, expression in converters:
            value = row[index]
            for function in functions:
                value = function(value, expression, connection)
            row[index] = value
        converted.append(row)
    return connection, converted


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


def _bodies(connection, rows: list, *, staff: bool) -> list[dict]:
    """The bodies of product `rows` (`_C`'s columns), in their order: one query for their relations."""
    if not rows:
        return []
    c = _C
    categories, images, variants = _related_rows(connection, [row[c["id"]] for row in rows])
    bodies = []
    for row in rows:
        product_id, price, discount = row[c["id"]], row[c["price"]], row[c["discount_percentage"]]
        body = {
            "id": product_id,
            "name": row[c["name"]],
            "slug": row[c["slug"]],
            "sku": row[c["sku"]],
            "description": row[c["description"]],
            "description_full": row[c["description_full"]],
            "price": _decimal(price),
            "cost_price": _decimal(row[c["cost_price"]]),
            "currency": row[c["currency"]],
            "quantity": row[c["quantity"]],
            "in_stock": row[c["quantity"]] > 0,
            "categories": categories.get(product_id, []),
            "image_cover": row[c["image_cover"]],
            "images": images.get(product_id, []),
            "colors": _strings(row[c["colors"]]),
            "sizes": _strings(row[c["sizes"]]),
            "materials": _strings(row[c["materials"]]),
            "dimensions": row[c["dimensions"]],
            "weight": row[c["weight"]],
            "is_trending": row[c["is_trending"]],
            "is_disabled": row[c["is_disabled"]],
            "discount_percentage": _decimal(discount),
            "final_price": str(final_price(price, discount)),
            "rating_average": _decimal(row[c["rating_average"]]),
            "rating_count": row[c["rating_count"]],
            "variants": [_variant_body(variant, price, discount) for variant in variants.get(product_id, [])],
            "created_at": _datetime(row[c["created_at"]]),
            "updated_at": _datetime(row[c["updated_at"]]),
        }
        if not staff:
            del body["cost_price"]
        bodies.append(body)
    return bodies


def product_bodies(products: "QuerySet[Product] | ProductRows", *, staff: bool) -> list[dict]:
    """The bodies of `products`, in their order: a sliced `ProductRows`, or a sliced queryset from
    `catalog.selectors.product_queryset` (a filtered list).

    Two queries whatever the number of rows: the rows, then their categories, images and active variants.
    """
    if isinstance(products, ProductRows):
        return products.bodies(staff=staff)
    queryset = products.prefetch_related(None)
    rows = list(queryset.values_list(*_ROW_COLUMNS, "discount_percentage"))
    return _bodies(connections[queryset.db], rows, staff=staff)


def product_body(*, pk: int | None = None, slug: str | None = None, include_disabled: bool, staff: bool) -> dict | None:
    """One product's body by id or slug (None when there is none, or it is disabled and not asked for): two queries."""
    where = "p.id = %s" if pk is not None else "p.slug = %s"
    if not include_disabled:
        where += " AND p.is_disabled = FALSE"
    connection, rows = _rows_read(where, [pk if pk is not None else slug], (), limit=1)
    bodies = _bodies(connection, rows, staff=staff)
    return bodies[0] if bodies else None


class ProductRows:
    """The unfiltered product list in `order` (field names, "-" descending), not read yet.

    The paginator slices it like a queryset; a slice's `bodies()` read its rows with SQL written
    once per shape. `count()` counts with the ORM (the view remembers counts until the next write).
    """

    ordered = True

    def __init__(self, *, include_disabled: bool, order: tuple[str, ...], start: int = 0, stop: int | None = None):
        self.include_disabled, self.order, self.start, self.stop = include_disabled, order, start, stop

    def __getitem__(self, bounds: slice) -> "ProductRows":
        start = self.start + (bounds.start or 0)
        stop = None if bounds.stop is None else self.start + bounds.stop
        if self.stop is not None:
            stop = self.stop if stop is None else min(stop, self.stop)
        return ProductRows(include_disabled=self.include_disabled, order=self.order, start=start, stop=stop)

    def count(self) -> int:
        products = Product.objects.all() if self.include_disabled else Product.objects.filter(is_disabled=False)
        return products.values("pk")[self.start : self.stop].count()

    def bodies(self, *, staff: bool) -> list[dict]:
        """The bodies of this slice (which must have a stop: a page)."""
        if self.stop <= self.start:
            return []
        # Written `= FALSE`, not the ORM's `NOT is_disabled`, which no index serves on SQLite.
        where = "1 = 1" if self.include_disabled else "p.is_disabled = FALSE"
        connection, rows = _rows_read(where, [], self.order, limit=self.stop - self.start, offset=self.start)
        return _bodies(connection, rows, staff=staff)
