"""Spreadsheets as an attacker shapes them: formulas planted in product text, zip bombs, absurdly wide files."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from catalog.models import Product
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PLANTED = {
    "name": '=HYPERLINK("http://evil.example","x")',
    "description": "+cmd|' /C calc'!A0",
    "sku": "-2+3",
    "description_full": "@SUM(1+1)*cmd|' /C calc'!A0",
    "colors": ["=red", "blue"],
    "sizes": ["+XL"],
    "materials": ["'=already quoted"],
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _export(staff_client, export_format: str) -> bytes:
    response = staff_client.get(f"/api/products/export?format={export_format}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _import(staff_client, content: bytes, name: str):
    return staff_client.post("/api/products/import", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def _planted_product() -> Product:
    return ProductFactory(**PLANTED, price=Decimal("19.90"), quantity=4)


def _stored(product: Product) -> dict:
    product.refresh_from_db()
    return {field: getattr(product, field) for field in PLANTED} | {"price": product.price}


def test_csv_export_neutralises_every_cell_a_spreadsheet_would_run_and_keeps_numbers_as_numbers(staff_client):
    _planted_product()

    header, row = list(csv.reader(io.StringIO(_export(staff_client, "csv").decode())))
    cells = dict(zip(header, row, strict=True))

    assert cells["name"] == "'" + PLANTED["name"]
    assert cells["description"] == "'" + PLANTED["description"]
    assert cells["sku"] == "'-2+3"
    assert cells["colors"] == "'=red|blue"
    assert cells["sizes"] == "'+XL"
    assert cells["materials"] == "''=already quoted"
    assert not any(cell.startswith(TRIGGERS) for cell in row)
    assert (cells["price"], cells["quantity"]) == ("19.90", "4")


def test_csv_export_neutralises_cells_starting_with_a_tab_or_a_carriage_return(staff_client):
    ProductFactory(name="\tTabbed", description="\rReturned")

    header, row = list(csv.reader(io.StringIO(_export(staff_client, "csv").decode())))
    cells = dict(zip(header, row, strict=True))

    assert (cells["name"], cells["description"]) == ("'\tTabbed", "'\rReturned")


def test_xlsx_export_neutralises_text_cells_and_keeps_numbers_typed(staff_client):
    _planted_product()

    sheet = load_workbook(io.BytesIO(_export(staff_client, "xlsx"))).worksheets[0]
    header, row = list(sheet.iter_rows())
    cells = {title.value: cell for title, cell in zip(header, row, strict=True)}

    assert cells["name"].value == "'" + PLANTED["name"]
    assert cells["name"].data_type == "s"
    assert not any(isinstance(cell.value, str) and cell.value.startswith(TRIGGERS) for cell in row)
    assert cells["price"].value == 19.9
    assert cells["quantity"].value == 4


@pytest.mark.parametrize(("export_format", "name"), [("csv", "products.csv"), ("xlsx", "products.xlsx")])
def test_a_neutralised_export_reimports_as_the_same_catalog(staff_client, export_format, name):
    product = _planted_product()
    original = _stored(product)
    exported = _export(staff_client, export_format)

    # Into the same catalog: nothing to change.
    again = _import(staff_client, exported, name)
    # Into an empty one: the very same values, quotes taken off.
    Product.objects.all().delete()
    fresh = _import(staff_client, exported, name)

    assert again.status_code == 200
    assert (again.json()["unchanged"], again.json()["errors"]) == (1, [])
    assert fresh.status_code == 200
    assert (fresh.json()["created"], fresh.json()["errors"]) == (1, [])
    assert _stored(Product.objects.get()) == original


def test_a_negative_price_is_a_number_the_import_refuses_not_text(staff_client):
    response = _import(staff_client, b"name,price\nLamp,-5\n", "products.csv")

    assert response.status_code == 200
    assert response.json()["errors"] == [{"row": 2, "field": "price", "error": "Must be zero or more."}]
    assert not Product.objects.exists()


# --- XLSX zip bombs -------------------------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_part(xlsx: bytes, part: str, content: bytes, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """`xlsx` with `part` replaced (or added), as an attacker rebuilds the zip."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != part:
                target.writestr(member, source.read(member))
        target.writestr(part, content, compress_type=compression)
    return buffer.getvalue()


