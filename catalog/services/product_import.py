"""Product import from CSV or XLSX: the one importer behind `import_products` and `POST /api/products/import`.

Rows are parsed and validated in plain Python (a serializer per row would cost more
than the database work), then written a batch at a time: one lookup of the stored
products the batch touches, `bulk_create` for new products, `bulk_update` for changed
ones, and bulk writes of their category links and images. A row identical to what is
stored is skipped, so importing the same file twice changes nothing the second time.
"""

import csv
import io
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from catalog.models import Category, Product, ProductImage
from shop.errors import InvalidInput, UnsupportedMediaType
from shop.media import media_delete

COLUMNS = (
    "name",
    "slug",
    "sku",
    "description",
    "description_full",
    "price",
    "cost_price",
    "quantity",
    "category",
    "colors",
    "sizes",
    "materials",
    "image_cover",
    "images",
    "is_trending",
    "is_disabled",
)
REQUIRED_COLUMNS = ("name", "price")
LIST_SEPARATOR = "|"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
DEFAULT_BATCH_SIZE = 2000

# Columns that map one-to-one onto a Product field; `category` and `images` live in other tables.
_PRODUCT_FIELDS = tuple(column for column in COLUMNS if column not in ("category", "images"))
# Written from a row's values; slug and sku are matched on, then set by the importer itself.
_ROW_VALUE_FIELDS = tuple(column for column in _PRODUCT_FIELDS if column not in ("slug", "sku"))
_MONEY_LIMIT = Decimal(10) ** 10  # DecimalField(max_digits=12, decimal_places=2)
_CENT = Decimal("0.01")
_QUANTITY_MAX = 2_147_483_647
_TRUE = {"true", "1", "yes", "y", "t", "on"}
_FALSE = {"false", "0", "no", "n", "f", "off", ""}
_URL = re.compile(r"(https?://|/)\S*\Z")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def error_add(self, line: int, column: str | None, message: str) -> None:
        self.errors.append({"row": line, "field": column, "error": message})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "dry_run": self.dry_run,
        }


# --- Reading ------------------------------------------------------------------


