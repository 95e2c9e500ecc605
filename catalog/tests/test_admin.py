from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from catalog.models import Category, Product, Review
from catalog.services.products import product_create
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory, ProductImageFactory, ReviewFactory
from shop.tests.factories import image_upload, text_upload
from shop.webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("category", "?q=chair&is_active__exact=1"),
        ("product", "?q=oak&is_trending__exact=0&is_disabled__exact=0&stock=low"),
        ("product", "?stock=out"),
        ("product", "?stock=in"),
        ("offer", "?active=yes&q=sale"),
        ("offer", "?active=no"),
        ("review", "?rating__exact=4&q=oak"),
    ],
)
def test_changelists_answer_for_staff(admin_client, model, query):
    category = CategoryFactory(name="Chairs")
    product = ProductFactory(name="Oak chair", categories=[category], quantity=3)
    OfferFactory(product=product, title="Summer sale")
    ReviewFactory(product=product)

    response = admin_client.get(reverse(f"admin:catalog_{model}_changelist") + query)

    assert response.status_code == 200


def test_product_changelist_query_count_does_not_grow(admin_client, django_assert_max_num_queries):
    for product in ProductFactory.create_batch(40, categories=CategoryFactory.create_batch(2)):
        ProductImageFactory(product=product)

    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:catalog_product_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", ["category", "product", "offer", "review"])
def test_change_and_add_pages_answer(admin_client, model):
    objects = {
        "category": CategoryFactory,
        "product": ProductFactory,
        "offer": OfferFactory,
        "review": ReviewFactory,
    }
    obj = objects[model]()

    change = admin_client.get(reverse(f"admin:catalog_{model}_change", args=[obj.pk]))
    add = admin_client.get(reverse(f"admin:catalog_{model}_add"))

    assert change.status_code == 200 and add.status_code == 200