def test_xlsx_whose_shared_strings_expand_a_thousandfold_is_refused_before_parsing(staff_client):
    # 1M shared strings in a few dozen KB: what cost a worker 10 s of CPU and 140 MB.
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>a</t></si>" * 1_000_000 + b"</sst>"
    bomb = _with_part(_xlsx([["name", "price"], ["Lamp", 10]]), "xl/sharedStrings.xml", strings)
    assert len(bomb) < 200_000

    response = _import(staff_client, bomb, "products.xlsx")

    assert response.status_code == 400
    assert response.json() == {
        "error": "The XLSX part xl/sharedStrings.xml is compressed suspiciously well.",
        "code": "invalid",
        "field": "file",
    }
    assert not Product.objects.exists()


def test_xlsx_expanding_past_the_uncompressed_limit_is_413(staff_client, settings):
    settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB = 1
    padded = _with_part(
        _xlsx([["name", "price"], ["Lamp", 10]]), "xl/media/padding.bin", bytes(range(256)) * 5000, zipfile.ZIP_STORED
    )

    response = _import(staff_client, padded, "products.xlsx")

    assert response.status_code == 413
    assert response.json() == {
        "error": "The XLSX file expands to more than 1 MB.",
        "code": "file_too_large",
        "field": "file",
    }
    assert not Product.objects.exists()


def test_an_ordinary_xlsx_passes_the_expansion_checks(staff_client):
    rows = [["name", "price", "description"]] + [[f"Lamp {n}", 10, "Brass, " * 20] for n in range(500)]

    response = _import(staff_client, _xlsx(rows), "products.xlsx")

    assert response.status_code == 200
    assert response.json()["created"] == 500


# --- Width and error reports ------------------------------------------------------


def test_a_million_column_csv_gets_a_short_error_and_nothing_is_written(staff_client, settings):
    # The synchronous answer is under test: files past PRODUCT_IMPORT_SYNC_MAX_MB become jobs.
    settings.PRODUCT_IMPORT_SYNC_MAX_MB = 100
    header = ",".join(["name", "price", *[f"c{n}" for n in range(1_000_000)]])

    response = _import(staff_client, f"{header}\nLamp,10\n".encode(), "products.csv")

    assert response.status_code == 400
    assert response.json() == {
        "error": "The file has 1000002 columns; at most 100.",
        "code": "invalid",
        "field": "file",
    }
    assert not Product.objects.exists()


def test_a_data_row_wider_than_the_cap_refuses_the_file_before_anything_is_written(staff_client):
    content = b"name,price\nLamp,10\nVase,12" + b",x" * 200 + b"\n"

    response = _import(staff_client, content, "products.csv")

    assert response.status_code == 400
    assert response.json()["error"] == "The file has 202 columns; at most 100."
    assert not Product.objects.exists()


def test_unknown_columns_are_named_briefly(staff_client):
    header = ",".join(["name", "price", *[f"wrong_column_{n}" * 10 for n in range(50)]])

    response = _import(staff_client, f"{header}\nLamp,10\n".encode(), "products.csv")

    assert response.status_code == 400
    assert len(json.dumps(response.json())) < 1000
    assert response.json()["error"].startswith("Unknown columns: wrong_column_0")
    assert response.json()["error"].endswith(", ....")


def test_the_error_report_lists_the_first_errors_and_counts_the_rest(staff_client, settings):
    settings.IMPORT_MAX_ERRORS = 5
    rows = "".join(f"Lamp {n},not-a-price\n" for n in range(20))

    response = _import(staff_client, f"name,price\nGood lamp,10\n{rows}".encode(), "products.csv")

    body = response.json()
    assert response.status_code == 200
    assert [error["row"] for error in body["errors"]] == [3, 4, 5, 6, 7]
    assert body["errors_omitted"] == 15
    assert body["created"] == 1
