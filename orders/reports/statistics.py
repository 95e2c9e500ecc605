"""Sales statistics, aggregated by the database over the lines of paid-or-later orders.

Revenue is product revenue: the sum of line totals (net of offers) less what was refunded on
those orders; per-product and per-category figures take each order's refund off its lines in
proportion to their line totals (so they add up to the overall revenue) and count units sold.
Cost is the sum of the `unit_cost` snapshots times quantities. Coupon discounts, shipping charged
and tax are reported apart from it, summed over the orders' snapshots. Each function runs a fixed
number of queries; Python only shapes the aggregated rows (percentages, missing periods, refund
shares), and loops over no lines but those of refunded orders.
"""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from operator import itemgetter

from django.conf import settings
from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Max, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from orders.models import PAID_OR_LATER, Order, OrderItem

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
MONEY = DecimalField(max_digits=14, decimal_places=2)
INTERVALS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
UNCATEGORISED = "Uncategorised"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def sold_items(*, date_from: date | None = None, date_to: date | None = None) -> QuerySet[OrderItem]:
    """Lines of paid-or-later orders placed between the two days, both included."""
    items = OrderItem.objects.filter(order__status__in=PAID_OR_LATER)
    if date_from:
        items = items.filter(order__created_at__gte=_day_start(date_from))
    if date_to and date_to < date.max:
        items = items.filter(order__created_at__lt=_day_start(date_to + timedelta(days=1)))
    return items


def sold_orders(*, date_from: date | None = None, date_to: date | None = None) -> QuerySet[Order]:
    """Paid-or-later orders placed between the two days, both included."""
    orders = Order.objects.filter(status__in=PAID_OR_LATER)
    if date_from:
        orders = orders.filter(created_at__gte=_day_start(date_from))
    if date_to and date_to < date.max:
        orders = orders.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return orders


def _cents(amount: Decimal) -> Decimal:
    # SQLite hands back sums without their scale ("300"); every caller sees "300.00".
    return amount.quantize(CENT)


