"""Product export in the import's own format, so an export re-imports as it is.

Products are read in primary-key order a chunk at a time (keyset pagination, four
queries per chunk), which keeps memory flat and lets the CSV stream to the client.
Each product has one row per active variant, its own columns repeated on each; the
`quantity` column holds the product's total, for reading (the import takes the
variants' counts).
"""

import csv
from collections.abc import Iterator
from typing import BinaryIO

from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.product_fields import FILE_COLUMNS, FILE_PRODUCT_COLUMNS, FILE_VARIANT_COLUMNS
from catalog.services.product_import_rows import LIST_SEPARATOR, formula_guard

EXPORT_CHUNK_SIZE = 2000
# The variant columns' fields, in their file order; the columns before them are the product's.
_VARIANT_FIELDS = ("sku", "size", "color", "price", "quantity")
_PRODUCT_CELLS = FILE_COLUMNS[: -len(FILE_VARIANT_COLUMNS)]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value) -> str:
    """Text behind the formula guard; numbers (a price, a quantity) as they are, never guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return formula_guard(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, str):
        return formula_guard(value)
    return str(value)


def product_export_rows(*, chunk_size: int = EXPORT_CHUNK_SIZE) -> Iterator[tuple[bool, list]]:
    """(first row of its product?, the row's values): one row per active variant of every product
    (disabled ones included), in id order, without the header. A product without active variants
    has one row with empty variant cells."""
    category_names = dict(Category.objects.values_list("id", "name"))
    through = Product.categories.through
    last_id = 0
    while True:
        products = list(
            Product.objects.filter(pk__gt=last_id).order_by("pk").values("id", *FILE_PRODUCT_COLUMNS)[:chunk_size]
        )
        if not products:
            return
        ids = [product["id"] for product in products]
        categories: dict[int, list[str]] = {}
        for product_id, category_id in through.objects.filter(product_id__in=ids).values_list(
            "product_id", "category_id"
        ):
            categories.setdefault(product_id, []).append(category_names[category_id])
        images: dict[int, list[str]] = {}
        for product_id, url in (
            ProductImage.objects.filter(product_id__in=ids)
            .order_by("product_id", "position", "id")
            .values_list("product_id", "url")
        ):
            images.setdefault(product_id, []).append(url)
        variants: dict[int, list[tuple]] = {}
        for product_id, *values in (
            ProductVariant.objects.filter(product_id__in=ids, is_active=True)
            .order_by("product_id", "id")
            .values_list("product_id", *_VARIANT_FIELDS)
        ):
            variants.setdefault(product_id, []).append(tuple(values))
        for product in products:
            product["category"] = sorted(categories.get(product["id"], []))
            product["images"] = images.get(product["id"], [])
            cells = [product[column] for column in _PRODUCT_CELLS]
            for position, variant in enumerate(variants.get(product["id"]) or [(None,) * len(_VARIANT_FIELDS)]):
                yield position == 0, [*cells, *variant]
        last_id = ids[-1]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def product_export_csv_chunks() -> Iterator[bytes]:
    """The catalog as UTF-8 CSV, one encoded line at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(FILE_COLUMNS).encode("utf-8")
    for _first, row in product_export_rows():
        yield writer.writerow([_cell(value) for value in row]).encode("utf-8")


def product_export_csv(*, stream) -> int:
    """Write the catalog as CSV to a text stream; returns the number of products written."""
    writer = csv.writer(stream)
    writer.writerow(FILE_COLUMNS)
    count = 0
    for first, row in product_export_rows():
        writer.writerow([_cell(value) for value in row])
        count += first
    return count


def product_export_xlsx(*, stream: BinaryIO) -> int:
    """Write the catalog as an XLSX workbook to a binary stream; returns the number of products written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("products")
    sheet.append(FILE_COLUMNS)
    count = 0
    for first, row in product_export_rows():
        sheet.append([_xlsx_value(sheet, value, WriteOnlyCell) for value in row])
        count += first
    workbook.save(stream)
    return count


def _xlsx_value(sheet, value, cell_class):
    """Numbers and booleans stay typed for spreadsheet users; text and lists are written as in CSV."""
    if isinstance(value, list | str):
        # Guarded, no text starts with "=", which openpyxl would store as a formula; typed as text anyway.
        cell = cell_class(sheet, value=_cell(value))
        cell.data_type = "s"
        return cell
    return value
