from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.models import Category, Offer, Product, ProductImage, Review
from catalog.services.categories import category_create, category_delete, category_update
from catalog.services.offers import offer_create, offer_delete, offer_update
from catalog.services.products import product_create, product_delete, product_gallery_extend, product_update
from catalog.services.reviews import product_ratings_refresh, review_create, review_delete
from catalog.tests.factories import CategoryFactory, OfferFactory, ProductFactory, ProductImageFactory, ReviewFactory
from shop.errors import Conflict, InvalidInput, NotFound, UnsupportedMediaType
from shop.media import image_store
from shop.slugs import slug_unique
from shop.tests.factories import image_upload, text_upload

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    _, files = default_storage.listdir("products") if default_storage.exists("products") else ([], [])
    return files


# --- slugs ------------------------------------------------------------------------


def test_slug_is_generated_from_the_name():
    assert slug_unique(model=Product, name="Table Basse Élégante") == "table-basse-elegante"


def test_slug_gets_the_next_free_suffix_when_taken():
    ProductFactory(slug="lamp")
    ProductFactory(slug="lamp-2")
    ProductFactory(slug="lamp-shade")

    assert slug_unique(model=Product, name="Lamp") == "lamp-3"


def test_slug_of_a_name_without_letters_falls_back_to_the_model_name():
    assert slug_unique(model=Product, name="!!!") == "product"


# --- categories -------------------------------------------------------------------


def test_category_create_generates_slug():
    category = category_create(data={"name": "Garden Tools"})

    assert category.slug == "garden-tools"
    assert category.is_active


def test_category_create_with_taken_slug_is_conflict_on_slug():
    CategoryFactory(slug="garden")

    with pytest.raises(Conflict) as error:
        category_create(data={"name": "Another", "slug": "garden"})

    assert error.value.field == "slug"


def test_category_create_with_taken_name_is_conflict_on_name():
    CategoryFactory(name="Garden")

    with pytest.raises(Conflict) as error:
        category_create(data={"name": "Garden"})

    assert error.value.field == "name"


def test_category_create_stores_the_uploaded_image():
    category = category_create(data={"name": "Lamps"}, image=image_upload())

    assert category.image_public_id.startswith("categories/")
    assert default_storage.exists(category.image_public_id)
    assert category.image_url.endswith(category.image_public_id.split("/")[-1])


def test_category_create_with_a_fake_image_stores_nothing():
    with pytest.raises(UnsupportedMediaType):
        category_create(data={"name": "Lamps"}, image=text_upload())

    assert not Category.objects.exists()


def test_category_update_with_new_image_deletes_the_old_file_on_commit(django_capture_on_commit_callbacks):
    category = category_create(data={"name": "Lamps"}, image=image_upload())
    old = category.image_public_id

    with django_capture_on_commit_callbacks(execute=True):
        category_update(category=category, data={"description": "Bright"}, image=image_upload())

    category.refresh_from_db()
    assert category.description == "Bright"
    assert category.image_public_id != old
    assert not default_storage.exists(old)
    assert default_storage.exists(category.image_public_id)


def test_category_update_keeps_slug_when_name_changes():
    category = CategoryFactory(name="Old", slug="old")

    category_update(category=category, data={"name": "New"})

    category.refresh_from_db()
    assert (category.name, category.slug) == ("New", "old")


def test_category_delete_with_products_is_conflict():
    category = CategoryFactory()
    ProductFactory(categories=[category])

    with pytest.raises(Conflict):
        category_delete(category=category)

    assert Category.objects.filter(pk=category.pk).exists()


def test_category_delete_removes_the_row_and_its_image(django_capture_on_commit_callbacks):
    category = category_create(data={"name": "Lamps"}, image=image_upload())

    with django_capture_on_commit_callbacks(execute=True):
        category_delete(category=category)

    assert not Category.objects.exists()
    assert not default_storage.exists(category.image_public_id)


# --- products ---------------------------------------------------------------------


def _product_data(**overrides) -> dict:
    return {"name": "Oak Table", "price": Decimal("120.00"), "quantity": 3, **overrides}


