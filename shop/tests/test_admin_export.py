"""CSV export of the orders, products and customers changelists (django-import-export), as staff download it."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffFactory, UserFactory
from catalog.tests.factories import ProductFactory
from orders.models import OrderStatus
from orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def export_csv(client: Client, changelist: str, query: str = "") -> list[dict]:
    """The export page reached from the changelist's button, submitted with every column ticked."""
    export_url = reverse(changelist).removesuffix("/") + "/export/" + query
    page = client.get(export_url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {"format": "0", "resource": "0"} | {
        name: "on" for name, field in form.fields.items() if name not in ("format", "resource") and field.initial
    }
    response = client.post(export_url, data)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_orders_export_with_the_changelists_filter(admin_client):
    paid = OrderFactory(status=OrderStatus.PAID, total=Decimal("40.00"), user=UserFactory(email="ann@example.com"))
    OrderFactory(status=OrderStatus.PENDING)

    rows = export_csv(admin_client, "admin:orders_order_changelist", "?status__exact=paid")

    assert [row["id"] for row in rows] == [str(paid.pk)]
    assert rows[0]["customer_email"] == "ann@example.com"
    assert (rows[0]["status"], rows[0]["total"], rows[0]["shipping_country"]) == ("paid", "40.00", "FR")


def test_the_order_changelist_shows_the_export_button(admin_client):
    page = admin_client.get(reverse("admin:orders_order_changelist")).text

    assert 'href="/admin/orders/order/export/' in page


def test_products_export_lists_sizes_and_colours(admin_client):
    ProductFactory(name="Linen Shirt", sizes=["S", "M"], colors=["Sand"], price=Decimal("35.00"))

    [row] = export_csv(admin_client, "admin:catalog_product_changelist")

    assert (row["name"], row["price"]) == ("Linen Shirt", "35.00")
    assert (row["sizes"], row["colors"]) == ('["S", "M"]', '["Sand"]')


def test_customers_export_never_carries_a_password_hash(admin_client, superuser):
    customer = UserFactory(email="cli@example.com", name="Cli Ent")

    rows = export_csv(admin_client, "admin:accounts_user_changelist")

    by_email = {row["email"]: row for row in rows}
    assert by_email["cli@example.com"]["name"] == "Cli Ent"
    assert set(by_email) == {customer.email, superuser.email}
    assert all("password" not in column for column in rows[0])
    assert customer.password not in str(rows)


def test_a_cell_a_spreadsheet_would_run_is_neutralised(admin_client):
    ProductFactory(name='=HYPERLINK("http://evil.example","x")')

    [row] = export_csv(admin_client, "admin:catalog_product_changelist")

    assert not row["name"].startswith("=")
    assert "HYPERLINK" in row["name"]


def test_staff_without_the_view_permission_cannot_export():
    client = Client()
    client.force_login(StaffFactory())

    response = client.get("/admin/orders/order/export/")

    assert response.status_code == 403


def test_staff_who_may_view_orders_may_export_them():
    staff = StaffFactory()
    staff.user_permissions.set(Permission.objects.filter(codename="view_order"))
    client = Client()
    client.force_login(staff)
    OrderFactory()

    assert len(export_csv(client, "admin:orders_order_changelist")) == 1
