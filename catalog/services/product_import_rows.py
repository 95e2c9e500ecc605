"""Reading an import file and validating its rows, for `catalog.services.product_import`.

CSV (UTF-8, with or without BOM) or XLSX (openpyxl, read-only); every cell becomes a
string and goes through the same parsers, so both formats follow the same rules.
Rows are validated in plain Python: a serializer per row would cost more than the
database work of the whole import.
"""

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug

from catalog.models import OPTION_MAX_LENGTH, Product
from catalog.product_fields import FILE_COLUMNS, FILE_PRODUCT_COLUMNS, FILE_VARIANT_COLUMNS
from shop.errors import FileTooLarge, InvalidInput, UnsupportedMediaType
from shop.slugs import slug_base
from shop.url_rules import SITE_OR_HTTP_URL_MESSAGE, is_site_or_http_url

REQUIRED_COLUMNS = ("name", "price")
LIST_SEPARATOR = "|"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}

# Written from a row's values; slug and sku are matched on, then set by the importer itself, and
# stock (`quantity`) is the variants' to hold: the importer moves it through the stock service.
ROW_VALUE_FIELDS = tuple(column for column in FILE_PRODUCT_COLUMNS if column not in ("slug", "sku", "quantity"))
_MONEY_LIMIT = Decimal(10) ** 10  # DecimalField(max_digits=12, decimal_places=2)
_CENT = Decimal("0.01")
_QUANTITY_MAX = 2_147_483_647
_TRUE = {"true", "1", "yes", "y", "t", "on"}
_FALSE = {"false", "0", "no", "n", "f", "off", ""}
# A spreadsheet reads a cell starting with one of these as a formula (CWE-1236): the export
# writes such text cells behind a quote, and the import takes that quote off again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# Cells read as numbers or booleans: never written behind a guard, so never unguarded.
_UNGUARDED_COLUMNS = frozenset(
    {"price", "cost_price", "quantity", "is_trending", "is_disabled", "variant_price", "variant_quantity"}
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Stock counts of the file that differ from the stored stock of existing products or variants and
    # were not applied (an import takes them only with set_stock): units sold since the export stay sold.
    stock_left_alone: int = 0
    errors: list[dict] = field(default_factory=list)
    dry_run: bool = False

    # Errors past `IMPORT_MAX_ERRORS` are only counted: a file of bad rows must not make a report of megabytes.
    errors_omitted: int = 0

    def error_add(self, line: int, column: str | None, message: str) -> None:
        if len(self.errors) >= settings.IMPORT_MAX_ERRORS:
            self.errors_omitted += 1
            return
        self.errors.append({"row": line, "field": column, "error": message})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stock_left_alone": self.stock_left_alone,
            "errors": self.errors,
            "errors_omitted": self.errors_omitted,
            "dry_run": self.dry_run,
        }


# --- Formula guard -------------------------------------------------------------


def _needs_guard(text: str) -> bool:
    # Quotes already in front count too, so that "'=x" round-trips as itself and not as "=x".
    return text.lstrip(FORMULA_GUARD).startswith(FORMULA_TRIGGERS)


def formula_guard(text: str) -> str:
    """`text` as a spreadsheet cell that cannot run as a formula: behind a quote when it would."""
    return FORMULA_GUARD + text if _needs_guard(text) else text


def formula_unguard(cell: str) -> str:
    """The text `formula_guard` was given, from the cell it wrote."""
    if cell.startswith(FORMULA_GUARD) and _needs_guard(cell[1:]):
        return cell[1:]
    return cell


# --- Reading ------------------------------------------------------------------


