import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from catalog.models import Category, Product, ProductImage
from catalog.product_fields import FILE_COLUMNS as COLUMNS
from catalog.product_fields import FILE_PRODUCT_COLUMNS
from catalog.services.product_export import product_export_csv, product_export_xlsx
from catalog.services.product_import import product_import
from catalog.tests.factories import CategoryFactory, ProductFactory, ProductImageFactory
from shop.errors import InvalidInput, UnsupportedMediaType

pytestmark = pytest.mark.django_db

HEADER = "name,slug,sku,price,quantity,category,colors,images,is_trending"


def _csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _import(content: bytes, filename: str = "products.csv", **options):
    return product_import(file=io.BytesIO(content), filename=filename, **options)


def _rows(records: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow(record)
    return buffer.getvalue().encode()


# --- Importer rules -------------------------------------------------------------


def test_import_creates_products_with_every_column():
    content = _rows(
        [
            {
                "name": "Linen Shirt",
                "slug": "linen-shirt",
                "sku": "LS-1",
                "description": "Light.",
                "description_full": "Light and airy.\nMachine washable.",
                "price": "49.90",
                "cost_price": "20",
                "quantity": "7",
                "category": "Shirts|Summer",
                "colors": "white| blue |white",
                "sizes": "S|M",
                "materials": "linen",
                "image_cover": "https://cdn.example.com/cover.jpg",
                "images": "https://cdn.example.com/1.jpg|/media/products/2.png",
                "is_trending": "yes",
                "is_disabled": "false",
            }
        ]
    )

    report = _import(content)

    assert (report.created, report.updated, report.errors) == (1, 0, [])
    product = Product.objects.get(sku="LS-1")
    assert product.name == "Linen Shirt"
    assert product.slug == "linen-shirt"
    assert product.description_full == "Light and airy.\nMachine washable."
    assert product.price == Decimal("49.90")
    assert product.cost_price == Decimal("20.00")
    assert product.quantity == 7
    assert product.colors == ["white", "blue"]
    assert product.sizes == ["S", "M"]
    assert product.materials == ["linen"]
    assert product.image_cover == "https://cdn.example.com/cover.jpg"
    assert product.is_trending is True
    assert product.is_disabled is False
    assert sorted(product.categories.values_list("name", flat=True)) == ["Shirts", "Summer"]
    assert list(product.images.values_list("url", "position")) == [
        ("https://cdn.example.com/1.jpg", 0),
        ("/media/products/2.png", 1),
    ]


def test_import_updates_the_product_with_the_same_sku_and_keeps_its_slug_and_its_stock():
    product = ProductFactory(name="Old", slug="kept-slug", sku="SKU-1", price=Decimal("5.00"), quantity=10)

    report = _import(_csv("New name,,SKU-1,9.50,3,,,,false"))

    assert (report.created, report.updated, report.stock_left_alone) == (0, 1, 1)
    product.refresh_from_db()
    assert (product.name, product.slug, product.price, product.quantity) == (
        "New name",
        "kept-slug",
        Decimal("9.50"),
        10,
    )


@pytest.mark.mysql_only
@pytest.mark.skipif(connection.vendor != "mysql", reason="MySQL's collation compares SKUs and slugs case-insensitively")
def test_sku_and_slug_match_whatever_their_case_on_mysql():
    product = ProductFactory(slug="blue-mug", sku="ABC-1")
    other = ProductFactory(slug="Red-Mug", sku=None)

    report = _import(_csv("Blue,,abc-1,10,1,,,,false", "Red,red-mug,,10,1,,,,false"))

    assert (report.created, report.updated, report.errors) == (0, 2, [])
    product.refresh_from_db()
    other.refresh_from_db()
    assert (product.name, product.sku) == ("Blue", "abc-1")
    assert (other.name, other.slug) == ("Red", "red-mug")


def test_import_updates_the_product_with_the_same_slug_when_the_sku_is_unknown_to_it():
    product = ProductFactory(slug="mug", sku=None)

    report = _import(_csv("Mug,mug,MUG-1,12,4,,,,false"))

    assert (report.created, report.updated) == (0, 1)
    product.refresh_from_db()
    assert (product.sku, product.price) == ("MUG-1", Decimal("12.00"))


def test_import_without_sku_or_slug_matches_the_slug_derived_from_the_name():
    product = ProductFactory(name="Blue Mug", slug="blue-mug")

    report = _import(_csv("Blue Mug,,,15,2,,,,false"))

    assert (report.created, report.updated) == (0, 1)
    product.refresh_from_db()
    assert product.price == Decimal("15.00")


def test_new_product_gets_a_unique_slug_generated_from_its_name():
    ProductFactory(name="Tee", slug="tee", sku="T-1")
    ProductFactory(name="Tee", slug="tee-2", sku="T-2")

    report = _import(_csv("Tee,,T-3,10,1,,,,false", "Tee,,T-4,10,1,,,,false"))

    assert report.created == 2
    assert Product.objects.get(sku="T-3").slug == "tee-3"
    assert Product.objects.get(sku="T-4").slug == "tee-4"


def test_missing_categories_are_created_once_and_existing_ones_found_by_name_or_slug():
    shoes = CategoryFactory(name="Shoes", slug="shoes-and-boots")

    report = _import(
        _csv(
            "A,,A-1,10,1,shoes|New Arrivals,,,false",
            "B,,B-1,10,1,shoes-and-boots|new arrivals,,,false",
        )
    )

    assert report.errors == []
    assert Category.objects.count() == 2
    arrivals = Category.objects.get(name="New Arrivals")
    assert arrivals.slug == "new-arrivals"
    for sku in ("A-1", "B-1"):
        assert set(Product.objects.get(sku=sku).categories.all()) == {shoes, arrivals}


def test_bad_rows_are_reported_with_line_field_and_reason_and_good_rows_still_go_in():
    content = _csv(
        "Good one,,G-1,10,1,,,,false",
        '"Two\nline name",,G-2,abc,1,,,,false',
        "No quantity,,G-3,10,-1,,,,false",
        ",,G-4,10,1,,,,false",
        "Bad image,,G-5,10,1,,,javascript:alert(1),maybe",
        "Good two,,G-6,10.5,2,,,,true",
    )

    report = _import(content)

    assert report.created == 2
    assert set(Product.objects.values_list("sku", flat=True)) == {"G-1", "G-6"}
    assert report.errors == [
        {"row": 3, "field": "price", "error": "Enter a number."},
        {"row": 5, "field": "quantity", "error": "Must be between 0 and 2147483647."},
        {"row": 6, "field": "name", "error": "This field is required."},
        {"row": 7, "field": "images", "error": "Enter an http(s) URL or a path starting with /."},
        {"row": 7, "field": "is_trending", "error": "Enter true or false."},
    ]


@pytest.mark.parametrize(
    ("price", "error"),
    [("-1", "Must be zero or more."), ("1.999", "At most 2 decimal places."), ("1e12", "Too large."), ("NaN", None)],
)
def test_out_of_range_prices_are_row_errors(price, error):
    report = _import(_csv(f"P,,P-1,{price},1,,,,false"))

    assert report.created == 0
    assert report.errors[0]["field"] == "price"
    assert error is None or report.errors[0]["error"] == error


def test_a_sku_or_slug_repeated_in_the_file_is_an_error_on_the_later_row():
    report = _import(_csv("A,,X-1,10,1,,,,false", "B,,X-1,11,1,,,,false", "Cup,,,1,1,,,,false", "Cup,,,2,1,,,,false"))

    assert report.created == 2
    assert report.errors == [
        {"row": 3, "field": "sku", "error": "Same SKU as row 2."},
        {"row": 5, "field": "name", "error": "Same slug as row 4; give each row its own sku or slug."},
    ]
    assert Product.objects.get(sku="X-1").name == "A"


def test_a_slug_owned_by_a_product_with_another_sku_is_refused():
    ProductFactory(slug="lamp", sku="L-1")

    report = _import(_csv("Lamp,lamp,L-2,10,1,,,,false"))

    assert report.created == 0
    assert report.errors == [{"row": 2, "field": "slug", "error": "Matches the product with SKU L-1, not L-2."}]


def test_dry_run_reports_what_would_happen_and_writes_nothing():
    existing = ProductFactory(sku="E-1", price=Decimal("1.00"))

    report = _import(_csv("E,,E-1,2,1,,,,false", "New,,N-1,3,1,Fresh,,https://x.test/a.jpg,false"), dry_run=True)

    assert (report.created, report.updated, report.dry_run) == (1, 1, True)
    assert Product.objects.count() == 1
    existing.refresh_from_db()
    assert existing.price == Decimal("1.00")
    assert not Category.objects.exists()
    assert not ProductImage.objects.exists()


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    content = _csv(
        "Tee,,T-1,10,1,Tops|Summer,red|blue,https://x.test/1.jpg|https://x.test/2.jpg,true",
        "Cup,,,4.5,0,Kitchen,,,false",
    )
    _import(content)
    before = list(Product.objects.order_by("pk").values())

    with CaptureQueriesContext(connection) as queries:
        report = _import(content)

    assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 2, [])
    assert list(Product.objects.order_by("pk").values()) == before
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_changed_categories_and_images_are_replaced_and_dropped_files_deleted_after_commit(
    django_capture_on_commit_callbacks, settings
):
    tops, sale = CategoryFactory(name="Tops"), CategoryFactory(name="Sale")
    product = ProductFactory(sku="T-1", name="Tee", price=Decimal("10.00"), quantity=1, categories=[tops, sale])
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "kept.png").write_bytes(b"k")
    (settings.MEDIA_ROOT / "dropped.png").write_bytes(b"d")
    ProductImageFactory(product=product, url="/media/kept.png", public_id="kept.png", position=1)
    ProductImageFactory(product=product, url="/media/dropped.png", public_id="dropped.png", position=0)

    with django_capture_on_commit_callbacks(execute=True):
        report = _import(_csv("Tee,,T-1,10,1,Tops,,/media/kept.png|https://x.test/new.jpg,false"))

    assert report.updated == 1
    assert list(product.categories.all()) == [tops]
    assert list(product.images.values_list("url", "public_id", "position")) == [
        ("/media/kept.png", "kept.png", 0),
        ("https://x.test/new.jpg", "", 1),
    ]
    assert (settings.MEDIA_ROOT / "kept.png").exists()
    assert not (settings.MEDIA_ROOT / "dropped.png").exists()


