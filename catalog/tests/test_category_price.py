"""The link rows' copy of the product price (ProductCategoryPrice) stays equal to it on every write path.

The category filter joins on that equality: a copy out of step would hide the product from
its category's list, which is what each test looks at, with the stored copy.
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.filters import ProductFilter
from catalog.models import Product, ProductCategoryPrice
from catalog.selectors import product_list
from catalog.services.product_import import product_import
from catalog.services.products import product_create, product_update
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.test_admin import _product_form

pytestmark = pytest.mark.django_db


def _copies(product: Product) -> dict[int, Decimal]:
    return dict(ProductCategoryPrice.objects.filter(product=product).values_list("category_id", "price"))


def _listed(client, category, sort: str = "price_asc") -> list[tuple[str, str]]:
    response = client.get("/api/products", {"category": category.slug, "sort": sort})
    assert response.status_code == 200
    return [(row["name"], row["price"]) for row in response.json()["results"]]


def test_product_created_by_the_service_is_listed_in_its_categories(client):
    lamps, sale = CategoryFactory(slug="lamps"), CategoryFactory(slug="sale")

    product = product_create(
        data={"name": "Lamp", "price": Decimal("12.50"), "quantity": 1, "category_ids": [lamps.pk, sale.pk]}
    )

    assert _copies(product) == {lamps.pk: Decimal("12.50"), sale.pk: Decimal("12.50")}
    assert _listed(client, lamps) == _listed(client, sale) == [("Lamp", "12.50")]


def test_price_changed_by_the_service_moves_the_product_in_its_category_price_order(client):
    lamps = CategoryFactory(slug="lamps")
    cheap = product_create(data={"name": "Cheap", "price": Decimal("5"), "quantity": 1, "category_ids": [lamps.pk]})
    product_create(data={"name": "Middle", "price": Decimal("10"), "quantity": 1, "category_ids": [lamps.pk]})

    product_update(product=cheap, data={"price": Decimal("20")})

    assert _copies(cheap) == {lamps.pk: Decimal("20.00")}
    assert _listed(client, lamps) == [("Middle", "10.00"), ("Cheap", "20.00")]
    assert _listed(client, lamps, sort="price_desc") == [("Cheap", "20.00"), ("Middle", "10.00")]


def test_categories_and_price_changed_together_by_the_service(client):
    lamps, sale = CategoryFactory(slug="lamps"), CategoryFactory(slug="sale")
    product = product_create(data={"name": "Lamp", "price": Decimal("5"), "quantity": 1, "category_ids": [lamps.pk]})

    product_update(product=product, data={"price": Decimal("7.25"), "category_ids": [sale.pk]})

    assert _copies(product) == {sale.pk: Decimal("7.25")}
    assert _listed(client, sale) == [("Lamp", "7.25")]
    assert _listed(client, lamps) == []


def test_product_added_and_repriced_in_the_admin(admin_client, client):
    lamps = CategoryFactory(slug="lamps")
    admin_client.post(reverse("admin:catalog_product_add"), _product_form(categories=[lamps.pk]))
    product = Product.objects.get(name="Lamp")
    assert _copies(product) == {lamps.pk: Decimal("10.00")}

    response = admin_client.post(
        reverse("admin:catalog_product_change", args=[product.pk]),
        _product_form(price="31.00", slug=product.slug, categories=[lamps.pk]),
    )

    assert response.status_code == 302
    assert _copies(product) == {lamps.pk: Decimal("31.00")}
    assert _listed(client, lamps) == [("Lamp", "31.00")]


def test_products_created_and_repriced_by_the_importer(client):
    header = "name,sku,price,quantity,category\n"
    first = f"{header}Lamp,L-1,4.00,1,Lamps\nDesk,D-1,9.00,1,Lamps\n"
    product_import(file=io.BytesIO(first.encode()), filename="a.csv")
    lamps = Product.objects.get(sku="L-1").categories.get()
    assert _listed(client, lamps) == [("Lamp", "4.00"), ("Desk", "9.00")]

    product_import(file=io.BytesIO(f"{header}Lamp,L-1,14.00,1,Lamps\n".encode()), filename="b.csv")

    assert _copies(Product.objects.get(sku="L-1")) == {lamps.pk: Decimal("14.00")}
    assert _listed(client, lamps) == [("Desk", "9.00"), ("Lamp", "14.00")]


def test_bulk_price_update_and_links_added_directly_keep_the_copy():
    lamps = CategoryFactory(slug="lamps")
    products = ProductFactory.create_batch(3, price=Decimal("3"))
    # As the importer and the benchmark fill do: links inserted without a price.
    Product.categories.through.objects.bulk_create(
        [Product.categories.through(product_id=product.pk, category_id=lamps.pk) for product in products]
    )

    Product.objects.filter(pk=products[0].pk).update(price=Decimal("8.40"))

    listed = ProductFilter({"category": "lamps", "sort": "price_desc"}, queryset=product_list()).qs
    assert [(p.pk, p.price) for p in listed] == [
        (products[0].pk, Decimal("8.40")),
        *((product.pk, Decimal("3.00")) for product in sorted(products[1:], key=lambda p: -p.pk)),
    ]