def import_format(filename: str) -> str:
    """ "csv" or "xlsx" from the file name; raises UnsupportedMediaType (415) for anything else."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedMediaType("Only .csv and .xlsx files can be imported.", field="file")
    return FORMATS[suffix]


@dataclass
class Table:
    columns: list[str]
    total: int | None
    # (line number in the file, cells as strings) for every data row.
    records: Iterator[tuple[int, list[str]]]


def _columns_cap(count: int) -> None:
    if count > settings.IMPORT_MAX_COLUMNS:
        raise InvalidInput(f"The file has {count} columns; at most {settings.IMPORT_MAX_COLUMNS}.", field="file")


def _header_read(cells: list[str]) -> list[str]:
    columns = [cell.strip().lower().replace(" ", "_") for cell in cells]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise InvalidInput("The file is empty.", field="file")
    _columns_cap(len(columns))
    unknown = [column for column in columns if column not in FILE_COLUMNS]
    if unknown:
        named = ", ".join(column[:40] for column in unknown[:10])
        raise InvalidInput(f"Unknown columns: {named}{', ...' if len(unknown) > 10 else ''}.", field="file")
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        raise InvalidInput(f"Duplicated columns: {', '.join(duplicated)}.", field="file")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise InvalidInput(f"Missing columns: {', '.join(missing)}.", field="file")
    return columns


def _csv_table(file: BinaryIO) -> Table:
    try:
        # utf-8-sig also reads plain UTF-8; it drops the BOM Excel writes.
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The CSV file is not valid UTF-8.", field="file") from None
    # A first pass in C finds a malformed file before anything is written, and counts rows for the progress bar.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        total = 0
        for record in reader:
            _columns_cap(len(record))
            total += any(cell.strip() for cell in record)
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

    return Table(columns=columns, total=total, records=records())


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


def _xlsx_expansion_check(file: BinaryIO) -> None:
    """Refuse a zip bomb from its directory, before any part of it is inflated.

    An XLSX is a zip of XML parts: a few KB can expand to hundreds of MB of shared strings.
    Raises FileTooLarge (413) past `IMPORT_XLSX_MAX_UNCOMPRESSED_MB` in all, InvalidInput
    (400) for a part compressed more than `IMPORT_XLSX_MAX_COMPRESSION_RATIO` times.
    """
    limit = settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB * 1024 * 1024
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    if sum(member.file_size for member in members) > limit:
        raise FileTooLarge(
            f"The XLSX file expands to more than {settings.IMPORT_XLSX_MAX_UNCOMPRESSED_MB} MB.", field="file"
        )
    for member in members:
        # Tiny parts (a 200-byte XML of repeated tags) compress well without being a threat.
        if member.file_size > 1024 * 1024 and member.file_size > (
            settings.IMPORT_XLSX_MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        ):
            raise InvalidInput(f"The XLSX part {member.filename[:80]} is compressed suspiciously well.", field="file")
    file.seek(0)


def _xlsx_table(file: BinaryIO) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _xlsx_expansion_check(file)
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # One cell past the cap is enough to refuse a header; the sheet's own claimed width is not trusted.
        header = next(sheet.iter_rows(max_row=1, max_col=settings.IMPORT_MAX_COLUMNS + 1, values_only=True), None)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, OSError, SyntaxError):
        raise InvalidInput("The XLSX file cannot be read.", field="file") from None
    if header is None:
        raise InvalidInput("The file is empty.", field="file")
    columns = _header_read([_xlsx_cell(value) for value in header])
    total = sheet.max_row - 1 if sheet.max_row else None
    # Streamed row by row (read-only mode), each row cut to the header's width.
    rows = sheet.iter_rows(min_row=2, max_col=len(columns), values_only=True)

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

    return Table(columns=columns, total=total, records=records())


# --- Parsing one row ----------------------------------------------------------


class _FieldError(ValueError):
    pass


@dataclass
class VariantRow:
    """One variant of a file with variant columns."""

    line: int
    sku: str | None
    size: str
    color: str
    price: Decimal | None
    quantity: int | None  # None: the cell is empty, no count given


@dataclass
class Row:
    line: int
    name: str
    sku: str | None
    slug: str | None  # as given; None when the cell is empty
    derived_slug: str
    values: dict  # Product field -> value, for the columns the file has
    category_refs: list[str] | None
    image_urls: list[str] | None
    # The `quantity` cell of a file without variant columns (the product's one stock pool).
    stock: int | None = None
    # A file with variant columns: the product's variants, one per row (`group_key` joins them).
    variants: list[VariantRow] | None = None

    @property
    def group_key(self) -> tuple[str, str]:
        """What makes rows one product's: its sku, else its slug, else its name."""
        if self.sku:
            return ("sku", self.sku.lower())
        if self.slug:
            return ("slug", self.slug.lower())
        return ("name", self.name)

    @property
    def product_cells(self) -> tuple:
        """The product's part of the row, which every row of one product repeats."""
        return (self.name, self.sku, self.slug, self.values, self.category_refs, self.image_urls)

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