def test_columns_absent_from_the_file_are_left_alone_on_update():
    product = ProductFactory(sku="S-1", description="Keep me", quantity=9, colors=["red"])

    _import(b"sku,name,price\nS-1,Renamed,30\n")

    product.refresh_from_db()
    assert (product.name, product.description, product.quantity, product.colors) == ("Renamed", "Keep me", 9, ["red"])


def test_utf8_with_bom_is_read():
    report = _import("\ufeffname,price,quantity\nCafé crème,3,1\n".encode())

    assert report.created == 1
    assert Product.objects.get().slug == "cafe-creme"


def test_xlsx_rows_are_imported_with_typed_cells():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "SKU", "Price", "Quantity", "Category", "Is trending"])
    sheet.append(["Lamp", 12345, 19.99, 3, "Home", True])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Broken", "B-1", "free", 1, None, False])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = _import(buffer.getvalue(), filename="catalog.XLSX")

    assert report.created == 1
    assert report.errors == [{"row": 4, "field": "price", "error": "Enter a number."}]
    lamp = Product.objects.get()
    assert (lamp.sku, lamp.price, lamp.quantity, lamp.is_trending) == ("12345", Decimal("19.99"), 3, True)
    assert list(lamp.categories.values_list("name", flat=True)) == ["Home"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"name,price\n", "The file has no product rows."),
        (b"name,price,colour\nA,1,red\n", "Unknown columns: colour."),
        (b"name,quantity\nA,1\n", "Missing columns: price."),
        (b"name,price,name\nA,1,B\n", "Duplicated columns: name."),
        (b"name,price\n\xff\xfe,1\n", "The CSV file is not valid UTF-8."),
        (b'name,price\n"A"x,1\n', None),
    ],
)
def test_unreadable_files_are_refused_before_anything_is_written(content, message):
    with pytest.raises(InvalidInput) as raised:
        _import(content)

    assert message is None or raised.value.message == message
    assert not Product.objects.exists()


