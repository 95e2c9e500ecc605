"""Import and export with variants, and the stock rule: an import never brings back units sold since the export."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from catalog.models import Product, ProductVariant, StockAdjustment
from catalog.product_fields import FILE_COLUMNS
from catalog.services.product_export import product_export_csv
from catalog.services.product_import import product_import
from catalog.tests.factories import ProductFactory, ProductVariantFactory
from conftest import SHIPPING

pytestmark = pytest.mark.django_db

VARIANT_HEADER = "name,sku,price,quantity,variant_sku,size,color,variant_price,variant_quantity"


def _export() -> list[dict]:
    text = io.StringIO(newline="")
    product_export_csv(stream=text)
    return list(csv.DictReader(io.StringIO(text.getvalue())))


def _file(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FILE_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _import(content: bytes, **options):
    return product_import(file=io.BytesIO(content), filename="products.csv", **options)


def _lines(*lines: str, header: str = VARIANT_HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _stock(product: Product) -> tuple[int, list[int]]:
    product.refresh_from_db()
    return product.quantity, list(
        product.variants.filter(is_active=True).order_by("pk").values_list("quantity", flat=True)
    )


# --- The operator's scenario (issue 11) ---------------------------------------------


@pytest.fixture
def exported_then_sold(staff_client, customer_client):
    """A product with 10 units is created and exported; then 3 are sold through the order API."""
    response = staff_client.post(
        "/api/products", {"name": "Mug", "sku": "MUG-1", "price": "10.00", "quantity": 10}, format="json"
    )
    assert response.status_code == 201
    product = Product.objects.get(pk=response.json()["id"])
    rows = _export()
    order = customer_client.post(
        "/api/orders", {"items": [{"product_id": product.pk, "quantity": 3}], "shipping": SHIPPING}, format="json"
    )
    assert order.status_code == 201
    assert _stock(product) == (7, [7])
    # Only a price is changed in the exported file.
    rows[0]["price"] = "12.00"
    return product, _file(rows)


def test_an_old_export_edited_for_a_price_keeps_the_units_sold_since(exported_then_sold, tmp_path):
    product, content = exported_then_sold
    path = tmp_path / "products.csv"
    path.write_bytes(content)
    out = io.StringIO()

    call_command("import_products", str(path), stdout=out, stderr=io.StringIO())

    assert "0 created, 1 updated, 0 unchanged, 1 stock counts left alone, 0 errors." in out.getvalue()
    assert _stock(product) == (7, [7])
    assert product.price == Decimal("12.00")


def test_set_stock_takes_the_files_count_through_the_stock_service(exported_then_sold, tmp_path):
    product, content = exported_then_sold
    path = tmp_path / "products.csv"
    path.write_bytes(content)

    call_command("import_products", str(path), "--set-stock", stdout=io.StringIO(), stderr=io.StringIO())

    assert _stock(product) == (10, [10])
    adjustment = StockAdjustment.objects.get(variant__product=product, reason="import")
    assert (adjustment.delta, adjustment.quantity_after) == (3, 10)


def test_the_api_import_leaves_stock_alone_unless_set_stock_is_true(exported_then_sold, staff_client):
    product, content = exported_then_sold

    kept = staff_client.post(
        "/api/products/import", {"file": SimpleUploadedFile("p.csv", content)}, format="multipart"
    ).json()
    assert (kept["updated"], kept["stock_left_alone"], _stock(product)) == (1, 1, (7, [7]))

    counted = staff_client.post(
        "/api/products/import", {"file": SimpleUploadedFile("p.csv", content), "set_stock": "true"}, format="multipart"
    ).json()
    assert (counted["stock_left_alone"], _stock(product)) == (0, (10, [10]))
    assert StockAdjustment.objects.get(reason="import").actor.is_staff


def test_the_async_import_job_passes_set_stock_on(exported_then_sold, staff_client, django_capture_on_commit_callbacks):
    product, content = exported_then_sold

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/api/products/import?async=true",
            {"file": SimpleUploadedFile("p.csv", content), "set_stock": "true"},
            format="multipart",
        )

    assert response.status_code == 202
    job = staff_client.get(f"/api/jobs/{response.json()['job_id']}").json()
    assert job["status"] == "succeeded"
    assert job["result"]["stock_left_alone"] == 0
    assert _stock(product) == (10, [10])


# --- Old one-row files -------------------------------------------------------------


def test_an_old_one_row_file_creates_products_with_their_stock_in_a_default_variant():
    report = _import(b"name,sku,price,quantity,sizes\nTee,T-1,10,4,S|M\n")

    product = Product.objects.get(sku="T-1")
    assert (report.created, report.errors) == (1, [])
    assert _stock(product) == (4, [4])
    assert product.variants.get().is_default
    assert product.sizes == ["S", "M"]


def test_an_old_file_counts_only_the_stock_values_that_differ_as_left_alone():
    ProductFactory(sku="A", name="A", price=Decimal("1.00"), quantity=5)
    ProductFactory(sku="B", name="B", price=Decimal("1.00"), quantity=5)

    report = _import(b"name,sku,price,quantity\nA,A,1,5\nB,B,1,9\n")

    assert (report.unchanged, report.stock_left_alone) == (2, 1)


def test_set_stock_with_an_old_file_on_a_product_with_several_variants_is_a_row_error():
    product = ProductFactory(sku="TEE", quantity=0)
    ProductVariantFactory(product=product, size="M", quantity=4)

    report = _import(b"name,sku,price,quantity\nTee,TEE,1,9\n", set_stock=True)

    assert report.errors == [
        {
            "row": 2,
            "field": "quantity",
            "error": "This product has several variants: set their stock with the variant columns.",
        }
    ]


# --- Files with variant columns ----------------------------------------------------


def test_rows_of_one_product_become_its_variants():
    content = _lines(
        "Tee,TEE,20,,TEE-S-RED,S,Red,,3",
        "Tee,TEE,20,,TEE-M-RED,M,Red,22.50,5",
        "Cap,,8,,,,,,2",
        "Sock,,4,,,One,,,",
    )

    report = _import(content)

    assert (report.created, report.errors) == (3, [])
    tee = Product.objects.get(sku="TEE")
    assert list(tee.variants.values_list("sku", "size", "color", "price", "quantity")) == [
        ("TEE-S-RED", "S", "Red", None, 3),
        ("TEE-M-RED", "M", "Red", Decimal("22.50"), 5),
    ]
    assert (tee.quantity, tee.sizes, tee.colors) == (8, ["S", "M"], ["Red"])
    cap = Product.objects.get(name="Cap")
    assert _stock(cap) == (2, [2]) and cap.variants.get().is_default
    assert _stock(Product.objects.get(name="Sock")) == (0, [0])


def test_a_multi_variant_catalog_round_trips_through_export_and_import():
    tee = ProductFactory(name="Tee", sku="TEE", price=Decimal("20.00"), quantity=0, colors=["Red"], sizes=["S", "M"])
    tee.variants.all().delete()
    ProductVariantFactory(product=tee, sku="TEE-S", size="S", color="Red", quantity=3)
    ProductVariantFactory(product=tee, sku=None, size="M", color="Red", price=Decimal("22.00"), quantity=5)
    Product.objects.filter(pk=tee.pk).update(quantity=8)
    ProductFactory(name="Mug", sku="MUG", quantity=4)
    rows = _export()
    assert [(row["name"], row["size"], row["variant_quantity"]) for row in rows] == [
        ("Tee", "S", "3"),
        ("Tee", "M", "5"),
        ("Mug", "", "4"),
    ]
    stored = {
        product.sku: (
            product.quantity,
            product.sizes,
            product.colors,
            list(product.variants.values_list("sku", "size", "color", "price", "quantity")),
        )
        for product in Product.objects.all()
    }

    again = _import(_file(rows))
    assert (again.unchanged, again.updated, again.stock_left_alone) == (2, 0, 0)
    Product.objects.all().delete()
    fresh = _import(_file(rows))

    assert (fresh.created, fresh.errors) == (2, [])
    assert {
        product.sku: (
            product.quantity,
            product.sizes,
            product.colors,
            list(product.variants.values_list("sku", "size", "color", "price", "quantity")),
        )
        for product in Product.objects.all()
    } == stored


def test_variant_rows_update_stored_variants_and_add_new_ones_without_touching_their_stock():
    tee = ProductFactory(sku="TEE", quantity=0)
    tee.variants.all().delete()
    small = ProductVariantFactory(product=tee, sku="TEE-S", size="S", color="Red", quantity=3)
    Product.objects.filter(pk=tee.pk).update(quantity=3, sizes=["S"], colors=["Red"])

    report = _import(_lines("Tee,TEE,20,,TEE-S,S,Red,19.00,50", "Tee,TEE,20,,,L,Red,,6"))

    assert report.errors == []
    assert (report.updated, report.stock_left_alone) == (1, 1)
    small.refresh_from_db()
    assert (small.price, small.quantity) == (Decimal("19.00"), 3)
    assert _stock(tee) == (9, [3, 6])
    tee.refresh_from_db()
    assert tee.sizes == ["S", "L"]


def test_the_first_variant_with_options_replaces_a_stored_default_variant():
    mug = ProductFactory(sku="MUG", quantity=4)

    report = _import(_lines("Mug,MUG,5,,,,Blue,,2", "Mug,MUG,5,,,,Green,,1"))

    assert report.errors == []
    assert list(mug.variants.filter(is_active=True).values_list("color", "quantity")) == [("Blue", 2), ("Green", 1)]
    assert _stock(mug) == (3, [2, 1])


def test_variant_rows_in_error_are_reported_and_the_others_go_in():
    other = ProductFactory(sku="OTHER")
    ProductVariantFactory(product=other, sku="TAKEN", size="X")

    report = _import(
        _lines(
            "Tee,TEE,20,,,S,Red,,1",
            "Tee,TEE,20,,,s,red,,1",
            "Tee,TEE,21,,,M,Red,,1",
            "Tee,TEE,20,,TAKEN,L,Red,,1",
            "Tee,TEE,20,,,XL,Red,,x",
        )
    )

    assert [(error["row"], error["field"]) for error in report.errors] == [
        (3, "size"),
        (4, None),
        (5, "variant_sku"),
        (6, "variant_quantity"),
    ]
    assert list(Product.objects.get(sku="TEE").variants.values_list("size", flat=True)) == ["S"]


def test_rows_of_one_product_must_be_next_to_each_other():
    report = _import(_lines("Tee,TEE,20,,,S,,,1", "Cap,CAP,5,,,,,,1", "Tee,TEE,20,,,M,,,1"))

    assert report.errors == [
        {"row": 4, "field": "sku", "error": "Same SKU as row 2. The rows of one product must be next to each other."}
    ]
    assert Product.objects.get(sku="TEE").variants.count() == 1


def test_set_stock_sets_each_variants_count():
    tee = ProductFactory(sku="TEE", quantity=0)
    tee.variants.all().delete()
    ProductVariantFactory(product=tee, sku="TEE-S", size="S", quantity=3)
    ProductVariantFactory(product=tee, sku="TEE-M", size="M", quantity=3)
    Product.objects.filter(pk=tee.pk).update(quantity=6)

    report = _import(_lines("Tee,TEE,20,,TEE-S,S,,,10", "Tee,TEE,20,,TEE-M,M,,,"), set_stock=True)

    assert (report.errors, report.stock_left_alone) == ([], 0)
    assert _stock(tee) == (13, [10, 3])


def test_a_variant_sku_used_by_another_product_is_refused():
    ProductVariantFactory(product=ProductFactory(sku="A"), sku="SHARED", size="S")

    report = _import(_lines("New,NEW,1,,SHARED,S,,,1"))

    assert report.errors == [
        {"row": 2, "field": "variant_sku", "error": "Already used by a variant of another product."}
    ]
    assert not ProductVariant.objects.filter(product__sku="NEW").exists()
