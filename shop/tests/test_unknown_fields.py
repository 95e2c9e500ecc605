"""Every write route refuses a body field it does not take, and a PATCH with no field: 400 `unknown_field`.

Routes come from the URL conf (the permission walker's sample paths), so a route added later is checked
without an edit here. A view that takes an outside party's payload as it comes (a payment provider's
webhook) says so with `takes_foreign_payload = True` and is left out. The objects the sample paths name
(id 1) exist, so a route that looks its object up first still reaches its body.
"""

import pytest
from django.urls import resolve

from accounts.models import Address
from accounts.tests.factories import SuperuserFactory
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory, ReviewFactory
from conftest import client_for
from content.tests.factories import BlogPostFactory
from orders.tests.factories import (
    CartFactory,
    CartItemFactory,
    CouponFactory,
    OrderFactory,
    ShippingMethodFactory,
    TaxRateFactory,
)
from shop.tests.test_permissions import API_ROUTES
from shop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

WRITE_METHODS = ("post", "put", "patch")


def _view_methods(callback) -> set[str]:
    view = getattr(callback, "cls", None) or callback.view_class
    actions = getattr(callback, "actions", None)
    methods = set(actions) if actions is not None else {method for method in WRITE_METHODS if hasattr(view, method)}
    # A viewset may switch a router verb off (no PUT on partial-update-only CRUD).
    return methods & set(view.http_method_names)


def _takes_foreign_payload(callback) -> bool:
    view = getattr(callback, "cls", None) or callback.view_class
    return getattr(view, "takes_foreign_payload", False)


WRITE_ROUTES = [
    (path, method)
    for path, pattern in API_ROUTES
    if not _takes_foreign_payload(pattern.callback)
    for method in WRITE_METHODS
    if method in _view_methods(pattern.callback)
]


@pytest.fixture
def objects_with_id_1(db):
    """One row with id 1 for every model a sample path names, reachable by a superuser."""
    user = SuperuserFactory(id=1)
    category = CategoryFactory(id=1)
    product = ProductFactory(id=1, categories=[category])
    OfferFactory(id=1, product=product)
    ReviewFactory(id=1, product=product, user=user)
    BlogPostFactory(id=1)
    CartItemFactory(id=1, cart=CartFactory(user=user), product=product)
    OrderFactory(id=1, user=user)
    endpoint = WebhookEndpoint.objects.create(id=1, url="https://hooks.example.com/shop", events=["order.created"])
    event = WebhookEvent.objects.create(type="order.created", data={})
    WebhookDelivery.objects.create(id=1, event=event, endpoint=endpoint)
    Address.objects.create(
        id=1, user=user, full_name="Ada", address="1 Main St", city="Paris", postal_code="75001", country="FR"
    )
    ShippingMethodFactory(id=1)
    CouponFactory(id=1)
    TaxRateFactory(id=1)
    return user


def test_the_walker_finds_write_routes():
    paths = {(path.rstrip("/"), method) for path, method in WRITE_ROUTES}

    assert {("/api/auth/register", "post"), ("/api/products/1", "patch"), ("/api/cart/items", "post")} <= paths


@pytest.mark.parametrize(("path", "method"), WRITE_ROUTES, ids=[f"{m.upper()} {p}" for p, m in WRITE_ROUTES])
def test_an_unknown_field_is_refused(objects_with_id_1, path, method):
    client = getattr(client_for(objects_with_id_1), method)
    response = client(path, {"zz_not_a_field": 1}, format="json")
    if response.status_code == 415:  # a route with file parts only
        response = client(path, {"zz_not_a_field": "1"}, format="multipart")

    assert response.status_code == 400, f"{method.upper()} {path} answered {response.status_code}"
    assert response.json()["code"] == "unknown_field", response.json()
    assert response.json()["field"] == "zz_not_a_field"


PATCH_ROUTES = [(path, method) for path, method in WRITE_ROUTES if method == "patch"]


@pytest.mark.parametrize(("path", "method"), PATCH_ROUTES, ids=[f"PATCH {p}" for p, _ in PATCH_ROUTES])
def test_an_empty_patch_is_refused(objects_with_id_1, path, method):
    response = client_for(objects_with_id_1).patch(path, {}, format="json")

    assert response.status_code == 400, f"PATCH {path} answered {response.status_code}"
    assert response.json()["code"] == "unknown_field", response.json()


def test_a_route_resolves_for_every_sample():
    assert all(resolve(path) for path, _ in WRITE_ROUTES)