def test_product_create_generates_unique_slug():
    ProductFactory(slug="oak-table")

    product = product_create(data=_product_data())

    assert product.slug == "oak-table-2"


def test_product_create_with_taken_slug_is_conflict_on_slug():
    ProductFactory(slug="oak")

    with pytest.raises(Conflict) as error:
        product_create(data=_product_data(slug="oak"))

    assert error.value.field == "slug"


def test_product_create_with_taken_sku_is_conflict_on_sku():
    ProductFactory(sku="SKU-1")

    with pytest.raises(Conflict) as error:
        product_create(data=_product_data(sku="SKU-1"))

    assert error.value.field == "sku"


def test_product_create_blank_sku_is_stored_as_null_so_many_may_have_none():
    first = product_create(data=_product_data(sku=""))
    second = product_create(data=_product_data(sku=""))

    assert first.sku is None and second.sku is None


def test_product_create_links_categories_by_slug_and_ids():
    chairs, tables, lamps = CategoryFactory(slug="chairs"), CategoryFactory(), CategoryFactory()

    product = product_create(data=_product_data(category="chairs", category_ids=[tables.pk, lamps.pk]))

    assert set(product.categories.all()) == {chairs, tables, lamps}


def test_product_create_with_unknown_category_slug_is_invalid():
    with pytest.raises(InvalidInput) as error:
        product_create(data=_product_data(category="nope"))

    assert error.value.field == "category"
    assert not Product.objects.exists()


def test_product_create_with_unknown_category_id_is_invalid():
    with pytest.raises(InvalidInput) as error:
        product_create(data=_product_data(category_ids=[999]))

    assert error.value.field == "category_ids"


def test_product_create_with_image_urls_uses_first_as_cover():
    product = product_create(data=_product_data(images=["https://cdn.example.com/a.png", "/media/b.png"]))

    assert list(product.images.values_list("url", flat=True)) == ["https://cdn.example.com/a.png", "/media/b.png"]
    assert product.image_cover == "https://cdn.example.com/a.png"


def test_product_create_stores_uploaded_images():
    product = product_create(data=_product_data(), uploads=[image_upload(), image_upload(name="b.png")])

    images = list(product.images.all())
    assert len(images) == 2
    assert all(default_storage.exists(image.public_id) for image in images)
    assert product.image_cover == images[0].url


@override_settings(PRODUCT_MAX_IMAGES=2)
def test_product_create_with_too_many_images_is_invalid_and_stores_nothing():
    with pytest.raises(InvalidInput) as error:
        product_create(data=_product_data(images=["/media/a.png"]), uploads=[image_upload(), image_upload()])

    assert error.value.field == "images"
    assert _stored_files() == []
    assert not Product.objects.exists()


def test_product_create_with_one_fake_upload_keeps_no_file():
    with pytest.raises(UnsupportedMediaType) as error:
        product_create(data=_product_data(), uploads=[image_upload(), text_upload()])

    assert error.value.field == "images"
    assert _stored_files() == []


def test_product_create_failing_in_the_database_removes_stored_uploads():
    ProductFactory(sku="TAKEN")

    with pytest.raises(Conflict):
        product_create(data=_product_data(sku="TAKEN"), uploads=[image_upload()])

    assert _stored_files() == []


def test_product_update_changes_only_given_fields_and_keeps_slug():
    product = ProductFactory(name="Old", slug="old", quantity=5)

    product_update(product=product, data={"name": "New", "price": Decimal("9.99")})

    product.refresh_from_db()
    assert (product.name, product.slug, product.price, product.quantity) == ("New", "old", Decimal("9.99"), 5)


def test_product_update_to_taken_slug_is_conflict():
    ProductFactory(slug="taken")
    product = ProductFactory()

    with pytest.raises(Conflict) as error:
        product_update(product=product, data={"slug": "taken"})

    assert error.value.field == "slug"


