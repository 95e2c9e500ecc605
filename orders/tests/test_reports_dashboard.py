"""The admin home's sales dashboard (orders/reports/dashboard.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from orders.models import Order, OrderStatus
from orders.tests.factories import OrderFactory, OrderItemFactory

pytestmark = pytest.mark.django_db


def _sold(product, quantity, line_total, days_ago=0):
    order = OrderFactory(status=OrderStatus.PAID)
    OrderItemFactory(order=order, product=product, quantity=quantity, line_total=Decimal(line_total))
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return order


def test_admin_home_shows_revenue_per_day_and_top_products(admin_client):
    lamp, desk = ProductFactory(name="Brass lamp"), ProductFactory(name="Oak desk")
    _sold(lamp, 2, "40.00")
    _sold(desk, 1, "300.00", days_ago=3)
    _sold(desk, 1, "999.00", days_ago=45)  # outside the 30 days, still a top product

    response = admin_client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sales-dashboard"' in html
    days = response.context["days"]
    assert len(days) == 30
    assert days[-1]["day"] == timezone.localdate()
    assert (days[-1]["revenue"], days[-4]["revenue"]) == (Decimal("40.00"), Decimal("300.00"))
    assert days[-4]["height"] == 180  # the best day fills the chart
    assert sum(day["revenue"] for day in days) == Decimal("340.00")
    assert 'data-revenue="300.00"' in html
    products = response.context["products"]
    assert [(p["name"], p["revenue"], p["width"]) for p in products] == [
        ("Oak desk", Decimal("1299.00"), 100.0),
        ("Brass lamp", Decimal("40.00"), round(40 / 1299 * 100, 2)),
    ]
    assert "Oak desk" in html and "Brass lamp" in html
    assert "<svg" in html
    assert "payments/sales-dashboard.css" in html


def test_admin_home_renders_with_no_sales(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert "No sales yet." in response.content.decode()
    assert all(day["height"] == 0 for day in response.context["days"])


def test_admin_home_runs_a_fixed_number_of_dashboard_queries(admin_client, django_assert_max_num_queries):
    for days_ago in range(5):
        _sold(ProductFactory(), 1, "10.00", days_ago=days_ago)
    admin_client.get("/admin/")

    with django_assert_max_num_queries(8):
        admin_client.get("/admin/")
