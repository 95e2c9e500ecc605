"""Several workers draining the outbox at once, on MariaDB/MySQL: real threads, real connections."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from catalog.tests.factories import ProductFactory
from orders.services.lines import OrderLine
from orders.services.orders import order_place
from shop.webhooks.delivery import webhook_deliveries_send_due
from shop.webhooks.models import DeliveryStatus, WebhookDelivery
from shop.webhooks.tests.factories import WebhookEndpointFactory

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB concurrent writers"),
    pytest.mark.django_db(transaction=True),
]

ORDERS = 6
DRAINS = 3


def test_drains_at_once_deliver_each_event_once_per_endpoint(customer, webhook_receiver):
    # given: two endpoints, and due deliveries (any first attempt made on commit was answered 500)
    for name in ("a", "b"):
        WebhookEndpointFactory(url=f"{webhook_receiver.url}/{name}", events=["order.created"])
    webhook_receiver.answer(*[500] * ORDERS * 2)
    product = ProductFactory(quantity=100)
    for _ in range(ORDERS):
        order_place(user=customer, lines=[OrderLine(product.pk, 1)])
    webhook_receiver.requests.clear()
    webhook_receiver.statuses.clear()
    webhook_receiver.delay = 0.05

    # when: several workers drain at the same moment
    barrier = threading.Barrier(DRAINS)
    sent: list = [None] * DRAINS

    def drain(index):
        try:
            barrier.wait(timeout=30)
            sent[index] = webhook_deliveries_send_due()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drain, args=(index,)) for index in range(DRAINS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then: every event reached every endpoint exactly once
    assert sum(sent) == ORDERS * 2
    received = Counter((request.path, request.json["id"]) for request in webhook_receiver.requests)
    assert len(received) == ORDERS * 2
    assert set(received.values()) == {1}
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}