def test_product_update_replaces_categories_only_when_given():
    old, new = CategoryFactory(), CategoryFactory()
    product = ProductFactory(categories=[old])

    product_update(product=product, data={"quantity": 1})
    assert list(product.categories.all()) == [old]

    product_update(product=product, data={"category_ids": [new.pk]})
    assert list(product.categories.all()) == [new]


def test_product_update_removes_images_from_storage_on_commit(django_capture_on_commit_callbacks):
    product = product_create(data=_product_data(), uploads=[image_upload(), image_upload()])
    first, second = product.images.all()

    with django_capture_on_commit_callbacks(execute=True):
        product_update(product=product, data={}, removed_image_urls=[first.url], uploads=[image_upload()])

    product.refresh_from_db()
    urls = list(product.images.values_list("url", flat=True))
    assert first.url not in urls and second.url in urls and len(urls) == 2
    assert not default_storage.exists(first.public_id)
    assert default_storage.exists(second.public_id)
    # The cover was the removed image: the first remaining one replaces it.
    assert product.image_cover == second.url


def test_product_update_removing_a_foreign_url_is_invalid():
    product = ProductFactory()
    other = ProductImageFactory()

    with pytest.raises(InvalidInput) as error:
        product_update(product=product, data={}, removed_image_urls=[other.url])

    assert error.value.field == "removed_image_urls"
    assert ProductImage.objects.filter(pk=other.pk).exists()


@override_settings(PRODUCT_MAX_IMAGES=2)
def test_product_update_beyond_max_images_is_invalid_and_discards_uploads():
    product = ProductFactory()
    ProductImageFactory(product=product)
    ProductImageFactory(product=product)

    with pytest.raises(InvalidInput) as error:
        product_update(product=product, data={}, uploads=[image_upload()])

    assert error.value.field == "images"
    assert product.images.count() == 2
    assert _stored_files() == []


def test_product_update_with_image_list_replaces_the_gallery():
    product = ProductFactory()
    kept = ProductImageFactory(product=product, url="/media/kept.png")
    ProductImageFactory(product=product, url="/media/gone.png")

    product_update(product=product, data={"images": ["/media/kept.png", "https://cdn.example.com/new.png"]})

    assert list(product.images.values_list("url", flat=True)) == ["/media/kept.png", "https://cdn.example.com/new.png"]
    assert product.images.get(url="/media/kept.png").pk == kept.pk


def test_product_delete_removes_images_from_storage_and_keeps_order_lines(django_capture_on_commit_callbacks):
    from orders.tests.factories import OrderItemFactory

    product = product_create(data=_product_data(), uploads=[image_upload()])
    public_id = product.images.get().public_id
    line = OrderItemFactory(product=product)

    with django_capture_on_commit_callbacks(execute=True):
        product_delete(product=product)

    assert not Product.objects.exists()
    assert not default_storage.exists(public_id)
    line.refresh_from_db()
    assert line.product_id is None and line.product_name == product.name


# --- offers -----------------------------------------------------------------------


def _offer_data(product, **overrides) -> dict:
    now = timezone.now()
    return {
        "product_id": product.pk,
        "title": "Summer",
        "discount_percentage": Decimal("15"),
        "start_date": now,
        "end_date": now + timedelta(days=3),
        **overrides,
    }


def test_offer_create_stores_the_offer():
    product = ProductFactory()

    offer = offer_create(data=_offer_data(product))

    assert Offer.objects.get(pk=offer.pk).discount_percentage == Decimal("15")


@pytest.mark.parametrize("discount", [Decimal("0"), Decimal("-5"), Decimal("100.01")])
def test_offer_create_with_discount_outside_range_is_invalid(discount):
    with pytest.raises(InvalidInput) as error:
        offer_create(data=_offer_data(ProductFactory(), discount_percentage=discount))

    assert error.value.field == "discount_percentage"


def test_offer_create_accepts_a_full_discount():
    offer = offer_create(data=_offer_data(ProductFactory(), discount_percentage=Decimal("100")))

    assert offer.discount_percentage == Decimal("100")


def test_offer_create_ending_before_start_is_invalid():
    now = timezone.now()

    with pytest.raises(InvalidInput) as error:
        offer_create(data=_offer_data(ProductFactory(), start_date=now, end_date=now - timedelta(seconds=1)))

    assert error.value.field == "end_date"


