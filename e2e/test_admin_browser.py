"""The admin and the API docs as a person uses them, in Chromium against a live server.

Each step leaves a screenshot under test-artifacts/browser/ (kept by CI).
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import APIRequestContext, Page, Route, expect

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from catalog.tests.factories import ProductFactory
from shop.tests.factories import image_upload

pytestmark = pytest.mark.browser


def admin_login(page: Page, screenshot, prefix: str) -> None:
    user = SuperuserFactory()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    screenshot(f"{prefix}-01-login")
    page.click("#login-form [type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.email)
    screenshot(f"{prefix}-02-admin-home")


def success_message(page: Page):
    return page.locator(".messagelist .success")


def customer_bearer(api: APIRequestContext, *, factory=UserFactory) -> dict:
    """The headers of a new customer (or of `factory`'s user) signed in through the API, as the storefront does."""
    user = factory()
    login = api.post("/api/auth/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.status == 200, login.text()
    return {"Authorization": f"Bearer {login.json()['access']}"}


def order_place(api: APIRequestContext, bearer: dict, product, *, quantity: int) -> dict:
    created = api.post(
        "/api/orders",
        headers=bearer,
        data={
            "items": [{"product_id": product.pk, "quantity": quantity}],
            "shipping": {
                "full_name": "Ada Lovelace",
                "address": "12 Rue de la Paix",
                "city": "Paris",
                "postal_code": "75002",
                "country": "FR",
                "phone": "+33100000000",
            },
        },
    )
    assert created.status == 201, created.text()
    return created.json()


def test_category_and_product_with_uploaded_image_created_in_admin_show_in_api(page, api, screenshot):
    admin_login(page, screenshot, "catalog")

    page.goto("/admin/catalog/category/add/")
    # Typed key by key: the admin's script fills the slug in on keyup, as it does for a person.
    page.locator("#id_name").press_sequentially("Desk Lamps")
    expect(page.locator("#id_slug")).to_have_value("desk-lamps")
    page.click("input[name=_save]")
    expect(success_message(page)).to_contain_text("was added successfully")
    screenshot("catalog-03-category-added")

    page.goto("/admin/catalog/product/add/")
    page.locator("#id_name").press_sequentially("Brass Desk Lamp")
    expect(page.locator("#id_slug")).to_have_value("brass-desk-lamp")
    page.fill("#id_price", "49.90")
    page.fill("#id_quantity", "7")
    page.select_option("#id_categories_from", label="Desk Lamps")
    page.click("#id_categories_add")
    expect(page.locator("#id_categories_to option")).to_have_text(["Desk Lamps"])
    image = image_upload(name="brass-lamp.png", size=(64, 48), color="orange").read()
    page.set_input_files(
        "#id_upload_images", files=[{"name": "brass-lamp.png", "mimeType": "image/png", "buffer": image}]
    )
    screenshot("catalog-04-product-form")
    page.click("input[name=_save]")
    expect(success_message(page)).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("Brass Desk Lamp")
    screenshot("catalog-05-product-added")

    response = api.get("/api/products", params={"q": "Brass Desk Lamp"})
    assert response.status == 200
    [product] = response.json()["results"]
    assert product["name"] == "Brass Desk Lamp" and product["slug"] == "brass-desk-lamp"
    assert (product["price"], product["quantity"]) == ("49.90", 7)
    assert [category["slug"] for category in product["categories"]] == ["desk-lamps"]
    assert len(product["images"]) == 1 and product["images"][0].endswith(".png")
    assert product["image_cover"] == product["images"][0]

    # The stored file is served back as the PNG that was uploaded.
    stored = api.get(product["image_cover"])
    assert stored.status == 200 and stored.body() == image


def test_order_moved_to_shipped_through_admin_actions(page, api, screenshot):
    bearer = customer_bearer(api)
    order = order_place(api, bearer, ProductFactory(name="Walnut Stool", quantity=3), quantity=2)
    order_id = order["order_id"]
    assert order["status"] == "pending"

    admin_login(page, screenshot, "orders")
    page.goto("/admin/orders/order/")
    row = page.locator("#result_list tbody tr", has=page.locator(f"input.action-select[value='{order_id}']"))
    expect(row.locator("td.field-status")).to_have_text("Pending")
    screenshot("orders-03-pending", full_page=False)

    # A move the state machine forbids is refused with the reason, and changes nothing.
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "mark_shipped")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .error")).to_have_text(
        f"Order #{order_id}: An order cannot move from pending to shipped."
    )
    expect(row.locator("td.field-status")).to_have_text("Pending")
    screenshot("orders-04-refused", full_page=False)

    for step, status in enumerate(["paid", "processing", "shipped"], start=5):
        row.locator("input.action-select").check()
        page.select_option("select[name=action]", f"mark_{status}")
        page.click("button[name=index]")
        expect(success_message(page)).to_have_text(f"1 order(s) marked {status}.")
        expect(row.locator("td.field-status")).to_have_text(status.capitalize())
        screenshot(f"orders-{step:02d}-{status}", full_page=False)

    seen = api.get(f"/api/orders/{order_id}", headers=bearer)
    assert seen.status == 200
    assert seen.json()["status"] == "shipped"


