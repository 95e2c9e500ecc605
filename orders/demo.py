"""Demo customers with orders in every status, placed through the services so stock adds up."""

from accounts.models import User
from catalog.models import Product
from orders.inquiries import demo as inquiries_demo
from orders.models import Order, OrderStatus
from orders.services.lines import OrderLine
from orders.services.orders import Shipping, order_fulfilment_update, order_place, order_status_change
from orders.totals import demo as totals_demo

DEMO_PASSWORD = "Demo-Customer-2026"

CUSTOMERS = [
    ("alice.demo@example.com", "Alice Martin", Shipping("Alice Martin", "12 rue de la Paix", "Paris", "75002", "FR")),
    ("bilal.demo@example.com", "Bilal Haddad", Shipping("Bilal Haddad", "4 Avenue Hassan II", "Rabat", "10000", "MA")),
    ("chloe.demo@example.com", "Chloe Dubois", Shipping("Chloe Dubois", "8 Grand-Rue", "Geneva", "1204", "CH")),
]

# (customer index, [(product index, units)], the path of statuses the order then takes)
ORDERS = [
    (0, [(0, 1), (1, 2)], [OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED]),
    (0, [(2, 1)], [OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED]),
    (1, [(1, 1), (3, 1)], [OrderStatus.PAID, OrderStatus.PROCESSING]),
    (1, [(4, 2)], [OrderStatus.PAID]),
    (2, [(0, 1)], []),
    (2, [(5, 1), (2, 1)], [OrderStatus.CANCELLED]),
]


def seed() -> str:
    # The shipping methods and coupon first: the demo orders use them.
    totals = totals_demo.seed()
    return f"{_orders_seed()}; {totals}; {inquiries_demo.seed()}"


def _orders_seed() -> str:
    emails = [email for email, _, _ in CUSTOMERS]
    if Order.objects.filter(user__email__in=emails).exists():
        return "demo orders already there"
    products = list(Product.objects.filter(is_disabled=False, quantity__gte=10).order_by("id")[:6])
    if not products:
        return "no product with stock to order; skipped"
    customers = [_customer(email=email, name=name) for email, name, _ in CUSTOMERS]
    method_id = totals_demo.standard_method_id()
    for number, (customer_index, picks, path) in enumerate(ORDERS):
        lines = [_line(products[index % len(products)], units) for index, units in picks]
        order = order_place(
            user=customers[customer_index],
            lines=lines,
            shipping=CUSTOMERS[customer_index][2],
            shipping_method_id=method_id,
            # Alice's first order shows a discount.
            coupon_code=totals_demo.COUPON if number == 0 else None,
        )
        for status in path:
            if status == OrderStatus.SHIPPED:
                order_fulfilment_update(order=order, tracking_number=f"DEMO{order.pk:06d}")
            order = order_status_change(order=order, status=status)
    return f"{len(customers)} customers, {len(ORDERS)} orders (password {DEMO_PASSWORD})"


def _customer(*, email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(email, DEMO_PASSWORD, name=name)


def _line(product: Product, units: int) -> OrderLine:
    size = product.sizes[0] if product.sizes else ""
    color = product.colors[0] if product.colors else ""
    return OrderLine(product.pk, units, str(size), str(color))
