from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction

from accounts.models import User
from catalog.models import Product, ProductVariant
from catalog.pricing import final_price
from catalog.selectors import product_discounts_now
from catalog.services.stock import stock_move
from orders.errors import AmountTooLarge, IllegalStatusTransition, InvalidOrderItem, OrderHasPayments, OrderLocked
from orders.models import PAID_OR_LATER, CancelReason, Order, OrderEventType, OrderItem, OrderStatus
from orders.pricing import PricingTerms, totals_compute
from orders.services.customer import address_shipping_fields, order_placer_check
from orders.services.events import order_event_record, order_webhook_data
from orders.services.lines import OrderLine, line_quantity_check, line_sku, line_unit_price, lines_resolve
from orders.totals.services import coupon_redeem, coupon_release, order_terms_choose
from shop.webhooks.models import WebhookEventType
from shop.webhooks.services import webhook_event_record

# The only legal moves of an order; the API and the admin's actions both go through
# `order_status_change`, so this table is the whole state machine.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.PENDING: (OrderStatus.PAID, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.PROCESSING, OrderStatus.CANCELLED),
    OrderStatus.PROCESSING: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED,),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
}

# Orders whose units are reserved but still in the warehouse: cancelling or deleting
# them puts the units back. Shipped goods are gone; cancelled ones were given back already.
STOCK_HELD = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PROCESSING)

# Customers may change or delete their order only before paying; staff until it ships.
EDITABLE_BY_CUSTOMER = (OrderStatus.PENDING,)
EDITABLE_BY_STAFF = STOCK_HELD


@dataclass(frozen=True)
class Shipping:
    full_name: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    phone: str = ""


@transaction.atomic
def order_place(
    *,
    user: User,
    lines: Sequence[OrderLine],
    shipping: Shipping | None = None,
    status: str = OrderStatus.PENDING,
    actor: User | None = None,
    shipping_method_id: int | None = None,
    coupon_code: str | None = None,
    address_id: int | None = None,
) -> Order:
    """Create an order of `lines` for `user`, reserving the stock and snapshotting prices.

    Each item keeps the product's name, price, best discount active now and cost price, so
    later catalog changes never alter the order. `status` lets staff record an order that
    is already further along (a paid phone order); it cannot start cancelled. `actor` is
    who placed it (staff for someone else), `user` by default.
    It is priced (orders.pricing) with the shipping method `shipping_method_id`, the coupon
    `coupon_code` (redeemed here, in this transaction) and the shipping country's tax rate,
    all snapshotted on the order.
    Writes the `placed` timeline event and the order.created webhook event (and
    order.paid for an order recorded as paid or later).
    `address_id`, one of the user's saved addresses, is copied as the shipping address.
    Raises InvalidOrderItem (400) for an unknown or disabled product or a variant the
    product does not have, AmountTooLarge (400) when an amount would not fit its column,
    OutOfStock (409) when a product is short, ShippingMethodRequired/Unavailable (400),
    CouponInvalid (400, also when simultaneous checkouts took its last use), NotFound (404) for
    an address that is not the user's, EmailNotVerified (403, REQUIRE_VERIFIED_EMAIL); nothing
    is written then.
    """
    if status == OrderStatus.CANCELLED:
        raise InvalidOrderItem("An order cannot be created cancelled.", field="status")
    order_placer_check(user=user, actor=actor)
    if address_id is not None:
        shipping = Shipping(**address_shipping_fields(user=user, address_id=address_id))
    order = Order(user=user, status=status)
    shipping = shipping or Shipping()
    _shipping_apply(order=order, shipping=shipping)
    items = _items_build(lines=lines)
    terms, coupon = order_terms_choose(
        user=user,
        country=shipping.country,
        line_totals=[item.line_total for item in items],
        shipping_method_id=shipping_method_id,
        coupon_code=coupon_code,
    )
    _totals_apply(order=order, items=items, terms=terms)
    # Stock next: the conditional UPDATEs take the variant and product row locks in id order
    # before any insert takes shared locks on the same rows through its foreign keys. The
    # coupon's row comes after them, in every checkout alike.
    stock_move(reserve=_units_by_variant(items))
    if coupon is not None:
        coupon_redeem(coupon=coupon, user=user)
        order.coupon = coupon
    order.save()
    for item in items:
        item.order = order
    OrderItem.objects.bulk_create(items)
    order_event_record(
        order=order,
        type=OrderEventType.PLACED,
        message=f"Order placed: {order.total} {order.currency}, {order.status}.",
        actor=actor or user,
        data={"status": order.status, "total": order.total},
    )
    webhook_event_record(type=WebhookEventType.ORDER_CREATED, data=order_webhook_data(order=order))
    if order.status in PAID_OR_LATER:
        webhook_event_record(type=WebhookEventType.ORDER_PAID, data=order_webhook_data(order=order))
    return order