def test_damaged_xlsx_is_refused():
    with pytest.raises(InvalidInput):
        _import(b"PK\x03\x04 not really a zip", filename="products.xlsx")


def test_xlsx_whose_sheet_breaks_off_midway_is_refused_from_the_reading_thread():
    import zipfile

    workbook = Workbook()
    workbook.active.append(["name", "price"])
    for n in range(50):
        workbook.active.append([f"Product {n}", n])
    source = io.BytesIO()
    workbook.save(source)
    broken = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            copy.writestr(item, data)

    with pytest.raises(InvalidInput):
        _import(broken.getvalue(), filename="products.xlsx")

    assert not Product.objects.exists()


def test_other_file_types_are_refused():
    with pytest.raises(UnsupportedMediaType):
        _import(b"name,price\nA,1\n", filename="products.txt")


def test_a_row_the_database_refuses_is_reported_and_the_rest_of_its_batch_still_goes_in(monkeypatch):
    from catalog.services import product_import as importer

    real_insert = importer.rows_insert

    def refusing_insert(model, rows, **options):
        if model is Product and any(row["slug"] == "poison" for row in rows):
            raise IntegrityError("duplicate entry")
        real_insert(model, rows, **options)

    monkeypatch.setattr(importer, "rows_insert", refusing_insert)

    report = _import(_csv("A,,A-1,1,1,Cat,,,false", "Poison,,P-1,1,1,Cat,,,false", "B,,B-1,1,1,Cat,,,false"))

    assert report.created == 2
    assert report.errors == [{"row": 3, "field": None, "error": "The database refused this row (IntegrityError)."}]
    assert set(Product.objects.values_list("sku", "slug")) == {("A-1", "a"), ("B-1", "b")}
    assert Category.objects.get().products.count() == 2