def test_product_added_in_admin_without_slug_gets_one_from_its_name(admin_client):
    ProductFactory(slug="oak-table")
    data = {
        "name": "Oak Table",
        "slug": "",
        "sku": "",
        "price": "10.00",
        "currency": "USD",
        "quantity": "2",
        "colors": "",
        "sizes": "",
        "materials": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:catalog_product_add"), data)

    assert response.status_code == 302
    created = Product.objects.get(name="Oak Table")
    assert created.slug == "oak-table-2" and created.sku is None


def test_product_admin_refuses_more_gallery_images_than_allowed(admin_client, settings):
    settings.PRODUCT_MAX_IMAGES = 1
    product = ProductFactory()
    data = {
        "name": product.name,
        "slug": product.slug,
        "price": "10.00",
        "currency": "USD",
        "quantity": "2",
        "colors": "",
        "sizes": "",
        "materials": "",
        "images-TOTAL_FORMS": "2",
        "images-INITIAL_FORMS": "0",
        "images-0-url": "/media/a.png",
        "images-0-position": "0",
        "images-1-url": "/media/b.png",
        "images-1-position": "1",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    assert response.status_code == 200  # the form comes back with the error
    assert product.images.count() == 0


def test_product_deleted_in_admin_leaves_storage_too(admin_client, django_capture_on_commit_callbacks):
    product = product_create(data={"name": "Lamp", "price": Decimal("1"), "quantity": 1}, uploads=[image_upload()])
    public_id = product.images.get().public_id

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:catalog_product_delete", args=[product.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Product.objects.exists()
    assert not default_storage.exists(public_id)


def test_category_with_products_cannot_be_deleted_in_admin(admin_client):
    used, empty = CategoryFactory(), CategoryFactory()
    ProductFactory(categories=[used])

    refused = admin_client.post(reverse("admin:catalog_category_delete", args=[used.pk]), {"post": "yes"})
    bulk = admin_client.post(
        reverse("admin:catalog_category_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, empty.pk], "post": "yes"},
    )

    assert refused.status_code == 403 and bulk.status_code == 403
    assert set(Category.objects.all()) == {used, empty}


def test_review_added_and_edited_in_admin_keeps_product_rating(admin_client, customer):
    product = ProductFactory()

    admin_client.post(
        reverse("admin:catalog_review_add"),
        {"product": product.pk, "user": customer.pk, "rating": "2", "comment": "meh"},
    )
    review = Review.objects.get()
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (1, Decimal("2.00"))

    admin_client.post(reverse("admin:catalog_review_change", args=[review.pk]), {"rating": "5", "comment": "good"})
    product.refresh_from_db()
    assert product.rating_average == Decimal("5.00")

    admin_client.post(reverse("admin:catalog_review_delete", args=[review.pk]), {"post": "yes"})
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (0, None)


def _product_form(**fields):
    return {
        "name": "Lamp",
        "slug": "",
        "sku": "",
        "price": "10.00",
        "currency": "USD",
        "quantity": "2",
        "colors": "",
        "sizes": "",
        "materials": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        **fields,
    }


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(path.name for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_product_added_in_admin_with_uploaded_images_gets_gallery_and_cover(admin_client, settings):
    uploads = [image_upload(name="front.png"), image_upload(name="back.png", color="blue")]

    response = admin_client.post(reverse("admin:catalog_product_add"), _product_form(upload_images=uploads))

    assert response.status_code == 302
    product = Product.objects.get(name="Lamp")
    gallery = list(product.images.all())
    assert [image.position for image in gallery] == [0, 1]
    assert all(default_storage.exists(image.public_id) for image in gallery)
    assert product.image_cover == gallery[0].url
    assert len(_stored_files(settings)) == 2


def test_product_admin_upload_appends_to_existing_gallery_and_keeps_cover(admin_client):
    product = ProductFactory(image_cover="/media/cover.png")
    ProductImageFactory(product=product, url="/media/old.png", position=3)
    data = _product_form(
        name=product.name,
        slug=product.slug,
        image_cover="/media/cover.png",
        upload_images=[image_upload()],
        **{
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "1",
            "images-0-id": str(product.images.get().pk),
            "images-0-product": str(product.pk),
            "images-0-url": "/media/old.png",
            "images-0-position": "3",
        },
    )

    response = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert [image.position for image in product.images.all()] == [3, 4]
    assert product.image_cover == "/media/cover.png"


def test_product_admin_refuses_a_file_that_is_not_an_image_and_stores_nothing(admin_client, settings):
    data = _product_form(upload_images=[image_upload(name="good.png"), text_upload("bad.png")])

    response = admin_client.post(reverse("admin:catalog_product_add"), data)

    assert response.status_code == 200
    assert "upload_images" in response.context["adminform"].form.errors
    assert not Product.objects.exists()
    assert _stored_files(settings) == []


def test_product_admin_discards_stored_uploads_when_the_form_is_invalid(admin_client, settings):
    response = admin_client.post(
        reverse("admin:catalog_product_add"), _product_form(price="-1", upload_images=[image_upload()])
    )

    assert response.status_code == 200
    assert not Product.objects.exists()
    assert _stored_files(settings) == []


def test_product_admin_counts_uploads_against_the_gallery_limit(admin_client, settings):
    settings.PRODUCT_MAX_IMAGES = 2
    product = ProductFactory()
    ProductImageFactory(product=product, url="/media/old.png", position=0)
    data = _product_form(
        name=product.name,
        slug=product.slug,
        upload_images=[image_upload(name="a.png"), image_upload(name="b.png")],
        **{
            "images-TOTAL_FORMS": "1",
            "images-INITIAL_FORMS": "1",
            "images-0-id": str(product.images.get().pk),
            "images-0-product": str(product.pk),
            "images-0-url": "/media/old.png",
            "images-0-position": "0",
        },
    )
    too_many = _product_form(upload_images=[image_upload(name=f"{n}.png") for n in range(3)])

    refused = admin_client.post(reverse("admin:catalog_product_change", args=[product.pk]), data)
    refused_new = admin_client.post(reverse("admin:catalog_product_add"), too_many)

    assert refused.status_code == 200 and refused_new.status_code == 200
    assert product.images.count() == 1
    assert Product.objects.count() == 1
    assert _stored_files(settings) == []


def test_admin_product_saves_write_the_webhook_events(admin_client):
    admin_client.post(reverse("admin:catalog_product_add"), _product_form(name="Desk"))
    product = Product.objects.get(name="Desk")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    admin_client.post(url, _product_form(name="Standing desk", slug=product.slug))

    events = list(WebhookEvent.objects.order_by("created_at").values_list("type", "data__name"))
    assert events == [("product.created", "Desk"), ("product.updated", "Standing desk")]