def test_api_docs_list_the_operations_with_the_network_cut(page, live_host, screenshot):
    refused: list[str] = []

    def only_the_live_server(route: Route) -> None:
        if route.request.url.split("/")[2] == live_host:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_the_live_server)

    page.goto("/api/docs/")

    tags = page.locator(".opblock-tag")
    expect(tags.first).to_be_visible()
    assert tags.count() > 15
    # Tags start collapsed (SWAGGER_UI_SETTINGS); opening one draws its operations.
    page.locator(".opblock-tag[data-tag='products']").click()
    expect(page.locator(".opblock-summary-path[data-path='/api/products']").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    screenshot("docs-01-operations", full_page=False)

    products = page.locator(".opblock-get", has=page.locator(".opblock-summary-path[data-path='/api/products']"))
    products.first.locator(".opblock-summary").click()
    expect(products.first.locator(".parameters-container")).to_contain_text("sort")
    screenshot("docs-02-operation-open", element=products.first)
    # Everything the page needed came from the shop itself: no CDN, no validator badge.
    assert refused == []


def test_admin_home_shows_revenue_and_top_products_charts(page, api, screenshot):
    bearer = customer_bearer(api)
    order = order_place(api, bearer, ProductFactory(name="Oak Bench", price=Decimal("30.00"), quantity=5), quantity=2)
    total = order["order"]["total"]
    # Only staff record a payment by hand (customers pay through Stripe).
    paid = api.post(
        "/api/payments",
        headers=customer_bearer(api, factory=StaffFactory),
        data={"order_id": order["order_id"], "amount": total, "method": "card"},
    )
    assert paid.status == 201, paid.text()

    admin_login(page, screenshot, "dashboard")

    dashboard = page.locator("#sales-dashboard")
    expect(dashboard).to_be_visible()
    revenue = dashboard.locator("svg.revenue-per-day")
    expect(revenue.locator("rect.bar")).to_have_count(30)
    today = revenue.locator(f"rect.bar[data-day='{timezone.localdate():%Y-%m-%d}']")
    expect(today).to_have_attribute("data-revenue", total)
    expect(dashboard.locator("table.top-products th")).to_have_text(["Oak Bench"])
    expect(dashboard.locator("table.top-products rect.bar")).to_have_count(1)
    # Drawn on screen, not only present in the markup: the only day with sales and the only
    # product both get the full-size bar.
    assert today.bounding_box()["height"] > 100
    assert dashboard.locator("table.top-products svg").bounding_box()["width"] > 100
    screenshot("dashboard-03-charts", element=dashboard)
