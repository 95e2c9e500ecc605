"""The order workflow, exports and list fields of the admin, and ReDoc offline, in Chromium."""

import csv
import io
import re

import pytest
from playwright.sync_api import Route, expect

from accounts.tests.factories import StaffFactory
from catalog.tests.factories import ProductFactory
from e2e.test_admin_browser import admin_login, customer_bearer, order_place, success_message
from orders.models import Order, OrderStatus
from orders.services.orders import order_status_change

pytestmark = pytest.mark.browser


def test_order_page_moves_the_status_and_shows_a_refused_move(page, api, screenshot):
    bearer = customer_bearer(api)
    order_id = order_place(api, bearer, ProductFactory(name="Cedar Shelf", quantity=4), quantity=1)["order_id"]
    staff = customer_bearer(api, factory=StaffFactory)
    paid = api.post("/api/payments", headers=staff, data={"order_id": order_id, "amount": "1.00", "method": "card"})
    assert paid.status == 201, paid.text()

    admin_login(page, screenshot, "order-page")
    page.goto(f"/admin/orders/order/{order_id}/change/")
    panel = page.locator("#order-status-form")
    expect(panel.locator(".order-status")).to_have_text("Pending")
    expect(panel.locator("#id_move_status option")).to_have_text(["Paid", "Cancelled"])
    # The payment made through the API is listed on the order, read-only.
    expect(page.locator("#payments-group")).to_contain_text("1.00")
    screenshot("order-page-03-pending")

    panel.locator("#id_move_status").select_option("paid")
    panel.locator("input[name=_move_status]").click()
    expect(success_message(page)).to_have_text(f"Order #{order_id} is now Paid.")
    expect(panel.locator(".order-status")).to_have_text("Paid")
    expect(panel.locator("#id_move_status option")).to_have_text(["Processing", "Cancelled"])
    screenshot("order-page-04-paid")

    # Someone else cancels it while this page is open: the move it still offers is refused.
    order_status_change(order=Order.objects.get(pk=order_id), status=OrderStatus.CANCELLED)
    panel.locator("#id_move_status").select_option("processing")
    panel.locator("input[name=_move_status]").click()
    expect(page.locator(".messagelist .error")).to_have_text("An order cannot move from cancelled to processing.")
    expect(panel).to_contain_text("Cancelled is final: no further move.")
    screenshot("order-page-05-refused")
    assert Order.objects.get(pk=order_id).status == OrderStatus.CANCELLED


def test_orders_are_downloaded_as_csv_from_the_changelist(page, api, screenshot):
    bearer = customer_bearer(api)
    order_id = order_place(api, bearer, ProductFactory(name="Pine Crate", quantity=3), quantity=2)["order_id"]

    admin_login(page, screenshot, "export")
    page.goto("/admin/orders/order/")
    page.locator(".object-tools a", has_text="Export").click()
    expect(page).to_have_url(re.compile(r"/admin/orders/order/export/"))
    screenshot("export-03-form")
    with page.expect_download() as download:
        page.locator("form input[type=submit]").click()

    assert download.value.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert [(row["id"], row["status"]) for row in rows] == [(str(order_id), "pending")]


def test_product_sizes_and_colours_are_edited_as_lists(page, api, screenshot):
    product = ProductFactory(name="Wool Scarf", sizes=["S", "M"], colors=["Grey"])

    admin_login(page, screenshot, "lists")
    page.goto(f"/admin/catalog/product/{product.pk}/change/")
    expect(page.locator("textarea#id_sizes")).to_have_value("S\nM")
    expect(page.locator("textarea#id_colors")).to_have_value("Grey")
    page.locator("textarea#id_sizes").fill("S\nM\nL\n\n42,5")
    page.locator("textarea#id_colors").fill("Grey\nNavy blue")
    screenshot("lists-03-form", element=page.locator(".field-sizes").locator(".."))
    page.click("input[name=_save]")
    expect(success_message(page)).to_contain_text("was changed successfully")

    shown = api.get(f"/api/products/{product.pk}")
    assert shown.status == 200
    assert (shown.json()["sizes"], shown.json()["colors"]) == (["S", "M", "L", "42,5"], ["Grey", "Navy blue"])


def test_redoc_renders_with_nothing_fetched_from_outside(page, live_host, screenshot):
    outside: list[str] = []

    def only_the_live_server(route: Route) -> None:
        if route.request.url.split("/")[2] == live_host:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_the_live_server)
    page.goto("/api/redoc/")

    # ReDoc lays out every operation of a large schema before it shows any: give it time.
    expect(page.locator("[data-section-id]").first).to_be_attached(timeout=90_000)
    expect(page.locator("img[alt='redocly logo']")).to_have_count(0)
    screenshot("redoc-01", full_page=False)
    assert outside == []