def _queries_for(rows: int, batch_size: int) -> int:
    lines = [
        f"Product {n},,SKU-{n},{n}.50,{n},Cat {n % 3}|All,red|blue,https://x.test/{n}.jpg,false" for n in range(rows)
    ]
    with CaptureQueriesContext(connection) as queries:
        report = _import(_csv(*lines), batch_size=batch_size)
    assert report.created == rows
    return len(queries)


def test_queries_grow_with_batches_not_rows():
    counts = []
    for rows in (50, 300, 500):
        Product.objects.all().delete()
        Category.objects.all().delete()
        counts.append(_queries_for(rows, batch_size=100))
    one_batch, three_batches, five_batches = counts

    # Each further batch of 100 rows costs the same few queries, whatever is in it.
    per_batch = (five_batches - three_batches) / 2
    assert three_batches - one_batch == five_batches - three_batches
    assert per_batch <= 11
    assert five_batches <= one_batch + 4 * per_batch


# --- Commands -------------------------------------------------------------------


def test_import_command_imports_and_prints_a_summary_and_the_errors(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(_csv("Tee,,T-1,10,1,,,,false", "Bad,,T-2,x,1,,,,false"))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_products", str(path), "--batch-size", "1", stdout=out, stderr=err)

    assert "1 created, 0 updated, 0 unchanged, 0 stock counts left alone, 1 errors." in out.getvalue()
    assert "line 3 [price]: Enter a number." in err.getvalue()
    assert Product.objects.filter(sku="T-1").exists()


def test_import_command_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(_csv("Tee,,T-1,10,1,,,,false"))
    out = io.StringIO()

    call_command("import_products", str(path), "--dry-run", stdout=out, stderr=io.StringIO())

    assert "Dry run, nothing written: 1 created" in out.getvalue()
    assert not Product.objects.exists()


@pytest.mark.parametrize(("name", "content"), [("missing.csv", None), ("products.json", b"{}"), ("p.csv", b"")])
def test_import_command_fails_cleanly_on_a_file_it_cannot_use(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError):
        call_command("import_products", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_export_command_writes_csv_to_stdout_and_xlsx_to_a_file(tmp_path):
    ProductFactory(name="Tee", sku="T-1", colors=["red", "blue"])
    out = io.StringIO()

    call_command("export_products", stdout=out)
    call_command("export_products", "--output", str(tmp_path / "p.xlsx"), stdout=io.StringIO())

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(row["name"], row["sku"], row["colors"]) for row in rows] == [("Tee", "T-1", "red|blue")]
    sheet = load_workbook(tmp_path / "p.xlsx", read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert list(header) == list(COLUMNS)
    assert first[0] == "Tee"


@pytest.mark.parametrize("arguments", [["--format", "xlsx"], ["--output", "/nonexistent-dir/products.csv"]])
def test_export_command_fails_cleanly_without_a_usable_output(arguments):
    with pytest.raises(CommandError):
        call_command("export_products", *arguments, stdout=io.StringIO())


# --- Round trip -----------------------------------------------------------------


def _catalog() -> dict[str, dict]:
    products = {}
    for product in Product.objects.prefetch_related("categories", "images", "variants"):
        products[product.slug] = {
            **{column: getattr(product, column) for column in FILE_PRODUCT_COLUMNS},
            "category": sorted(category.name for category in product.categories.all()),
            "images": [image.url for image in product.images.all()],
            "variants": [
                (variant.sku, variant.size, variant.color, variant.price, variant.quantity, variant.is_active)
                for variant in product.variants.all()
            ],
        }
    return products


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_catalog(export_format):
    tops, sale = CategoryFactory(name="Tops"), CategoryFactory(name="Sale & Clearance")
    full = ProductFactory(
        name="=Formula-looking name",
        sku="00123",
        description="Short, with a comma",
        description_full='Long\nwith "quotes"',
        price=Decimal("19.99"),
        cost_price=Decimal("7.10"),
        quantity=12,
        colors=["red", "navy blue"],
        sizes=["S", "M"],
        materials=["cotton"],
        image_cover="https://cdn.example.com/c.jpg",
        is_trending=True,
        categories=[tops, sale],
    )
    ProductImageFactory(product=full, url="https://cdn.example.com/2.jpg", position=1)
    ProductImageFactory(product=full, url="https://cdn.example.com/1.jpg", position=0)
    ProductFactory(name="Bare", sku=None, cost_price=None, is_disabled=True, price=Decimal("0.00"), quantity=0)
    expected = _catalog()
    buffer = io.BytesIO()
    if export_format == "csv":
        text = io.StringIO(newline="")
        product_export_csv(stream=text)
        buffer.write(text.getvalue().encode())
    else:
        product_export_xlsx(stream=buffer)
    Product.objects.all().delete()
    Category.objects.all().delete()

    report = _import(buffer.getvalue(), filename=f"export.{export_format}")

    assert (report.created, report.errors) == (2, [])
    assert _catalog() == expected


# --- API ------------------------------------------------------------------------


def _upload(content: bytes, name: str = "products.csv") -> dict:
    return {"file": SimpleUploadedFile(name, content)}


def test_import_api_imports_and_returns_the_report(staff_client):
    response = staff_client.post(
        "/api/products/import", _upload(_csv("Tee,,T-1,10,1,Tops,,,false", "Bad,,T-2,,1,,,,false")), format="multipart"
    )

    assert response.status_code == 200
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "stock_left_alone": 0,
        "errors": [{"row": 3, "field": "price", "error": "This field is required."}],
        "errors_omitted": 0,
        "dry_run": False,
    }
    assert Product.objects.get().categories.get().name == "Tops"


def test_import_api_reads_xlsx(staff_client):
    workbook = Workbook()
    workbook.active.append(["name", "sku", "price", "quantity"])
    workbook.active.append(["Lamp", "L-1", 12.5, 2])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = staff_client.post("/api/products/import", _upload(buffer.getvalue(), "lamps.xlsx"), format="multipart")

    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert Product.objects.get(sku="L-1").price == Decimal("12.50")


def test_import_api_dry_run_writes_nothing(staff_client):
    response = staff_client.post(
        "/api/products/import/", {**_upload(_csv("Tee,,T-1,10,1,,,,false")), "dry_run": "true"}, format="multipart"
    )

    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert not Product.objects.exists()


def test_import_api_needs_staff(api_client, customer_client):
    anonymous = api_client.post("/api/products/import", _upload(_csv("A,,A,1,1,,,,false")), format="multipart")
    customer = customer_client.post("/api/products/import", _upload(_csv("A,,A,1,1,,,,false")), format="multipart")

    assert anonymous.status_code == 401
    assert customer.status_code == 403
    assert customer.json()["code"] == "permission_denied"
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("products.pdf", b"%PDF-1.4", 415, "unsupported_media_type"),
        ("products.csv", b"", 400, "invalid"),
        ("products.csv", b"name,price\n", 400, "invalid"),
        ("products.xlsx", b"this is no workbook", 400, "invalid"),
        ("products.csv", b"\x89PNG\r\n\x1a\n\x00\xff", 400, "invalid"),
    ],
)
def test_import_api_refuses_files_it_cannot_read(staff_client, name, content, status, code):
    response = staff_client.post("/api/products/import", _upload(content, name), format="multipart")

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["field"] == "file"


