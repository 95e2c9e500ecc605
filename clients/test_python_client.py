"""A storefront journey through a Python client that openapi-python-client generates from the live schema.

Every step goes through the generated functions and models, and its effect is read back through them too.
The models' `from_dict` reads required fields with `d.pop(name)`: a field the schema calls required but a
real answer leaves out fails the step, so the journey also checks `required` against real responses.
"""

import importlib
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from clients.conftest import STAFF_PASSWORD

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
SHIPPING = {"full_name": "Ada Lovelace", "address": "1 Analytical Way", "city": "London", "country": "GB"}


@pytest.fixture(scope="session")
def api(live_schema, tmp_path_factory):
    """The generated package `shop_client`, imported: every module of it (a broken one fails here)."""
    out = tmp_path_factory.mktemp("python-client")
    schema = out / "schema.json"
    schema.write_text(__import__("json").dumps(live_schema))
    # No formatting pass (ruff) over the generated code: it only costs time here.
    config = out / "config.yml"
    config.write_text("post_hooks: []\n")
    command = [str(GENERATOR), "generate", f"--path={schema}", "--meta=none", f"--output-path={out / 'shop_client'}"]
    result = subprocess.run([*command, f"--config={config}"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module("shop_client")
        for module in sorted((out / "shop_client" / "api").rglob("*.py")):
            importlib.import_module(".".join(module.relative_to(out).with_suffix("").parts))
        yield package
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if name.split(".")[0] == "shop_client"]:
            del sys.modules[name]


def _call(module: str, **kwargs):
    """Call `shop_client.api.<module>.sync_detailed` and return its parsed body and status."""
    function = importlib.import_module(f"shop_client.api.{module}").sync_detailed
    response = function(**kwargs)
    return response.status_code, response.parsed


def _ok(module: str, expected: int = 200, **kwargs):
    status, parsed = _call(module, **kwargs)
    assert status == expected, f"{module}: {status} {parsed}"
    return parsed


def test_storefront_journey_through_the_generated_python_client(api, live_server, staff_account):
    from shop_client import AuthenticatedClient, Client
    from shop_client.models import (
        CartItemInputRequest,
        CategoryInputRequest,
        CheckoutInputRequest,
        LoginInputRequest,
        PatchedCartItemUpdateInputRequest,
        PatchedOrderPatchInputRequest,
        PatchedProductUpdateInputRequest,
        PaymentInputRequest,
        ProductInputRequest,
        RefreshInputRequest,
        RegisterInputRequest,
        ReviewInputRequest,
        ShippingRequest,
    )
    from shop_client.models.method_enum import MethodEnum
    from shop_client.models.order_status_enum import OrderStatusEnum

    anonymous = Client(base_url=live_server.url)

    # Staff sign in and stock the shop.
    login = _ok("auth.auth_login", client=anonymous, body=LoginInputRequest(staff_account.email, STAFF_PASSWORD))
    staff = AuthenticatedClient(base_url=live_server.url, token=login.access)
    category = _ok("categories.categories_create", 201, client=staff, body=CategoryInputRequest(name="Shirts"))
    assert _ok("categories.categories_retrieve", client=anonymous, id=category.id).name == "Shirts"
    shirt = _ok(
        "products.products_create",
        201,
        client=staff,
        body=ProductInputRequest(
            name="Linen shirt", price="25.00", quantity=5, category_ids=[category.id], sizes=["M", "L"], colors=["blue"]
        ),
    ).product
    scarf = _ok(
        "products.products_create",
        201,
        client=staff,
        body=ProductInputRequest(name="Wool scarf", price="12.50", quantity=3),
    ).product
    assert _ok("products.products_retrieve", client=anonymous, id=shirt.id).price == "25.00"

    # A customer registers, signs in, browses and filters.
    email, password = "ada@example.com", "Analytical-Engine-1843"
    _ok("auth.auth_register", 201, client=anonymous, body=RegisterInputRequest(email=email, password=password))
    session = _ok("auth.auth_login", client=anonymous, body=LoginInputRequest(email=email, password=password))
    customer = AuthenticatedClient(base_url=live_server.url, token=session.access)
    assert _ok("auth.auth_profile_retrieve", client=customer).user.email == email
    assert {p.id for p in _ok("products.products_list", client=anonymous).results} == {shirt.id, scarf.id}
    by_category = _ok("products.products_list", client=anonymous, category=category.slug, min_price=20)
    assert [p.id for p in by_category.results] == [shirt.id]
    assert [p.id for p in _ok("products.products_list", client=anonymous, q="scarf").results] == [scarf.id]

    # The cart: add, change, remove, each read back.
    body = CartItemInputRequest(product_id=shirt.id, quantity=1, size="M", color="blue")
    cart = _ok("cart.cart_items", 201, client=customer, body=body)
    line = cart.items[0]
    _ok(
        "cart.cart_items_partial_update",
        client=customer,
        item_id=line.id,
        body=PatchedCartItemUpdateInputRequest(quantity=2),
    )
    assert [item.quantity for item in _ok("cart.cart_retrieve", client=customer).items] == [2]
    cart = _ok("cart.cart_items", 201, client=customer, body=CartItemInputRequest(product_id=scarf.id))
    scarf_line = next(item for item in cart.items if item.product.id == scarf.id)
    _ok("cart.cart_items_destroy", client=customer, item_id=scarf_line.id)
    cart = _ok("cart.cart_retrieve", client=customer)
    assert [(item.product.id, item.quantity) for item in cart.items] == [(shirt.id, 2)]

    # Checkout, then staff record the payment.
    created = _ok(
        "cart.cart_checkout", 201, client=customer, body=CheckoutInputRequest(ShippingRequest.from_dict(SHIPPING))
    )
    order = _ok("orders.orders_retrieve", client=customer, id=created.order_id)
    assert (order.status, Decimal(order.total), order.shipping.city) == (
        OrderStatusEnum.PENDING,
        Decimal("50.00"),
        "London",
    )
    assert _ok("cart.cart_retrieve", client=customer).items == []
    payment = PaymentInputRequest(order_id=order.id, amount=order.total, method=MethodEnum.CARD)
    _ok("payments.payments_create", 201, client=staff, body=payment)
    order = _ok("orders.orders_retrieve", client=customer, id=order.id)
    assert (order.status, Decimal(order.balance_due)) == (OrderStatusEnum.PAID, Decimal("0"))
    assert [p.amount for p in _ok("orders.orders_payments", client=customer, order_id=order.id).results] == ["50.00"]

    # The customer reviews what they bought.
    review = ReviewInputRequest(rating=5, comment="Fits well.")
    _ok("products.products_reviews_create", 201, client=customer, id=shirt.id, body=review)
    reviews = _ok("products.products_reviews_list", client=anonymous, id=shirt.id)
    assert [(r.rating, r.comment) for r in reviews.results] == [(5, "Fits well.")]
    assert _ok("products.products_retrieve", client=anonymous, id=shirt.id).rating_count == 1

    # Refresh, then log out: the logged-out token refreshes no more.
    pair = _ok("auth.auth_refresh", client=anonymous, body=RefreshInputRequest(refresh=session.refresh))
    customer = AuthenticatedClient(base_url=live_server.url, token=pair.access)
    assert _ok("auth.auth_profile_retrieve", client=customer).user.email == email
    _ok("auth.auth_logout_create", client=Client(base_url=live_server.url), body=RefreshInputRequest(pair.refresh))
    status, error = _call(
        "auth.auth_refresh", client=Client(base_url=live_server.url), body=RefreshInputRequest(pair.refresh)
    )
    assert (status, error.code) == (401, "token_not_valid")

    # Staff move the order on and reprice the product.
    for step in (OrderStatusEnum.PROCESSING, OrderStatusEnum.SHIPPED):
        _ok("orders.orders_partial_update", client=staff, id=order.id, body=PatchedOrderPatchInputRequest(status=step))
    body = PatchedOrderPatchInputRequest(tracking_number="TRACK-1")
    _ok("orders.orders_partial_update", client=staff, id=order.id, body=body)
    order = _ok("orders.orders_retrieve", client=staff, id=order.id)
    assert (order.status, order.tracking_number) == (OrderStatusEnum.SHIPPED, "TRACK-1")
    reprice = PatchedProductUpdateInputRequest(price="30.00")
    _ok("products.products_partial_update", client=staff, id=shirt.id, body=reprice)
    assert _ok("products.products_retrieve", client=anonymous, id=shirt.id).price == "30.00"

    # A misspelt field is refused, not ignored.
    status, error = _call(
        "orders.orders_partial_update",
        client=staff,
        id=order.id,
        body=PatchedOrderPatchInputRequest.from_dict({"statuss": "delivered"}),
    )
    assert (status, error.code, error.field) == (400, "unknown_field", "statuss")