def _quantity_or_none(raw: str) -> int | None:
    return _quantity(raw) if raw.strip() else None


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
    if value and not is_site_or_http_url(value):
        raise _FieldError(SITE_OR_HTTP_URL_MESSAGE)
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
    "colors": lambda raw: _list(raw, OPTION_MAX_LENGTH),
    "sizes": lambda raw: _list(raw, OPTION_MAX_LENGTH),
    "materials": lambda raw: _list(raw, 60),
    "image_cover": _url,
    "images": _urls,
    "is_trending": _boolean,
    "is_disabled": _boolean,
    "variant_sku": _sku,
    "size": lambda raw: _text(raw, OPTION_MAX_LENGTH),
    "color": lambda raw: _text(raw, OPTION_MAX_LENGTH),
    "variant_price": lambda raw: _money(raw, required=False),
    "variant_quantity": _quantity_or_none,
}
_VARIANT_COLUMNS = frozenset(FILE_VARIANT_COLUMNS)


def has_variant_columns(columns) -> bool:
    return not _VARIANT_COLUMNS.isdisjoint(columns)


_SLUG_MAX_LENGTH = Product._meta.get_field("slug").max_length


def row_parser(columns: list[str]) -> Callable[[int, list[str], ImportReport], Row | None]:
    """The function that parses one record of a file with these `columns` into a Row (None when a cell is bad).

    What depends only on the header (which parser and formula guard each column takes) is
    worked out once here, not for each of a large file's rows.
    """
    variant_file = has_variant_columns(columns)
    width = len(columns)
    plan = [
        (
            column,
            # With variant columns, `quantity` is only read on rows that leave the variant cells empty.
            _quantity_or_none if variant_file and column == "quantity" else _PARSERS[column],
            column not in _UNGUARDED_COLUMNS,
        )
        for column in columns
    ]
    value_fields = [column for column in ROW_VALUE_FIELDS if column in columns]
    variant_columns = [column for column in FILE_VARIANT_COLUMNS if column in columns]

    def parse(line: int, cells: list[str], report: ImportReport) -> Row | None:
        if len(cells) < width:
            cells = [*cells, *[""] * (width - len(cells))]
        failed = False
        parsed: dict[str, object] = {}
        for (column, parser, guarded), cell in zip(plan, cells, strict=False):
            # Only a cell starting with the guard can be unguarded.
            if guarded and cell.startswith(FORMULA_GUARD):
                cell = formula_unguard(cell)
            try:
                parsed[column] = parser(cell)
            except _FieldError as error:
                report.error_add(line, column, str(error))
                failed = True
        if failed:
            return None
        name = parsed["name"]
        # A row whose variant cells are all empty is a product with one stock pool, as in a file without them.
        variants = None
        if variant_file and any(parsed[column] not in (None, "") for column in variant_columns):
            variant = VariantRow(
                line=line,
                sku=parsed.get("variant_sku"),
                size=parsed.get("size", ""),
                color=parsed.get("color", ""),
                price=parsed.get("variant_price"),
                quantity=parsed.get("variant_quantity"),
            )
            variants = [variant]
        return Row(
            line=line,
            name=name,
            sku=parsed.get("sku"),
            slug=parsed.get("slug"),
            derived_slug=slug_base(name, max_length=_SLUG_MAX_LENGTH, fallback="product"),
            values={column: parsed[column] for column in value_fields},
            category_refs=parsed.get("category"),
            image_urls=parsed.get("images"),
            stock=parsed.get("quantity"),
            variants=variants,
        )

    return parse


def table_read(file: BinaryIO, filename: str) -> Table:
    if import_format(filename) == "xlsx":
        return _xlsx_table(file)
    return _csv_table(file)