@transaction.atomic
def order_update(
    *,
    order: Order,
    lines: Sequence[OrderLine],
    by_staff: bool,
    status: str | None = None,
    actor: User | None = None,
) -> Order:
    """Replace the items of `order` with `lines`, moving stock for the difference only.

    New items are priced as of now, on the terms (coupon, shipping, tax) the order was placed
    with. A customer may do it while the order is pending, staff until it ships. `status`,
    when given and different, then moves the order through `order_status_change`. Writes the
    `items_changed` timeline event, by `actor`.
    Raises OrderLocked (409) when the order can no longer change, InvalidOrderItem (400),
    AmountTooLarge (400), OutOfStock (409), IllegalStatusTransition (409); all or nothing.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    _editable_check(order=order, by_staff=by_staff)
    items = _items_build(lines=lines)
    _totals_apply(order=order, items=items)
    old_items = list(order.items.all())
    stock_move(release=_units_by_variant(old_items), reserve=_units_by_variant(items))
    if order.total < order.amount_paid:
        raise OrderLocked(f"The new total {order.total} is below the {order.amount_paid} already paid.", field="items")
    OrderItem.objects.filter(order=order).delete()
    for item in items:
        item.order = order
    OrderItem.objects.bulk_create(items)
    order.save(update_fields=["subtotal", "discount_total", "shipping_total", "tax_total", "total", "updated_at"])
    order_event_record(
        order=order,
        type=OrderEventType.ITEMS_CHANGED,
        message=f"Items changed: {len(items)} line(s), total {order.total} {order.currency}.",
        actor=actor,
        data={"total": order.total, "lines": len(items)},
    )
    if status and status != order.status:
        order = order_status_change(order=order, status=status, actor=actor)
    return order


@transaction.atomic
def order_status_change(
    *, order: Order, status: str, actor: User | None = None, cancel_reason: str = CancelReason.REQUESTED
) -> Order:
    """Move `order` to `status` if the transition table allows it; `actor` made the move (none: the system).

    Locks the order row first so two concurrent moves cannot both pass the check.
    Cancelling gives the reserved units back to stock in the same transaction and keeps `cancel_reason`.
    Writes the `status_changed` timeline event and the order.status_changed webhook
    event (and order.paid on a move to paid).
    Raises IllegalStatusTransition (409, with the allowed next statuses).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    allowed = ORDER_TRANSITIONS[order.status]
    if status not in allowed:
        raise IllegalStatusTransition(
            f"An order cannot move from {order.status} to {status}.",
            field="status",
            extra={"allowed": list(allowed)},
        )
    if status == OrderStatus.CANCELLED:
        stock_move(release=_units_by_variant(order.items.all()))
        coupon_release(order=order)
    previous = order.status
    order.status = status
    if status == OrderStatus.CANCELLED:
        order.cancel_reason = cancel_reason
    order.save(update_fields=["status", "cancel_reason", "updated_at"])
    order_event_record(
        order=order,
        type=OrderEventType.STATUS_CHANGED,
        message=f"Status changed from {previous} to {status}.",
        actor=actor,
        data={"from": previous, "to": status},
    )
    data = order_webhook_data(order=order)
    webhook_event_record(type=WebhookEventType.ORDER_STATUS_CHANGED, data={**data, "previous_status": previous})
    if status == OrderStatus.PAID:
        webhook_event_record(type=WebhookEventType.ORDER_PAID, data=data)
    return order


@transaction.atomic
def order_fulfilment_update(
    *, order: Order, status: str | None = None, tracking_number: str | None = None, actor: User | None = None
) -> Order:
    """Set the tracking number and/or move the status, together or not at all; `actor` did it.

    A changed tracking number writes the `tracking_updated` timeline event.

    Raises IllegalStatusTransition (409) for an illegal move.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if tracking_number is not None and tracking_number != order.tracking_number:
        order.tracking_number = tracking_number
        order.save(update_fields=["tracking_number", "updated_at"])
        order_event_record(
            order=order,
            type=OrderEventType.TRACKING_UPDATED,
            message=f"Tracking number set to {tracking_number}." if tracking_number else "Tracking number removed.",
            actor=actor,
            data={"tracking_number": tracking_number},
        )
    if status is not None:
        order = order_status_change(order=order, status=status, actor=actor)
    return order


@transaction.atomic
def order_delete(*, order: Order, by_staff: bool) -> None:
    """Delete `order`, giving back the units it still holds.

    Raises OrderHasPayments (409) when money was received (cancel it instead, the books
    keep it), OrderLocked (409) when a customer's order is no longer pending.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.amount_paid > 0:
        raise OrderHasPayments()
    _editable_check(order=order, by_staff=by_staff, staff_statuses=tuple(OrderStatus))
    if order.status in STOCK_HELD:
        stock_move(release=_units_by_variant(order.items.all()))
    coupon_release(order=order)
    order.delete()


def orders_detach_user(*, user_id: int) -> int:
    """Detach and anonymise the orders of a user whose account is being deleted.

    The orders stay for the books (totals, items, city and country for statistics); the
    link to the person and their name, street address and phone go. Returns how many.
    """
    return Order.objects.filter(user_id=user_id).update(
        user=None, shipping_full_name="", shipping_address="", shipping_phone=""
    )


