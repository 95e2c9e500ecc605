"""API tests for categories, offers and uploads (products and reviews: test_api_products.py)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator

from catalog.models import Category, Offer
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory
from shop.tests.factories import image_upload, text_upload

pytestmark = pytest.mark.django_db

CATEGORY_KEYS = {"id", "name", "slug", "description", "image_url", "is_active", "product_count"}


# --- categories -------------------------------------------------------------------


def test_categories_list_counts_visible_products_and_hides_inactive(api_client, staff_client):
    chairs = CategoryFactory(name="Chairs")
    CategoryFactory(name="Old", is_active=False)
    ProductFactory.create_batch(2, categories=[chairs])
    ProductFactory(categories=[chairs], is_disabled=True)

    public = api_client.get("/api/categories").json()
    staff = staff_client.get("/api/categories/").json()

    assert [(c["name"], c["product_count"]) for c in public["results"]] == [("Chairs", 2)]
    assert set(public["results"][0]) == CATEGORY_KEYS
    assert [c["name"] for c in staff["results"]] == ["Chairs", "Old"]


def test_categories_filters_q_and_is_active(staff_client):
    CategoryFactory(name="Garden Chairs")
    CategoryFactory(name="Lamps", is_active=False)

    by_name = staff_client.get("/api/categories?q=garden").json()["results"]
    inactive = staff_client.get("/api/categories?is_active=false").json()["results"]

    assert [c["name"] for c in by_name] == ["Garden Chairs"]
    assert [c["name"] for c in inactive] == ["Lamps"]


def test_categories_list_query_count_does_not_grow(api_client, django_assert_num_queries):
    for category in CategoryFactory.create_batch(30):
        ProductFactory(categories=[category])
    api_client.get("/api/products?limit=1")  # the next offer boundary, once per catalog version

    with django_assert_num_queries(2):
        api_client.get("/api/categories?limit=5")
    with django_assert_num_queries(2):
        api_client.get("/api/categories?limit=100")


def test_category_detail_by_id_and_slug(api_client):
    category = CategoryFactory(slug="lamps")

    assert api_client.get(f"/api/categories/{category.pk}").json()["slug"] == "lamps"
    assert api_client.get("/api/categories/slug/lamps").json()["id"] == category.pk


def test_category_detail_unknown_or_inactive_is_404(api_client, staff_client):
    inactive = CategoryFactory(is_active=False, slug="old")

    response = api_client.get("/api/categories/999999")
    assert response.status_code == 404
    assert response.json()["error"] == "Category not found"
    assert api_client.get(f"/api/categories/{inactive.pk}").status_code == 404
    assert api_client.get("/api/categories/slug/old").status_code == 404
    assert staff_client.get("/api/categories/slug/old").status_code == 200


def test_category_create_with_json(staff_client):
    response = staff_client.post("/api/categories", {"name": "Garden Tools", "description": "Out"}, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "garden-tools"
    assert response.json()["product_count"] == 0


def test_category_create_with_multipart_image(staff_client):
    response = staff_client.post(
        "/api/categories", {"data": json.dumps({"name": "Lamps"}), "image": image_upload()}, format="multipart"
    )

    category = Category.objects.get()
    assert response.status_code == 201
    assert response.json()["image_url"] == category.image_url
    assert default_storage.exists(category.image_public_id)


def test_category_create_with_fake_image_is_415(staff_client):
    response = staff_client.post(
        "/api/categories", {"data": json.dumps({"name": "Lamps"}), "image": text_upload()}, format="multipart"
    )

    assert response.status_code == 415
    assert response.json()["field"] == "image"
    assert not Category.objects.exists()


def test_category_create_with_duplicate_slug_is_409(staff_client):
    CategoryFactory(slug="lamps")

    response = staff_client.post("/api/categories", {"name": "Other", "slug": "lamps"}, format="json")

    assert response.status_code == 409
    assert response.json()["field"] == "slug"


def test_category_create_without_name_is_400(staff_client):
    response = staff_client.post("/api/categories", {"description": "x"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "name"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_category_update(staff_client, method):
    category = CategoryFactory(name="Old", slug="old")

    response = getattr(staff_client, method)(f"/api/categories/{category.pk}", {"is_active": False}, format="json")

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["name"] == "Old"


def test_category_delete_empty_and_409_with_products(staff_client):
    empty, used = CategoryFactory(), CategoryFactory()
    ProductFactory(categories=[used])

    deleted = staff_client.delete(f"/api/categories/{empty.pk}")
    conflict = staff_client.delete(f"/api/categories/{used.pk}")

    assert deleted.status_code == 200 and deleted.json() == {"message": "Category deleted"}
    assert conflict.status_code == 409 and conflict.json()["code"] == "conflict"
    assert list(Category.objects.all()) == [used]


def test_category_writes_require_staff(api_client, customer_client):
    category = CategoryFactory()

    assert api_client.post("/api/categories", {"name": "X"}).status_code == 401
    assert customer_client.post("/api/categories", {"name": "X"}).status_code == 403
    assert customer_client.patch(f"/api/categories/{category.pk}", {"name": "X"}).status_code == 403
    assert customer_client.delete(f"/api/categories/{category.pk}").status_code == 403


# --- offers -----------------------------------------------------------------------


def _expired(**kwargs):
    now = timezone.now()
    return OfferFactory(start_date=now - timedelta(days=10), end_date=now - timedelta(days=1), **kwargs)


def test_offers_list_shows_only_active_offers_with_product(api_client):
    product = ProductFactory(name="Lamp", price=Decimal("10.00"), image_cover="/media/lamp.png")
    active = OfferFactory(product=product, discount_percentage=Decimal("20"))
    OfferFactory(product=product, discount_percentage=Decimal("5"))
    _expired(product=product)
    OfferFactory(product=ProductFactory(is_disabled=True))

    response = api_client.get("/api/offers")

    results = response.json()["results"]
    assert response.status_code == 200
    assert len(results) == 2
    first = next(offer for offer in results if offer["id"] == active.pk)
    assert first["product"] == {
        "id": product.pk,
        "name": "Lamp",
        "slug": product.slug,
        "price": "10.00",
        "final_price": "8.00",
        "image_cover": "/media/lamp.png",
    }
    assert first["is_active"] is True and first["discount_percentage"] == "20.00"


def test_offers_list_query_count_does_not_grow(api_client, django_assert_num_queries):
    OfferFactory.create_batch(30)
    api_client.get("/api/products?limit=1")  # the next offer boundary, once per catalog version

    with django_assert_num_queries(2):
        api_client.get("/api/offers?limit=5")
    with django_assert_num_queries(2):
        api_client.get("/api/offers?limit=100")


def test_offers_all_is_staff_only_and_includes_inactive(api_client, customer_client, staff_client):
    OfferFactory()
    _expired()

    assert api_client.get("/api/offers/all").status_code == 401
    assert customer_client.get("/api/offers/all").status_code == 403
    assert staff_client.get("/api/offers/all/").json()["count"] == 2


def test_offer_detail_and_404(api_client):
    offer = _expired()

    assert api_client.get(f"/api/offers/{offer.pk}").json()["is_active"] is False
    response = api_client.get("/api/offers/999999")
    assert response.status_code == 404
    assert response.json()["error"] == "Offer not found"


def test_offer_create(staff_client):
    product = ProductFactory()
    now = timezone.now()
    body = {
        "product_id": product.pk,
        "title": "Spring",
        "discount_percentage": "12.5",
        "start_date": now.isoformat(),
        "end_date": (now + timedelta(days=2)).isoformat(),
    }

    response = staff_client.post("/api/offers", body, format="json")

    assert response.status_code == 201
    assert response.json()["discount_percentage"] == "12.50"
    assert Offer.objects.get().product_id == product.pk


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"discount_percentage": "0"}, 400, "discount_percentage"),
        ({"discount_percentage": "101"}, 400, "discount_percentage"),
        ({"end_date": "2020-01-01T00:00:00Z"}, 400, "end_date"),
        ({"product_id": 999999}, 404, "product_id"),
        ({"title": ""}, 400, "title"),
        ({"start_date": "soon"}, 400, "start_date"),
    ],
)
def test_offer_create_errors(staff_client, change, status, field):
    now = timezone.now()
    body = {
        "product_id": ProductFactory().pk,
        "title": "Spring",
        "discount_percentage": "10",
        "start_date": now.isoformat(),
        "end_date": (now + timedelta(days=2)).isoformat(),
        **change,
    }

    response = staff_client.post("/api/offers", body, format="json")

    assert response.status_code == status
    assert response.json()["field"] == field
    if status == 404:
        assert response.json()["error"] == "Product not found"
    assert not Offer.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch"])
def test_offer_update(staff_client, method):
    offer = OfferFactory()

    response = getattr(staff_client, method)(f"/api/offers/{offer.pk}", {"discount_percentage": "30"}, format="json")

    assert response.status_code == 200
    assert response.json()["discount_percentage"] == "30.00"


def test_offer_update_bad_discount_is_400_and_unknown_is_404(staff_client):
    offer = OfferFactory()

    assert staff_client.patch(f"/api/offers/{offer.pk}", {"discount_percentage": "-1"}).status_code == 400
    assert staff_client.patch("/api/offers/999999", {"title": "x"}).json()["error"] == "Offer not found"


def test_offer_delete(staff_client):
    offer = OfferFactory()

    response = staff_client.delete(f"/api/offers/{offer.pk}")

    assert response.json() == {"message": "Offer deleted"}
    assert not Offer.objects.exists()


def test_offer_writes_require_staff(api_client, customer_client):
    offer = OfferFactory()

    assert api_client.post("/api/offers", {}).status_code == 401
    assert customer_client.post("/api/offers", {}).status_code == 403
    assert customer_client.patch(f"/api/offers/{offer.pk}", {"title": "x"}).status_code == 403
    assert customer_client.delete(f"/api/offers/{offer.pk}").status_code == 403


# --- uploads ----------------------------------------------------------------------


def test_upload_image_returns_stored_media(staff_client):
    response = staff_client.post(
        "/api/upload/image",
        {"file": image_upload(size=(30, 20)), "folder": "../Promo Banners/2026"},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"url", "secure_url", "public_id", "format", "width", "height", "bytes"}
    assert (body["format"], body["width"], body["height"]) == ("png", 30, 20)
    assert body["public_id"].startswith("promo-banners/2026/")
    assert default_storage.exists(body["public_id"])


def test_upload_image_default_folder(staff_client):
    body = staff_client.post("/api/upload/image/", {"file": image_upload()}, format="multipart").json()

    assert body["public_id"].startswith("ecommerce/")


def test_upload_image_refuses_non_images_and_oversized_files(staff_client, settings):
    fake = staff_client.post("/api/upload/image", {"file": text_upload()}, format="multipart")
    missing = staff_client.post("/api/upload/image", {}, format="multipart")
    settings.MAX_UPLOAD_MB = 0
    large = staff_client.post("/api/upload/image", {"file": image_upload()}, format="multipart")

    assert fake.status_code == 415
    assert missing.status_code == 400 and missing.json()["field"] == "file"
    assert large.status_code == 413


def test_upload_requires_staff(api_client, customer_client):
    assert api_client.post("/api/upload/image", {"file": image_upload()}, format="multipart").status_code == 401
    assert (
        customer_client.post("/api/upload/images", {"files": [image_upload()]}, format="multipart").status_code == 403
    )


def test_upload_images_reports_uploaded_and_failed(staff_client):
    response = staff_client.post(
        "/api/upload/images", {"files": [image_upload(name="a.png"), text_upload("b.png")]}, format="multipart"
    )

    body = response.json()
    assert response.status_code == 200
    assert len(body["uploaded"]) == 1
    assert body["failed"] == [{"filename": "b.png", "error": "File is not an image."}]


def test_upload_images_is_400_when_none_succeeded(staff_client):
    response = staff_client.post("/api/upload/images", {"files": [text_upload("b.png")]}, format="multipart")
    missing = staff_client.post("/api/upload/images", {}, format="multipart")

    assert response.status_code == 400
    assert response.json()["uploaded"] == []
    assert response.json()["failed"][0]["filename"] == "b.png"
    assert missing.status_code == 400 and missing.json()["field"] == "files"


def test_upload_images_400_bodies_match_the_documented_schema(staff_client):
    # Found by the schema fuzzer (response_schema_conformance): the schema required `uploaded` and
    # `failed` in every 400, but a request without `files` gets the plain validation error body.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = schema["paths"]["/api/upload/images"]["post"]["responses"]["400"]["content"]["application/json"]
    validator = Draft202012Validator({**documented["schema"], "components": schema["components"]})

    none_stored = staff_client.post("/api/upload/images", {"files": [text_upload("b.png")]}, format="multipart")
    no_files = staff_client.post("/api/upload/images", {}, format="multipart")

    assert none_stored.status_code == no_files.status_code == 400
    validator.validate(none_stored.json())
    validator.validate(no_files.json())
