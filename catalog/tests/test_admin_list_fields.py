"""Product sizes, colours and materials edited in the admin as one item per line, stored as JSON lists."""

import pytest
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def product_form(**fields) -> dict:
    return {
        "name": "Canvas Tote",
        "slug": "",
        "sku": "",
        "price": "10.00",
        "currency": "USD",
        "quantity": "2",
        "sizes": "",
        "colors": "",
        "materials": "",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "offers-TOTAL_FORMS": "0",
        "offers-INITIAL_FORMS": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
        **fields,
    }


def test_the_change_page_shows_each_item_on_its_own_line(admin_client):
    product = ProductFactory(sizes=["S", "M", "42,5"], colors=["Navy blue"])

    form = admin_client.get(reverse("admin:catalog_product_change", args=[product.pk])).context["adminform"].form

    assert form["sizes"].value() == "S\nM\n42,5"
    assert form["colors"].value() == "Navy blue"
    assert '<textarea name="sizes"' in str(form["sizes"])


def test_lines_are_stored_as_a_list_without_blanks_or_repeats(admin_client):
    data = product_form(sizes="S\r\n M \r\n\r\nS\r\n42,5", colors="Navy blue\nSand", materials="")

    response = admin_client.post(reverse("admin:catalog_product_add"), data)

    assert response.status_code == 302
    product = Product.objects.get(name="Canvas Tote")
    assert (product.sizes, product.colors, product.materials) == (["S", "M", "42,5"], ["Navy blue", "Sand"], [])


def test_an_edit_that_leaves_the_lists_alone_keeps_them(admin_client):
    product = ProductFactory(sizes=["S", "M"], colors=["Red"])
    url = reverse("admin:catalog_product_change", args=[product.pk])
    form = admin_client.get(url).context["adminform"].form
    data = product_form(
        name=product.name, slug=product.slug, sizes=form["sizes"].value(), colors=form["colors"].value(), price="12.00"
    )

    assert admin_client.post(url, data).status_code == 302

    product.refresh_from_db()
    assert (product.sizes, product.colors, str(product.price)) == (["S", "M"], ["Red"], "12.00")


@pytest.mark.parametrize(
    ("sizes", "error"),
    [("\n".join(f"S{n}" for n in range(51)), "At most 50 lines."), ("X" * 61, "At most 60 characters a line")],
)
def test_the_apis_limits_hold_in_the_admin_too(admin_client, sizes, error):
    response = admin_client.post(reverse("admin:catalog_product_add"), product_form(sizes=sizes))

    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors["sizes"])
    assert not Product.objects.filter(name="Canvas Tote").exists()