def test_import_api_refuses_a_file_over_the_size_limit(staff_client, settings):
    settings.PRODUCT_IMPORT_MAX_MB = 1
    content = _csv(*[f"Product {n},,S-{n},1,1,,,,false" for n in range(40_000)])
    assert len(content) > 1024 * 1024

    response = staff_client.post("/api/products/import", _upload(content), format="multipart")

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not Product.objects.exists()


def test_import_api_without_a_file_or_as_json_is_refused(staff_client):
    missing = staff_client.post("/api/products/import", {"dry_run": "true"}, format="multipart")
    as_json = staff_client.post("/api/products/import", {"file": "name,price"}, format="json")

    assert (missing.status_code, missing.json()["field"]) == (400, "file")
    assert as_json.status_code == 415


def test_export_api_streams_csv_that_reimports(staff_client):
    ProductFactory(name="Tee", sku="T-1")

    response = staff_client.get("/api/products/export?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    content = b"".join(response.streaming_content)
    assert _import(content).unchanged == 1


def test_export_api_writes_xlsx(staff_client):
    ProductFactory(name="Tee", sku="T-1")

    response = staff_client.get("/api/products/export/", {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = b"".join(response.streaming_content)
    assert _import(content, filename="p.xlsx").unchanged == 1


def test_export_api_needs_staff_and_a_known_format(api_client, customer_client, staff_client):
    assert api_client.get("/api/products/export").status_code == 401
    assert customer_client.get("/api/products/export?format=csv").status_code == 403
    bad = staff_client.get("/api/products/export?format=pdf")
    assert bad.status_code == 400
    assert bad.json()["field"] == "format"