def import_format(filename: str) -> str:
    """ "csv" or "xlsx" from the file name; raises UnsupportedMediaType (415) for anything else."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedMediaType("Only .csv and .xlsx files can be imported.", field="file")
    return FORMATS[suffix]


@dataclass
class _Table:
    columns: list[str]
    total: int | None
    # (line number in the file, cells as strings) for every data row.
    records: Iterator[tuple[int, list[str]]]


def _header_read(cells: list[str]) -> list[str]:
    columns = [cell.strip().lower().replace(" ", "_") for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise InvalidInput("The file is empty.", field="file")
    unknown = [column for column in columns if column not in COLUMNS]
    if unknown:
        raise InvalidInput(f"Unknown columns: {', '.join(unknown)}.", field="file")
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        raise InvalidInput(f"Duplicated columns: {', '.join(duplicated)}.", field="file")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise InvalidInput(f"Missing columns: {', '.join(missing)}.", field="file")
    return columns


def _csv_table(file: BinaryIO) -> _Table:
    try:
        # utf-8-sig also reads plain UTF-8; it drops the BOM Excel writes.
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV file is not valid UTF-8.", field="file") from None
    # A first pass in C finds a malformed file before anything is written, and counts rows for the progress bar.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        total = sum(1 for record in reader if any(cell.strip() for cell in record))
    except csv.Error as error:
        raise InvalidInput(f"The CSV file cannot be read near line {reader.line_num}: {error}.", field="file") from None
    if header is None:
        raise InvalidInput("The file is empty.", field="file")
    columns = _header_read(header)

    def records():
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader)
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                yield line, record
            line = reader.line_num + 1

    return _Table(columns=columns, total=total, records=records())


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_table(file: BinaryIO) -> _Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, OSError, SyntaxError):
        raise InvalidInput("The XLSX file cannot be read.", field="file") from None
    if header is None:
        raise InvalidInput("The file is empty.", field="file")
    columns = _header_read([_xlsx_cell(value) for value in header])
    total = sheet.max_row - 1 if sheet.max_row else None

    def records():
        try:
            for line, values in enumerate(rows, start=2):
                cells = [_xlsx_cell(value) for value in values]
                if any(cell.strip() for cell in cells):
                    yield line, cells
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):  # SyntaxError: broken XML
            raise InvalidInput("The XLSX file cannot be read to the end.", field="file") from None
        finally:
            workbook.close()

    return _Table(columns=columns, total=total, records=records())


# --- Parsing one row ----------------------------------------------------------


class _FieldError(ValueError):
    pass


@dataclass
class _Row:
    line: int
    name: str
    sku: str | None
    slug: str | None  # as given; None when the cell is empty
    derived_slug: str
    values: dict  # Product field -> value, for the columns the file has
    category_refs: list[str] | None
    image_urls: list[str] | None

    @property
    def slug_key(self) -> str | None:
        """The slug this row is matched by: the given one, else (without a SKU) the one derived from its name."""
        if self.slug:
            return self.slug
        return None if self.sku else self.derived_slug


def _text(raw: str, max_length: int | None = None) -> str:
    value = raw.strip()
    if max_length and len(value) > max_length:
        raise _FieldError(f"At most {max_length} characters.")
    return value


def _money(raw: str, *, required: bool) -> Decimal | None:
    raw = raw.strip()
    if not raw:
        if required:
            raise _FieldError("This field is required.")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _FieldError("Enter a number.") from None
    if not value.is_finite():
        raise _FieldError("Enter a number.")
    if value < 0:
        raise _FieldError("Must be zero or more.")
    if value >= _MONEY_LIMIT:
        raise _FieldError("Too large.")
    if value != value.quantize(_CENT):
        raise _FieldError("At most 2 decimal places.")
    return value.quantize(_CENT)


def _quantity(raw: str) -> int:
    raw = raw.strip()
    if not raw:
        raise _FieldError("This field is required.")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _FieldError("Enter a whole number.") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise _FieldError("Enter a whole number.")
    if not 0 <= value <= _QUANTITY_MAX:
        raise _FieldError(f"Must be between 0 and {_QUANTITY_MAX}.")
    return int(value)


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _FieldError("Enter true or false.")


def _list(raw: str, max_length: int | None = None) -> list[str]:
    """`a | b|a` -> ["a", "b"]: stripped, empty parts and repeats dropped, order kept."""
    if not raw:
        return []
    items = list(dict.fromkeys(filter(None, [part.strip() for part in raw.split(LIST_SEPARATOR)])))
    if max_length and items and max(map(len, items)) > max_length:
        raise _FieldError(f"Each value at most {max_length} characters.")
    return items


def _url(raw: str) -> str:
    value = _text(raw, 500)
    if value and not _URL.match(value):
        raise _FieldError("Enter an http(s) URL or a path starting with /.")
    return value


def _urls(raw: str) -> list[str]:
    urls = [_url(item) for item in _list(raw)]
    if len(urls) > settings.PRODUCT_MAX_IMAGES:
        raise _FieldError(f"At most {settings.PRODUCT_MAX_IMAGES} images.")
    return urls


def _slug(raw: str) -> str | None:
    value = _text(raw, 220)
    if not value:
        return None
    try:
        validate_slug(value)
    except ValidationError:
        raise _FieldError("Letters, numbers, underscores or hyphens only.") from None
    return value


def _sku(raw: str) -> str | None:
    return _text(raw, 64) or None


def _name(raw: str) -> str:
    value = _text(raw, 200)
    if not value:
        raise _FieldError("This field is required.")
    return value


_PARSERS: dict[str, Callable[[str], object]] = {
    "name": _name,
    "slug": _slug,
    "sku": _sku,
    "description": _text,
    "description_full": _text,
    "price": lambda raw: _money(raw, required=True),
    "cost_price": lambda raw: _money(raw, required=False),
    "quantity": _quantity,
    "category": lambda raw: _list(raw, 120),
    "colors": lambda raw: _list(raw, 60),
    "sizes": lambda raw: _list(raw, 60),
    "materials": lambda raw: _list(raw, 60),
    "image_cover": _url,
    "images": _urls,
    "is_trending": _boolean,
    "is_disabled": _boolean,
}


# As catalog.services.slugs: room at the end of a slug for a "-<n>" suffix.
_SLUG_BASE_LENGTH = Product._meta.get_field("slug").max_length - 8
_CATEGORY_SLUG_BASE_LENGTH = Category._meta.get_field("slug").max_length - 8


def slug_from_name(name: str) -> str:
    return slugify(name)[:_SLUG_BASE_LENGTH].strip("-") or "product"


def _row_parse(line: int, columns: list[str], cells: list[str], report: ImportReport) -> _Row | None:
    if len(cells) < len(columns):
        cells = [*cells, *[""] * (len(columns) - len(cells))]
    failed = False
    parsed: dict[str, object] = {}
    for column, cell in zip(columns, cells, strict=False):
        try:
            parsed[column] = _PARSERS[column](cell)
        except _FieldError as error:
            report.error_add(line, column, str(error))
            failed = True
    if failed:
        return None
    values = {column: parsed[column] for column in _ROW_VALUE_FIELDS if column in parsed}
    return _Row(
        line=line,
        name=parsed["name"],
        sku=parsed.get("sku"),
        slug=parsed.get("slug"),
        derived_slug=slug_from_name(parsed["name"]),
        values=values,
        category_refs=parsed.get("category"),
        image_urls=parsed.get("images"),
    )


# --- Writing ------------------------------------------------------------------


class _Importer:
    """State shared by the batches of one import: categories, and the keys already used in this file."""

    def __init__(self, *, columns: list[str], report: ImportReport, batch_size: int):
        self.columns = set(columns)
        self.report = report
        self.batch_size = batch_size
        self.update_fields = [name for name in _ROW_VALUE_FIELDS if name in self.columns]
        self.categories: dict[str, int] = {}
        self.category_slugs: set[str] = set()
        if "category" in self.columns:
            for category_id, name, slug in Category.objects.values_list("id", "name", "slug"):
                self.categories[name.lower()] = category_id
                self.categories.setdefault(slug, category_id)
                self.category_slugs.add(slug)
        self.sku_lines: dict[str, int] = {}
        self.slug_lines: dict[str, int] = {}
        self.product_lines: dict[int, int] = {}
        self.slug_suffixes: dict[str, int] = {}
        # Slugs generated by the batch being written, freed again if the database refuses it.
        self.batch_slugs: list[str] = []

    # Keys used twice in one file would make the second row silently overwrite the first.
    def _duplicates_drop(self, rows: list[_Row]) -> list[_Row]:
        kept = []
        for row in rows:
            if row.sku and row.sku in self.sku_lines:
                self.report.error_add(row.line, "sku", f"Same SKU as row {self.sku_lines[row.sku]}.")
                continue
            key = row.slug_key
            if key and key in self.slug_lines:
                column = "slug" if row.slug else "name"
                message = f"Same slug as row {self.slug_lines[key]}; give each row its own sku or slug."
                self.report.error_add(row.line, column, message)
                continue
            if row.sku:
                self.sku_lines[row.sku] = row.line
            if key:
                self.slug_lines[key] = row.line
            kept.append(row)
        return kept

    def _category_ids(self, rows: list[_Row]) -> None:
        """Create, in one insert, the categories the batch names that do not exist yet."""
        missing: dict[str, str] = {}
        for row in rows:
            for ref in row.category_refs or ():
                if ref.lower() not in self.categories and ref not in self.categories:
                    missing.setdefault(ref.lower(), ref)
        if not missing:
            return
        new = []
        for name in missing.values():
            base = slugify(name)[:_CATEGORY_SLUG_BASE_LENGTH].strip("-") or "category"
            slug, suffix = base, 2
            while slug in self.category_slugs:
                slug, suffix = f"{base}-{suffix}", suffix + 1
            self.category_slugs.add(slug)
            new.append(Category(name=name, slug=slug))
        Category.objects.bulk_create(new)
        for category_id, name in Category.objects.filter(slug__in=[c.slug for c in new]).values_list("id", "name"):
            self.categories[name.lower()] = category_id

    def _slug_unique(self, base: str, taken: set[str]) -> str:
        if base not in taken and base not in self.slug_lines:
            return base
        if base not in self.slug_suffixes:
            # One query per colliding name per import: the highest "<base>-<n>" stored.
            highest = 1
            for slug in Product.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True):
                tail = slug[len(base) + 1 :]
                if tail.isdigit():
                    highest = max(highest, int(tail))
            self.slug_suffixes[base] = highest
        while True:
            self.slug_suffixes[base] += 1
            slug = f"{base}-{self.slug_suffixes[base]}"
            if slug not in taken and slug not in self.slug_lines:
                return slug

    def batch_import(self, rows: list[_Row]) -> None:
        """Write one batch in its own transaction; if the database refuses it, retry its rows one by one."""
        rows = self._duplicates_drop(rows)
        if not rows:
            return
        if not self._rows_write(rows) and len(rows) > 1:
            for row in rows:
                self._rows_write([row])

    def _rows_write(self, rows: list[_Row]) -> bool:
        categories, category_slugs = dict(self.categories), set(self.category_slugs)
        self.batch_slugs = []
        try:
            with transaction.atomic():
                created, updated, unchanged = self._batch_write(rows)
        except DatabaseError as error:
            # The rolled-back batch may have created categories: forget their ids.
            self.categories, self.category_slugs = categories, category_slugs
            # ...and free the slugs it generated, so a retried row gets the same one.
            for slug in self.batch_slugs:
                del self.slug_lines[slug]
            if len(rows) == 1:
                message = f"The database refused this row ({error.__class__.__name__})."
                self.report.error_add(rows[0].line, None, message)
            return False
        self.report.created += created
        self.report.updated += updated
        self.report.unchanged += unchanged
        return True

    def _batch_write(self, rows: list[_Row]) -> tuple[int, int, int]:
        if "category" in self.columns:
            self._category_ids(rows)
        skus = {row.sku for row in rows if row.sku}
        slugs = {row.slug or row.derived_slug for row in rows}
        stored = list(Product.objects.filter(Q(sku__in=skus) | Q(slug__in=slugs)))
        # Keyed case-insensitively: MySQL's collation matches "abc-1" to a stored "ABC-1".
        by_sku = {product.sku.lower(): product for product in stored if product.sku}
        by_slug = {product.slug.lower(): product for product in stored}
        taken = {product.slug for product in stored}

        matched: list[tuple[_Row, Product]] = []
        new: list[tuple[_Row, dict]] = []
        for row in rows:
            product = self._match(row, by_sku, by_slug)
            if product is False:
                continue
            if product is None:
                slug = row.slug_key or self._slug_unique(row.derived_slug, taken)
                taken.add(slug)
                if slug not in self.slug_lines:
                    self.slug_lines[slug] = row.line
                    self.batch_slugs.append(slug)
                new.append((row, {**row.values, "slug": slug, "sku": row.sku}))
            else:
                matched.append((row, product))

        stored_categories: dict[int, set[int]] = {}
        stored_images: dict[int, list[ProductImage]] = {}
        matched_ids = [product.pk for _, product in matched]
        if matched_ids and "category" in self.columns:
            links = Product.categories.through.objects.filter(product_id__in=matched_ids)
            for product_id, category_id in links.values_list("product_id", "category_id"):
                stored_categories.setdefault(product_id, set()).add(category_id)
        if matched_ids and "images" in self.columns:
            for image in ProductImage.objects.filter(product_id__in=matched_ids).order_by("product_id", "position"):
                stored_images.setdefault(image.product_id, []).append(image)

        changed: list[Product] = []
        relink: list[tuple[_Row, int]] = []
        reimage: list[tuple[_Row, int]] = []
        unchanged = 0
        for row, product in matched:
            fields_changed = self._apply(row, product)
            categories_changed = row.category_refs is not None and stored_categories.get(
                product.pk, set()
            ) != self._row_category_ids(row)
            images_changed = (
                row.image_urls is not None
                and [image.url for image in stored_images.get(product.pk, [])] != row.image_urls
            )
            if fields_changed:
                changed.append(product)
            if categories_changed:
                relink.append((row, product.pk))
            if images_changed:
                reimage.append((row, product.pk))
            if not (fields_changed or categories_changed or images_changed):
                unchanged += 1

        created: list[tuple[_Row, int]] = []
        if new:
            rows_insert(Product, [values for _, values in new])
            ids = dict(Product.objects.filter(slug__in=[values["slug"] for _, values in new]).values_list("slug", "id"))
            created = [(row, ids[values["slug"]]) for row, values in new]
        if changed:
            now = timezone.now()
            for product in changed:
                product.updated_at = now
            Product.objects.bulk_update(
                changed, [*self.update_fields, "name", "slug", "sku", "updated_at"], batch_size=self.batch_size
            )
        self._categories_write(created, relink)
        self._images_write(created, reimage, stored_images)
        updated = {p.pk for p in changed} | {pk for _, pk in relink} | {pk for _, pk in reimage}
        return len(new), len(updated), unchanged

    def _match(self, row: _Row, by_sku: dict, by_slug: dict) -> Product | bool | None:
        """The stored product this row updates, None to create one, False when the row is refused."""
        product = None
        if row.sku and row.sku.lower() in by_sku:
            product = by_sku[row.sku.lower()]
            if row.slug and row.slug.lower() != product.slug.lower() and row.slug.lower() in by_slug:
                self.report.error_add(row.line, "slug", "Already used by another product.")
                return False
        elif row.slug_key and row.slug_key.lower() in by_slug:
            product = by_slug[row.slug_key.lower()]
            if row.sku and product.sku and product.sku != row.sku:
                column = "slug" if row.slug else "name"
                self.report.error_add(row.line, column, f"Matches the product with SKU {product.sku}, not {row.sku}.")
                return False
        if product is None:
            return None
        # A batch retried row by row meets its own rows again: only another row is a conflict.
        if self.product_lines.get(product.pk, row.line) != row.line:
            self.report.error_add(row.line, None, f"Same product as row {self.product_lines[product.pk]}.")
            return False
        self.product_lines[product.pk] = row.line
        return product

    def _apply(self, row: _Row, product: Product) -> bool:
        changed = False
        targets = dict(row.values)
        if row.slug:
            targets["slug"] = row.slug
        # An empty SKU cell never clears a stored SKU: the row was matched by slug.
        if row.sku:
            targets["sku"] = row.sku
        for name, value in targets.items():
            if getattr(product, name) != value:
                setattr(product, name, value)
                changed = True
        return changed

    def _row_category_ids(self, row: _Row) -> set[int]:
        return {self.categories.get(ref.lower()) or self.categories[ref] for ref in row.category_refs or ()}

    def _categories_write(self, created: list[tuple[_Row, int]], relink: list[tuple[_Row, int]]) -> None:
        if "category" not in self.columns:
            return
        through = Product.categories.through
        if relink:
            through.objects.filter(product_id__in=[product_id for _, product_id in relink]).delete()
        links = [
            {"product_id": product_id, "category_id": category_id}
            for row, product_id in [*created, *relink]
            for category_id in self._row_category_ids(row)
        ]
        rows_insert(through, links)

    def _images_write(
        self, created: list[tuple[_Row, int]], reimage: list[tuple[_Row, int]], stored_images: dict
    ) -> None:
        if "images" not in self.columns:
            return
        public_ids: dict[str, str] = {}
        removed: list[str] = []
        if reimage:
            ids = [product_id for _, product_id in reimage]
            for row, product_id in reimage:
                for image in stored_images.get(product_id, []):
                    # A kept URL keeps its stored file; a dropped one has its file deleted after commit.
                    if image.url in row.image_urls:
                        public_ids[image.url] = image.public_id
                    elif image.public_id:
                        removed.append(image.public_id)
            ProductImage.objects.filter(product_id__in=ids).delete()
        images = [
            {"product_id": product_id, "url": url, "public_id": public_ids.get(url, ""), "position": position}
            for row, product_id in [*created, *reimage]
            for position, url in enumerate(row.image_urls or ())
        ]
        rows_insert(ProductImage, images)
        for public_id in removed:
            transaction.on_commit(lambda public_id=public_id: media_delete(public_id=public_id))


def rows_insert(model, rows: list[dict]) -> None:
    """INSERT `rows` (attname -> clean Python value) with one executemany, defaults filled in.

    Django's bulk_create runs every value through the ORM's compiler, which was most of
    a large import's time; these values are already validated, so only JSON and
    datetimes need adapting. The driver batches them into multi-row INSERTs.
    """
    if not rows:
        return
    ops = connection.ops
    now = timezone.now()
    columns = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if isinstance(model_field, models.JSONField):
            adapt = partial(ops.adapt_json_value, encoder=model_field.encoder)
        elif isinstance(model_field, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        else:
            adapt = None
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default = now
        else:
            default = model_field.get_default()
        columns.append((model_field.attname, model_field.column, adapt, adapt(default) if adapt else default))
    params = [
        [
            (adapt(row[attname]) if adapt else row[attname]) if attname in row else default
            for attname, _, adapt, default in columns
        ]
        for row in rows
    ]
    names = ", ".join(ops.quote_name(column) for _, column, _, _ in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # Only model metadata, quoted by the backend, is formatted in; every value is a parameter.
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _table_read(file: BinaryIO, filename: str) -> _Table:
    if import_format(filename) == "xlsx":
        return _xlsx_table(file)
    return _csv_table(file)


def _batches_parse(table: _Table, report: ImportReport, batch_size: int) -> Iterator[tuple[int, list[_Row]]]:
    """(records read so far, the valid rows among them) every `batch_size` valid rows, and once at the end."""
    done = 0
    batch: list[_Row] = []
    for line, cells in table.records:
        done += 1
        row = _row_parse(line, table.columns, cells, report)
        if row is not None:
            batch.append(row)
        if len(batch) >= batch_size:
            yield done, batch
            batch = []
    yield done, batch


_END = object()


def _read_ahead(items: Iterator, depth: int = 2) -> Iterator:
    """Run `items` in a thread, up to `depth` ahead: parsing the next batch overlaps the database writing this one.

    The driver releases the GIL while it waits for the server, so this is real overlap.
    """
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        # Whatever stops the reader (a damaged XLSX part, a bug) is raised again in the importing thread.
        except Exception as error:
            put((None, error))

    thread = threading.Thread(target=produce, name="product-import-parser", daemon=True)
    thread.start()
    try:
        while True:
            item, error = results.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def product_import(
    *,
    file: BinaryIO,
    filename: str,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Upsert the products of a CSV or XLSX file (by sku, else slug) and report what happened.

    Each batch of `batch_size` rows is written in its own transaction, so a large file
    does not hold locks for its whole length; with `dry_run` everything runs inside one
    transaction that is rolled back, so the report is exact and nothing is written.
    Bad rows are reported (line, column, reason) and skipped; the others go in.
    Missing categories are created. Raises UnsupportedMediaType (not .csv/.xlsx) and
    InvalidInput (unreadable, empty, or bad header). Side effect: stored files of
    images a row drops are deleted after commit. `on_progress(rows_done, total)` is
    called after each batch.
    """
    table = _table_read(file, filename)
    report = ImportReport(dry_run=dry_run)
    done = 0
    with transaction.atomic() if dry_run else nullcontext():
        importer = _Importer(columns=table.columns, report=report, batch_size=batch_size)
        for done, batch in _read_ahead(_batches_parse(table, report, batch_size)):
            if batch:
                importer.batch_import(batch)
            if on_progress:
                on_progress(done, table.total)
        if done == 0:
            raise InvalidInput("The file has no product rows.", field="file")
        if dry_run:
            transaction.set_rollback(True)
    # Parse errors (from the reading thread) and database refusals arrive interleaved.
    report.errors.sort(key=lambda error: error["row"])
    return report