def _editable_check(*, order: Order, by_staff: bool, staff_statuses=EDITABLE_BY_STAFF) -> None:
    allowed = staff_statuses if by_staff else EDITABLE_BY_CUSTOMER
    if order.status not in allowed:
        who = "staff" if by_staff else "you"
        raise OrderLocked(f"This order is {order.status}; {who} can no longer change it.", field="status")


def _items_build(*, lines: Sequence[OrderLine]) -> list[OrderItem]:
    """Unsaved, priced items for `lines`, each bound to its variant with a snapshot of its sku and options.

    Raises InvalidOrderItem for a bad line (see `lines_resolve`).
    """
    if not lines:
        raise InvalidOrderItem("An order needs at least one item.", field="items")
    for index, line in enumerate(lines):
        line_quantity_check(quantity=line.quantity, field=f"items.{index}.quantity")
    resolved = lines_resolve(lines=lines)
    discounts = product_discounts_now(product_ids={line.product.pk for line in resolved})
    items = []
    for line in resolved:
        item = _item_price(
            product=line.product, variant=line.variant, discount=discounts.get(line.product.pk), quantity=line.quantity
        )
        item.size, item.color = line.size, line.color
        items.append(item)
    return items


def _item_price(*, product: Product, variant: ProductVariant, discount: Decimal | None, quantity: int) -> OrderItem:
    """An unsaved item of `quantity` units of `variant` at today's price (the variant's, else the product's),
    the product's cost and its best `discount`."""
    unit_price = line_unit_price(product=product, variant=variant)
    return OrderItem(
        product=product,
        variant=variant,
        sku=line_sku(product=product, variant=variant),
        product_name=product.name,
        unit_price=unit_price,
        discount_percentage=discount,
        unit_cost=product.cost_price,
        quantity=quantity,
        line_total=final_price(unit_price, discount) * quantity,
    )


def order_amounts_check(*, lines: Sequence[tuple[ProductVariant, int]], field: str) -> None:
    """Check that an order of `lines` (variant with its product, units) priced now would hold only amounts its
    columns can.

    What the cart runs before it accepts a line, so that every cart can be checked out.
    Raises AmountTooLarge (400) naming `field`.
    """
    discounts = product_discounts_now(product_ids={variant.product_id for variant, _ in lines})
    items = [
        _item_price(
            product=variant.product, variant=variant, discount=discounts.get(variant.product_id), quantity=quantity
        )
        for variant, quantity in lines
    ]
    _totals_apply(order=Order(), items=items, line_field=field, totals_field=field)


def _units_by_variant(items) -> Counter[int]:
    units: Counter[int] = Counter()
    for item in items:
        if item.variant_id is not None:
            units[item.variant_id] += item.quantity
    return units


def _totals_apply(
    *,
    order: Order,
    items: Sequence[OrderItem],
    terms: PricingTerms | None = None,
    line_field: str = "items.{index}.quantity",
    totals_field: str = "items",
) -> None:
    """Set the order's totals from its items' line totals and `terms` (default: the ones it was placed on),
    having checked every amount of the items and the order against its column.

    The one guard between cart and order arithmetic and the database: MariaDB refuses an
    amount wider than its column, and SQLite stores it and then fails to read it back.
    Raises AmountTooLarge naming `line_field` (formatted with the item's index) or `totals_field`.
    """
    for index, item in enumerate(items):
        _columns_check(item, field=line_field.format(index=index))
    if terms is None:
        terms = PricingTerms.from_snapshot(order.pricing, prices_include_tax=settings.PRICES_INCLUDE_TAX)
    totals = totals_compute(line_totals=[item.line_total for item in items], terms=terms)
    order.subtotal, order.discount_total, order.total = totals.subtotal, totals.discount_total, totals.total
    order.shipping_total, order.tax_total = totals.shipping_total, totals.tax_total
    order.pricing = terms.snapshot()
    order.coupon_code = terms.coupon.code if terms.coupon else ""
    _columns_check(order, field=totals_field)


def _columns_check(row: models.Model, *, field: str) -> None:
    for column in row._meta.concrete_fields:
        amount = getattr(row, column.attname)
        if not isinstance(column, models.DecimalField) or amount is None:
            continue
        largest = Decimal(10) ** (column.max_digits - column.decimal_places) - Decimal(10) ** -column.decimal_places
        if abs(amount) > largest:
            raise AmountTooLarge(
                f"The {column.verbose_name} would be {amount}, more than the largest amount an order can hold "
                f"({largest}).",
                field=field,
            )


def _shipping_apply(*, order: Order, shipping: Shipping) -> None:
    order.shipping_full_name = shipping.full_name
    order.shipping_address = shipping.address
    order.shipping_city = shipping.city
    order.shipping_postal_code = shipping.postal_code
    order.shipping_country = shipping.country
    order.shipping_phone = shipping.phone