def _money_sum(field) -> Coalesce:
    return Coalesce(Sum(field, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _percentages(amounts: list[Decimal]) -> list[Decimal]:
    """Shares of the total to 0.01, the rounding drift given to the largest so they sum to 100."""
    total = sum(amounts, ZERO)
    if not amounts or total <= 0:
        return [ZERO for _ in amounts]
    shares = [(amount * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP) for amount in amounts]
    largest = max(range(len(amounts)), key=lambda index: amounts[index])
    shares[largest] += HUNDRED - sum(shares, ZERO)
    return shares


def _share(part: Decimal, total: Decimal) -> Decimal:
    return (part * HUNDRED / total).quantize(CENT, rounding=ROUND_HALF_UP) if total > 0 else ZERO


def statistics_profit(*, date_from: date | None = None, date_to: date | None = None) -> dict:
    """`{revenue, discounts, shipping, tax, cost, profit, orders_count, currency}` in two queries.

    `revenue` is product revenue (line totals) net of refunds; `discounts` the coupons'
    discounts, which `profit` (revenue - discounts - cost) deducts; `shipping` the shipping
    charged and `tax` the tax of those orders, both apart from revenue and profit.
    """
    totals = sold_items(date_from=date_from, date_to=date_to).aggregate(
        revenue=_money_sum("line_total"),
        cost=_money_sum(ExpressionWrapper(F("unit_cost") * F("quantity"), output_field=MONEY)),
        orders_count=Count("order_id", distinct=True),
    )
    extras = sold_orders(date_from=date_from, date_to=date_to).aggregate(
        discounts=_money_sum("discount_total"),
        shipping=_money_sum("shipping_total"),
        tax=_money_sum("tax_total"),
        refunded=_money_sum("amount_refunded"),
    )
    revenue = _cents(totals["revenue"] - extras["refunded"])
    cost, discounts = _cents(totals["cost"]), _cents(extras["discounts"])
    return {
        "revenue": revenue,
        "discounts": discounts,
        "shipping": _cents(extras["shipping"]),
        "tax": _cents(extras["tax"]),
        "cost": cost,
        "profit": revenue - discounts - cost,
        "orders_count": totals["orders_count"],
        "currency": settings.SHOP_CURRENCY,
    }


def _product_rows(items: QuerySet[OrderItem], *group_by: str) -> QuerySet:
    """Units and revenue per product, best sellers first.

    A live product is one row even if it was renamed between orders (named as it is
    now); lines of deleted products have no product_id, so they are grouped by their
    snapshot name instead.
    """
    deleted_name = Case(When(product_id__isnull=True, then=F("product_name")), default=Value(""))
    return (
        items.values(*group_by, "product_id", deleted=deleted_name)
        .annotate(
            units=Sum("quantity"),
            revenue=_money_sum("line_total"),
            name=Coalesce(Max("product__name"), Max("product_name")),
        )
        .order_by("-revenue", "-units", "product_id", "deleted")
    )


def refund_apportion(refunded: Decimal, line_totals: list[Decimal]) -> list[Decimal]:
    """An order's refund split over its lines in proportion to their totals, half-up to the cent;
    the last line takes the remainder, so the shares add up to the refund exactly."""
    total = sum(line_totals, ZERO)
    shares = [
        (refunded * line_total / total).quantize(CENT, rounding=ROUND_HALF_UP) if total > 0 else ZERO
        for line_total in line_totals[:-1]
    ]
    return [*shares, refunded - sum(shares, ZERO)]


def _refunds_by_product(items: QuerySet[OrderItem]) -> dict[tuple, Decimal]:
    """The refunds of the orders of `items` apportioned over their lines, summed per product (keyed as
    `_product_rows` groups: product_id, and the snapshot name of a deleted product). One query, over
    the lines of refunded orders only."""
    lines = (
        items.filter(order__amount_refunded__gt=0)
        .values("order_id", "product_id", "product_name", "line_total", "order__amount_refunded")
        .order_by("order_id", "pk")
    )
    refunds: dict[tuple, Decimal] = {}
    for _, order_lines in groupby(lines, key=itemgetter("order_id")):
        order_lines = list(order_lines)
        shares = refund_apportion(
            order_lines[0]["order__amount_refunded"], [line["line_total"] for line in order_lines]
        )
        for line, share in zip(order_lines, shares, strict=True):
            key = (line["product_id"], "" if line["product_id"] is not None else line["product_name"])
            refunds[key] = refunds.get(key, ZERO) + share
    return refunds


def _product_entries(rows, refunds: dict[tuple, Decimal]) -> list[dict]:
    """Products of `rows` with their revenue net of `refunds`, best sellers first again."""
    entries = [
        (
            row,
            {
                "product_id": row["product_id"],
                "name": row["name"],
                "units": row["units"],
                "revenue": _cents(row["revenue"] - refunds.get((row["product_id"], row["deleted"]), ZERO)),
            },
        )
        for row in rows
    ]
    # The order of _product_rows, on net revenue (ids of deleted products, NULL, first as SQL puts them).
    entries.sort(
        key=lambda pair: (
            -pair[1]["revenue"],
            -pair[1]["units"],
            pair[0]["product_id"] is not None,
            pair[0]["product_id"] or 0,
            pair[0]["deleted"],
        )
    )
    return [entry for _, entry in entries]


def statistics_product_sales(
    *, date_from: date | None = None, date_to: date | None = None, limit: int | None = None
) -> list[dict]:
    """`[{product_id, name, units, revenue, percentage}]`, best sellers first (by revenue net of refunds).

    `percentage` is the product's share of revenue; over the full list they sum to
    exactly 100. With `limit`, only the top products are returned (three queries).
    """
    items = sold_items(date_from=date_from, date_to=date_to)
    refunds = _refunds_by_product(items)
    if limit is None:
        products = _product_entries(_product_rows(items), refunds)
        for product, share in zip(products, _percentages([p["revenue"] for p in products]), strict=True):
            product["percentage"] = share
        return products

    total = items.aggregate(revenue=_money_sum("line_total"))["revenue"] - sum(refunds.values(), ZERO)
    # Refunds only lower revenue: the top `limit` net are among the top `limit` gross plus the
    # products refunds touched.
    products = _product_entries(_product_rows(items)[: limit + len(refunds)], refunds)[:limit]
    for product in products:
        product["percentage"] = _share(product["revenue"], total)
    return products


def statistics_category_sales(*, date_from: date | None = None, date_to: date | None = None) -> list[dict]:
    """`[{category_id, category, units, revenue, percentage, products: [...]}]` in two queries.

    A product in several categories counts in each of them; `percentage` is the
    category's share of all revenue (summing to 100 unless products sit in several
    categories), and each product's `percentage` its share of the category. Products with
    no category, or deleted since, are under "Uncategorised".
    """
    items = sold_items(date_from=date_from, date_to=date_to)
    refunds = _refunds_by_product(items)
    rows = _product_rows(items, "product__categories__id", "product__categories__name")
    by_category: dict[int | None, list[dict]] = {}
    names: dict[int | None, str] = {}
    revenue_by_product: dict[tuple, Decimal] = {}
    for row in rows:
        category_id = row["product__categories__id"]
        by_category.setdefault(category_id, []).append(row)
        names[category_id] = row["product__categories__name"] or UNCATEGORISED
        key = (row["product_id"], row["deleted"])
        revenue_by_product[key] = row["revenue"] - refunds.get(key, ZERO)
    total = sum(revenue_by_product.values(), ZERO)

    categories = []
    for category_id, category_rows in by_category.items():
        products = _product_entries(category_rows, refunds)
        revenue = sum((p["revenue"] for p in products), ZERO)
        for product, share in zip(products, _percentages([p["revenue"] for p in products]), strict=True):
            product["percentage"] = share
        categories.append(
            {
                "category_id": category_id,
                "category": names[category_id],
                "units": sum(p["units"] for p in products),
                "revenue": revenue,
                "products": products,
            }
        )
    revenues = [category["revenue"] for category in categories]
    # When no product sits in two categories the categories split the revenue, and
    # their shares are made to sum to exactly 100 like the products'.
    if sum(revenues, ZERO) == total:
        shares = _percentages(revenues)
    else:
        shares = [_share(revenue, total) for revenue in revenues]
    for category, share in zip(categories, shares, strict=True):
        category["percentage"] = share
    categories.sort(key=lambda category: (-category["revenue"], category["category"]))
    return [_category_keys_in_order(category) for category in categories]


def _category_keys_in_order(category: dict) -> dict:
    keys = ("category_id", "category", "units", "revenue", "percentage", "products")
    return {key: category[key] for key in keys}


def _period_start(moment: date, interval: str) -> date:
    if interval == "week":
        return moment - timedelta(days=moment.weekday())
    if interval == "month":
        return moment.replace(day=1)
    return moment


def _next_period(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def statistics_sales(
    *, interval: str = "day", date_from: date | None = None, date_to: date | None = None
) -> list[dict]:
    """`[{period, orders, revenue}]` per day, week (from Monday) or month, oldest first.

    Two queries grouped with the database's Trunc (lines, refunds); periods without sales between
    the bounds (or the first and last sale) are filled with zeros.
    """
    truncate = INTERVALS[interval]
    rows = (
        sold_items(date_from=date_from, date_to=date_to)
        .annotate(period=truncate("order__created_at"))
        .values("period")
        .annotate(orders=Count("order_id", distinct=True), revenue=_money_sum("line_total"))
        .order_by("period")
    )
    found = {_as_date(row["period"]): row for row in rows}
    refunds = (
        sold_orders(date_from=date_from, date_to=date_to)
        .filter(amount_refunded__gt=0)
        .annotate(period=truncate("created_at"))
        .values("period")
        .annotate(refunded=_money_sum("amount_refunded"))
    )
    for refund in refunds:
        found[_as_date(refund["period"])]["revenue"] -= refund["refunded"]
    if not found and not (date_from and date_to):
        return []
    first = _period_start(date_from or min(found), interval)
    last = _period_start(date_to or max(found), interval)
    series = []
    period = first
    while True:
        row = found.get(period)
        series.append(
            {
                "period": period,
                "orders": row["orders"] if row else 0,
                "revenue": _cents(row["revenue"]) if row else ZERO,
            }
        )
        # Stop before stepping, so the last period of year 9999 never steps past date.max.
        if period >= last:
            break
        period = _next_period(period, interval)
    return series


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