def test_offer_create_for_unknown_product_is_not_found():
    with pytest.raises(NotFound) as error:
        offer_create(data=_offer_data(ProductFactory.build(pk=999)))

    assert error.value.message == "Product not found"


def test_offer_update_checks_rules_on_the_result():
    offer = OfferFactory()

    with pytest.raises(InvalidInput):
        offer_update(offer=offer, data={"end_date": offer.start_date - timedelta(days=1)})

    offer_update(offer=offer, data={"title": "Renamed"})
    offer.refresh_from_db()
    assert offer.title == "Renamed"


def test_offer_delete_removes_it():
    offer = OfferFactory()

    offer_delete(offer=offer)

    assert not Offer.objects.exists()


# --- reviews ----------------------------------------------------------------------


def test_review_create_updates_product_rating():
    product = ProductFactory()

    review_create(user=UserFactory(), product=product, rating=5)
    review_create(user=UserFactory(), product=product, rating=4)
    review_create(user=UserFactory(), product=product, rating=4)

    product.refresh_from_db()
    assert product.rating_count == 3
    assert product.rating_average == Decimal("4.33")


def test_second_review_by_the_same_user_is_conflict():
    user, product = UserFactory(), ProductFactory()
    review_create(user=user, product=product, rating=5)

    with pytest.raises(Conflict):
        review_create(user=user, product=product, rating=1)

    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (1, Decimal("5.00"))


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_review_rating_outside_1_to_5_is_invalid(rating):
    with pytest.raises(InvalidInput) as error:
        review_create(user=UserFactory(), product=ProductFactory(), rating=rating)

    assert error.value.field == "rating"
    assert not Review.objects.exists()


def test_review_delete_refreshes_product_rating():
    product = ProductFactory()
    first = review_create(user=UserFactory(), product=product, rating=2)
    second = review_create(user=UserFactory(), product=product, rating=4)

    review_delete(review=first)
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (1, Decimal("4.00"))

    review_delete(review=second)
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (0, None)


def test_review_refresh_counts_reviews_made_outside_the_service():
    product = ProductFactory()
    ReviewFactory(product=product, rating=1)

    review_create(user=UserFactory(), product=product, rating=5)

    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (2, Decimal("3.00"))


def test_product_ratings_refresh_after_a_bulk_delete_of_reviews():
    user = UserFactory()
    first, second = ProductFactory(), ProductFactory()
    review_create(user=user, product=first, rating=1)
    review_create(user=user, product=second, rating=2)
    review_create(user=UserFactory(), product=second, rating=4)

    Review.objects.filter(user=user).delete()
    product_ratings_refresh(product_ids=[second.pk, first.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rating_count, first.rating_average) == (0, None)
    assert (second.rating_count, second.rating_average) == (1, Decimal("4.00"))


def test_product_gallery_extend_appends_stored_files_after_the_last_position_and_sets_a_missing_cover():
    product = ProductFactory(image_cover="")
    ProductImageFactory(product=product, url="/media/old.png", position=5)
    stored = [image_store(upload=image_upload(), folder="products") for _ in range(2)]

    added = product_gallery_extend(product=product, stored=stored)

    assert [(image.position, image.public_id) for image in added] == [
        (6, stored[0].public_id),
        (7, stored[1].public_id),
    ]
    product.refresh_from_db()
    assert product.image_cover == stored[0].secure_url
    assert product.images.count() == 3


def test_product_gallery_extend_past_the_limit_is_invalid_and_adds_nothing(settings):
    settings.PRODUCT_MAX_IMAGES = 2
    product = ProductFactory(image_cover="/media/cover.png")
    ProductImageFactory(product=product)
    stored = [image_store(upload=image_upload(), folder="products") for _ in range(2)]

    with pytest.raises(InvalidInput):
        product_gallery_extend(product=product, stored=stored)

    assert product.images.count() == 1
    product.refresh_from_db()
    assert product.image_cover == "/media/cover.png"
