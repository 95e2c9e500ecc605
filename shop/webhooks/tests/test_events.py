"""Which changes write which events to the outbox (the delivery itself is in test_delivery.py)."""

import io
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from catalog.services.product_import import product_import
from catalog.services.products import product_create, product_delete, product_update
from catalog.tests.factories import ProductFactory
from orders.models import OrderStatus
from orders.services.lines import OrderLine
from orders.services.orders import order_place
from payments.services.payments import payment_create
from shop.webhooks.models import WebhookDelivery, WebhookEvent
from shop.webhooks.services import webhook_event_record
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _types() -> list[str]:
    return list(WebhookEvent.objects.order_by("created_at", "id").values_list("type", flat=True))


def test_product_services_write_created_updated_deleted():
    product = product_create(data={"name": "Oak Chair", "price": Decimal("80.00"), "quantity": 3})
    product_update(product=product, data={"price": Decimal("75.00")})
    product_pk = product.pk
    product_delete(product=product)

    assert _types() == ["product.created", "product.updated", "product.deleted"]
    updated = WebhookEvent.objects.get(type="product.updated").data
    assert (updated["id"], updated["price"], updated["name"]) == (product_pk, "75.00", "Oak Chair")
    assert WebhookEvent.objects.get(type="product.deleted").data["id"] == product_pk


def test_import_writes_one_event_per_product_created_or_changed():
    WebhookEndpointFactory(events=["product.created", "product.updated"])
    ProductFactory(name="Old", slug="old", sku="OLD-1", price=Decimal("5.00"))
    content = b"name,slug,sku,price,quantity\nNew,new,NEW-1,9.00,1\nOld,old,OLD-1,6.00,1\n"

    product_import(file=io.BytesIO(content), filename="products.csv")

    events = {event.data["sku"]: event.type for event in WebhookEvent.objects.all()}
    assert events == {"NEW-1": "product.created", "OLD-1": "product.updated"}


def test_an_import_writes_no_product_event_that_no_active_endpoint_takes():
    WebhookEndpointFactory(events=["order.created"])
    WebhookEndpointFactory(events=["product.created", "product.updated"], is_active=False)
    ProductFactory(name="Old", slug="old", sku="OLD-1", price=Decimal("5.00"))
    WebhookEvent.objects.all().delete()
    content = b"name,slug,sku,price,quantity\nNew,new,NEW-1,9.00,1\nOld,old,OLD-1,6.00,1\n"

    report = product_import(file=io.BytesIO(content), filename="products.csv")

    assert (report.created, report.updated) == (1, 1)
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def _lamps_import(first: int, count: int) -> int:
    """Import `count` new lamps; returns how many queries it took."""
    lines = "".join(f"Lamp {n},LAMP-{n},9.50,{n % 7}\n" for n in range(first, first + count))
    with CaptureQueriesContext(connection) as queries:
        product_import(file=io.BytesIO(f"name,sku,price,quantity\n{lines}".encode()), filename="lamps.csv")
    return len(queries)


def test_an_import_writes_its_events_and_their_deliveries_in_a_fixed_number_of_queries():
    endpoint = WebhookEndpointFactory(events=["product.created"])
    WebhookEndpointFactory(events=["order.created"])

    queries_for_30 = _lamps_import(0, 30)
    queries_for_300 = _lamps_import(30, 300)

    assert queries_for_300 == queries_for_30
    assert WebhookEvent.objects.filter(type="product.created").count() == 330
    assert set(WebhookDelivery.objects.values_list("endpoint", "status")) == {(endpoint.pk, "pending")}
    assert WebhookDelivery.objects.count() == 330
    lamp = Product.objects.get(sku="LAMP-299")
    [event] = [event for event in WebhookEvent.objects.all() if event.data["sku"] == "LAMP-299"]
    assert event.data == {
        "id": lamp.pk,
        "name": "Lamp 299",
        "slug": lamp.slug,
        "sku": "LAMP-299",
        "price": "9.50",
        "currency": lamp.currency,
        "quantity": 5,
        "is_disabled": False,
        "updated_at": json.loads(json.dumps(lamp.updated_at, cls=DjangoJSONEncoder)),
    }


def test_import_dry_run_writes_no_event():
    product_import(file=io.BytesIO(b"name,price,quantity\nNew,9.00,1\n"), filename="products.csv", dry_run=True)

    assert not WebhookEvent.objects.exists()


def test_payment_settling_an_order_writes_order_paid(customer):
    order = order_place(user=customer, lines=[OrderLine(ProductFactory(price=Decimal("10.00")).pk, 1)])

    payment_create(actor=customer, order_id=order.pk, amount=Decimal("10.00"), method="card")

    assert _types() == ["order.created", "order.status_changed", "order.paid"]


def test_staff_order_recorded_paid_writes_created_and_paid(customer, staff):
    order_place(user=customer, lines=[OrderLine(ProductFactory().pk, 1)], status=OrderStatus.PAID, actor=staff)

    assert _types() == ["order.created", "order.paid"]


def test_hook_events_of_later_issues_reach_the_endpoints_taking_them():
    takes_stock = WebhookEndpointFactory(events=["stock.low"])
    WebhookEndpointFactory(events=["order.created"])

    webhook_event_record(type="stock.low", data={"product_id": 1, "quantity": 2})

    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [takes_stock.pk]


def test_no_endpoint_means_no_delivery_but_the_event_is_kept():
    webhook_event_record(type="order.refunded", data={"id": 1})

    assert _types() == ["order.refunded"]
    assert not WebhookDelivery.objects.exists()
