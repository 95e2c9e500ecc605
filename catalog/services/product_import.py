"""Product import from CSV or XLSX: the one importer behind `import_products` and `POST /api/products/import`.

A reader thread parses and validates rows (`product_import_rows`) a batch ahead
while this thread writes the current batch in its own transaction: one lookup of
the stored products the batch touches, one multi-row INSERT per table for new
products, their variants, category links, images and webhook events
(`shop.bulk_insert`), `bulk_update` for changed products.
A row identical to what is stored is skipped, so importing the same file twice
changes nothing the second time.

Stock: products and variants the file creates get the file's counts. Stored stock is
only moved through the stock service, and only with `set_stock`; otherwise a file
exported an hour ago would bring back the units sold since (the report counts the
counts it left alone). A file with variant columns has one row per variant, the rows
of one product next to each other; without them each row is one product with one
stock pool, as before variants.
"""

import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from operator import itemgetter
from typing import BinaryIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from catalog.cache import catalog_changed
from catalog.models import Category, Product, ProductCategoryPrice, ProductImage, ProductVariant
from catalog.services.product_import_rows import (
    ROW_VALUE_FIELDS,
    ImportReport,
    Row,
    Table,
    VariantRow,
    has_variant_columns,
    row_parser,
    table_read,
)
from catalog.services.products import PRODUCT_WEBHOOK_FIELDS, products_events_record
from catalog.services.stock import variant_stock_adjust
from catalog.services.variants import variant_create, variant_update
from shop.bulk_insert import rows_insert
from shop.errors import DomainError, InvalidInput
from shop.media import media_delete_on_commit
from shop.slugs import slug_base, slug_free

DEFAULT_BATCH_SIZE = 2000
CATEGORY_SLUG_MAX_LENGTH = Category._meta.get_field("slug").max_length
STOCK_REASON = "import"
_VARIANT_OPTION_LISTS = ("sizes", "colors")


@dataclass
class _BatchPlan:
    """What one batch will write, worked out before any write."""

    # (row, field values with the slug it gets) for each product to create.
    new: list[tuple[Row, dict]] = field(default_factory=list)
    # Stored products with changed fields, already set on them.
    changed: list[Product] = field(default_factory=list)
    # (row, product id) whose category links or images the row replaces.
    relink: list[tuple[Row, int]] = field(default_factory=list)
    reimage: list[tuple[Row, int]] = field(default_factory=list)
    # The images the matched products have now: `_images_write` keeps the stored files of kept URLs.
    stored_images: dict[int, list[ProductImage]] = field(default_factory=dict)
    # (variant row, stored variant, its changed fields) for the variant service.
    changed_variants: list[tuple[VariantRow, ProductVariant, dict]] = field(default_factory=list)
    # (stored product, its variant rows) that it gains.
    new_variants: list[tuple[Product, list[VariantRow]]] = field(default_factory=list)
    # (file line, column, variant id, counted stock) for the stock service: with set_stock only.
    stock_counts: list[tuple[int, str, int, int]] = field(default_factory=list)
    # Products whose stock or variants the batch changes, beyond their own fields.
    variant_product_ids: set[int] = field(default_factory=set)
    unchanged: int = 0
    stock_left_alone: int = 0

    @property
    def updated_ids(self) -> set[int]:
        return (
            {product.pk for product in self.changed}
            | {pk for _, pk in self.relink}
            | {pk for _, pk in self.reimage}
            | self.variant_product_ids
        )


@dataclass
class _BatchCounts:
    created: int
    updated: int
    unchanged: int
    stock_left_alone: int


class _Importer:
    """State shared by the batches of one import: categories, and the keys already used in this file."""

    def __init__(
        self, *, columns: list[str], report: ImportReport, batch_size: int, set_stock: bool, actor: User | None
    ):
        self.columns = set(columns)
        self.report = report
        self.batch_size = batch_size
        self.set_stock = set_stock
        self.actor = actor
        self.variant_file = has_variant_columns(columns)
        self.stock_column = "variant_quantity" if self.variant_file else "quantity"
        self.variant_sku_lines: dict[str, int] = {}
        # With variant columns a stored product's sizes and colours are its variants' options, which the
        # variant service keeps: the file's lists would write back what the batch's variant changes replaced.
        self.skipped_fields = _VARIANT_OPTION_LISTS if self.variant_file else ()
        self.update_fields = [
            name for name in ROW_VALUE_FIELDS if name in self.columns and name not in self.skipped_fields
        ]
        self.product_defaults = {model_field.attname: model_field.get_default() for model_field in Product._meta.fields}
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
    def _duplicates_drop(self, rows: list[Row]) -> list[Row]:
        kept = []
        for row in rows:
            # In a file with variant columns the earlier row is another group of the same product.
            hint = " The rows of one product must be next to each other." if self.variant_file else ""
            if row.sku and row.sku in self.sku_lines:
                self.report.error_add(row.line, "sku", f"Same SKU as row {self.sku_lines[row.sku]}.{hint}")
                continue
            key = row.slug_key
            if key and key in self.slug_lines:
                column = "slug" if row.slug else "name"
                message = f"Same slug as row {self.slug_lines[key]}; give each row its own sku or slug.{hint}"
                self.report.error_add(row.line, column, message)
                continue
            if row.sku:
                self.sku_lines[row.sku] = row.line
            if key:
                self.slug_lines[key] = row.line
            if row.variants is not None:
                self._variant_duplicates_drop(row)
            kept.append(row)
        return kept

    def _variant_duplicates_drop(self, row: Row) -> None:
        """Drop the variant rows naming a variant SKU, or the size and colour, of an earlier row."""
        options: dict[tuple[str, str], int] = {}
        kept = []
        for variant in row.variants:
            key = (variant.size.lower(), variant.color.lower())
            sku = variant.sku.lower() if variant.sku else None
            if sku and self.variant_sku_lines.get(sku, variant.line) != variant.line:
                message = f"Same variant SKU as row {self.variant_sku_lines[sku]}."
                self.report.error_add(variant.line, "variant_sku", message)
            elif key in options:
                self.report.error_add(variant.line, "size", f"Same size and colour as row {options[key]}.")
            else:
                options[key] = variant.line
                if sku:
                    self.variant_sku_lines[sku] = variant.line
                kept.append(variant)
        row.variants = kept

    def _category_ids(self, rows: list[Row]) -> None:
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
            slug = slug_free(
                slug_base(name, max_length=CATEGORY_SLUG_MAX_LENGTH, fallback="category"), self.category_slugs
            )
            self.category_slugs.add(slug)
            new.append(Category(name=name, slug=slug))
        Category.objects.bulk_create(new)
        for category_id, name in Category.objects.filter(slug__in=[c.slug for c in new]).values_list("id", "name"):
            self.categories[name.lower()] = category_id

    def _slug_unique(self, base: str, taken: set[str]) -> str:
        """As `shop.slugs.slug_free`, but counting on from the highest stored suffix: a file naming
        thousands of products alike would otherwise rescan every suffix for each of them."""
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

    def batch_import(self, rows: list[Row]) -> None:
        """Write one batch in its own transaction; if the database refuses it, retry its rows one by one."""
        rows = self._duplicates_drop(rows)
        if not rows:
            return
        if not self._rows_write(rows) and len(rows) > 1:
            for row in rows:
                self._rows_write([row])

    def _rows_write(self, rows: list[Row]) -> bool:
        categories, category_slugs = dict(self.categories), set(self.category_slugs)
        self.batch_slugs = []
        try:
            with transaction.atomic():
                counts = self._batch_write(rows)
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
        self.report.created += counts.created
        self.report.updated += counts.updated
        self.report.unchanged += counts.unchanged
        self.report.stock_left_alone += counts.stock_left_alone
        return True

    def _batch_write(self, rows: list[Row]) -> _BatchCounts:
        """Plan what the batch changes, then write it table by table."""
        if "category" in self.columns:
            self._category_ids(rows)
        plan = self._batch_plan(rows)
        now = timezone.now()
        created = self._products_insert(plan.new, now)
        self._variants_insert(created)
        # Stock first, as a sale does (variant, then product), so the product UPDATEs below take
        # their row locks in the same order as a concurrent checkout.
        self._variants_write(plan)
        self._products_update(plan.changed)
        self._categories_write(created, plan.new, plan.relink)
        self._images_write(created, plan.reimage, plan.stored_images)
        products_events_record(
            created=lambda: self._created_event_data(plan.new, created, now), updated_ids=plan.updated_ids
        )
        if created or plan.updated_ids:
            # Bulk writes send no model signals.
            catalog_changed()
        return _BatchCounts(len(plan.new), len(plan.updated_ids), plan.unchanged, plan.stock_left_alone)

    # --- Plan: reads only, one query when no row matches a stored product, five at most ---

    def _batch_plan(self, rows: list[Row]) -> "_BatchPlan":
        """Sort the batch's rows into products to create and stored products to change (or leave alone)."""
        plan = _BatchPlan()
        matched = self._rows_match(rows, plan)
        stored_variants = self._stored_variants(rows, matched)
        self._new_variant_skus_check(plan, stored_variants)
        stored_categories = self._stored_category_ids(matched)
        plan.stored_images = self._stored_images(matched)
        for row, product in matched:
            if not self._stock_plan(row, product, stored_variants, plan):
                continue
            fields_changed = self._apply(row, product)
            categories_changed = row.category_refs is not None and stored_categories.get(
                product.pk, set()
            ) != self._row_category_ids(row)
            images_changed = row.image_urls is not None and row.image_urls != [
                image.url for image in plan.stored_images.get(product.pk, [])
            ]
            if fields_changed:
                plan.changed.append(product)
            if categories_changed:
                plan.relink.append((row, product.pk))
            if images_changed:
                plan.reimage.append((row, product.pk))
            if not (fields_changed or categories_changed or images_changed or product.pk in plan.variant_product_ids):
                plan.unchanged += 1
        return plan

    def _stored_variants(self, rows: list[Row], matched: list[tuple[Row, Product]]) -> list[ProductVariant]:
        """The matched products' variants and those holding a variant SKU of the batch, in one query.

        None is needed to import a file without variant columns unless it sets stock: the
        product's stored total tells whether its count differs.
        """
        if not self.variant_file and not self.set_stock:
            return []
        skus = {variant.sku for row in rows for variant in row.variants or () if variant.sku}
        product_ids = [product.pk for _, product in matched]
        if not skus and not product_ids:
            return []
        return list(ProductVariant.objects.filter(Q(product_id__in=product_ids) | Q(sku__in=skus)).order_by("pk"))

    def _new_variant_skus_check(self, plan: "_BatchPlan", stored_variants: list[ProductVariant]) -> None:
        """Drop the variant rows of new products whose variant SKU another product's variant holds."""
        taken = {variant.sku.lower() for variant in stored_variants if variant.sku}
        for row, _values in plan.new:
            if row.variants is None:
                continue
            kept = []
            for variant in row.variants:
                if variant.sku and variant.sku.lower() in taken:
                    self.report.error_add(variant.line, "variant_sku", "Already used by a variant of another product.")
                else:
                    kept.append(variant)
            row.variants = kept

    def _stock_plan(
        self, row: Row, product: Product, stored_variants: list[ProductVariant], plan: "_BatchPlan"
    ) -> bool:
        """Plan the variants and stock of a stored product's row; False when the row is refused."""
        if row.variants is not None:
            self._variants_plan(row, product, stored_variants, plan)
            return True
        if row.stock is None or row.stock == product.quantity:
            return True
        if not self.set_stock:
            plan.stock_left_alone += 1
            return True
        pools = [variant for variant in stored_variants if variant.product_id == product.pk and variant.is_active]
        if len(pools) != 1:
            message = "This product has several variants: set their stock with the variant columns."
            self.report.error_add(row.line, "quantity", message)
            return False
        plan.stock_counts.append((row.line, "quantity", pools[0].pk, row.stock))
        plan.variant_product_ids.add(product.pk)
        return True

    def _variants_plan(
        self, row: Row, product: Product, stored_variants: list[ProductVariant], plan: "_BatchPlan"
    ) -> None:
        """Match each variant row to a stored variant (by variant SKU, else size and colour) or plan a new one."""
        by_sku = {variant.sku.lower(): variant for variant in stored_variants if variant.sku}
        by_options = {
            (variant.size.lower(), variant.color.lower()): variant
            for variant in stored_variants
            if variant.product_id == product.pk and variant.is_active
        }
        new: list[VariantRow] = []
        for variant_row in row.variants:
            options = (variant_row.size.lower(), variant_row.color.lower())
            variant = by_sku.get(variant_row.sku.lower()) if variant_row.sku else None
            if variant is not None and variant.product_id != product.pk:
                self.report.error_add(variant_row.line, "variant_sku", "Already used by a variant of another product.")
                continue
            if variant is None:
                variant = by_options.get(options)
                if variant is not None and variant_row.sku and variant.sku:
                    message = f"Matches the variant with SKU {variant.sku}, not {variant_row.sku}."
                    self.report.error_add(variant_row.line, "variant_sku", message)
                    continue
            if variant is None:
                new.append(variant_row)
                continue
            changes = self._variant_changes(variant_row, variant)
            if changes:
                plan.changed_variants.append((variant_row, variant, changes))
                plan.variant_product_ids.add(product.pk)
            if variant_row.quantity is not None and variant_row.quantity != variant.quantity:
                if self.set_stock:
                    plan.stock_counts.append((variant_row.line, "variant_quantity", variant.pk, variant_row.quantity))
                    plan.variant_product_ids.add(product.pk)
                else:
                    plan.stock_left_alone += 1
        if new:
            plan.new_variants.append((product, new))
            plan.variant_product_ids.add(product.pk)

    def _variant_changes(self, variant_row: VariantRow, variant: ProductVariant) -> dict:
        targets = {"size": variant_row.size, "color": variant_row.color}
        # As for products, an empty SKU cell never clears a stored variant SKU.
        if variant_row.sku:
            targets["sku"] = variant_row.sku
        if "variant_price" in self.columns:
            targets["price"] = variant_row.price
        return {name: value for name, value in targets.items() if getattr(variant, name) != value}

    def _rows_match(self, rows: list[Row], plan: "_BatchPlan") -> list[tuple[Row, Product]]:
        """Match each row to its stored product with one query; rows matching none go to `plan.new` with a slug."""
        skus = {row.sku for row in rows if row.sku}
        slugs = {row.slug or row.derived_slug for row in rows}
        ids = _product_ids_holding(skus, slugs)
        stored = list(Product.objects.filter(pk__in=ids)) if ids else []
        # Keyed case-insensitively: MySQL's collation matches "abc-1" to a stored "ABC-1".
        by_sku = {product.sku.lower(): product for product in stored if product.sku}
        by_slug = {product.slug.lower(): product for product in stored}
        taken = {product.slug for product in stored}
        matched: list[tuple[Row, Product]] = []
        for row in rows:
            product = self._match(row, by_sku, by_slug)
            if product is None:
                slug = self._new_slug(row, taken)
                plan.new.append((row, {**row.values, **_variant_options(row), "slug": slug, "sku": row.sku}))
            elif product is not False:
                matched.append((row, product))
        return matched

    def _new_slug(self, row: Row, taken: set[str]) -> str:
        """The slug of a product the row creates, recorded as used by this file."""
        slug = row.slug_key or self._slug_unique(row.derived_slug, taken)
        taken.add(slug)
        if slug not in self.slug_lines:
            self.slug_lines[slug] = row.line
            self.batch_slugs.append(slug)
        return slug

    def _stored_category_ids(self, matched: list[tuple[Row, Product]]) -> dict[int, set[int]]:
        stored: dict[int, set[int]] = {}
        if matched and "category" in self.columns:
            links = Product.categories.through.objects.filter(product_id__in=[product.pk for _, product in matched])
            for product_id, category_id in links.values_list("product_id", "category_id"):
                stored.setdefault(product_id, set()).add(category_id)
        return stored

    def _stored_images(self, matched: list[tuple[Row, Product]]) -> dict[int, list[ProductImage]]:
        stored: dict[int, list[ProductImage]] = {}
        if matched and "images" in self.columns:
            images = ProductImage.objects.filter(product_id__in=[product.pk for _, product in matched])
            for image in images.order_by("product_id", "position"):
                stored.setdefault(image.product_id, []).append(image)
        return stored

    def _match(self, row: Row, by_sku: dict, by_slug: dict) -> Product | bool | None:
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

    def _apply(self, row: Row, product: Product) -> bool:
        changed = False
        targets = {name: value for name, value in row.values.items() if name not in self.skipped_fields}
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

    def _row_category_ids(self, row: Row) -> set[int]:
        return {self.categories.get(ref.lower()) or self.categories[ref] for ref in row.category_refs or ()}

    # --- Write: one multi-row statement per table --------------------------------

    def _products_insert(self, new: list[tuple[Row, dict]], now: datetime) -> list[tuple[Row, int]]:
        """INSERT the new products; (row, id) for each, returned by the INSERT or read back by their unique slugs."""
        if not new:
            return []
        # A new product's stock is what its new variants hold; nobody can have sold any of it yet.
        inserted = [{**values, "quantity": _row_stock(row)} for row, values in new]
        ids = rows_insert(Product, inserted, now=now, return_ids=True)
        if ids is None:
            by_slug = dict(
                Product.objects.filter(slug__in=[values["slug"] for values in inserted]).values_list("slug", "id")
            )
            ids = [by_slug[values["slug"]] for values in inserted]
        return [(row, product_id) for (row, _values), product_id in zip(new, ids, strict=True)]

    def _created_event_data(
        self, new: list[tuple[Row, dict]], created: list[tuple[Row, int]], now: datetime
    ) -> list[dict]:
        """`product_webhook_data` of the products just inserted, from the values they were inserted with.

        The price and time are given as the outbox's JSON encoder writes them, so that encoding
        a batch's events runs in C rather than calling back into Python for two values of each.
        """
        data = []
        updated_at = DjangoJSONEncoder().default(now)
        for (row, values), (_, product_id) in zip(new, created, strict=True):
            stored = {**self.product_defaults, **values, "quantity": _row_stock(row), "updated_at": updated_at}
            event = {"id": product_id, **{name: stored[name] for name in PRODUCT_WEBHOOK_FIELDS}}
            event["price"] = str(event["price"])
            data.append(event)
        return data

    def _variants_insert(self, created: list[tuple[Row, int]]) -> None:
        """The new products' variants: the file's, or the default variant holding the row's stock."""
        variants = []
        for row, product_id in created:
            if row.variants is None:
                variants.append({"product_id": product_id, "quantity": row.stock or 0})
            else:
                variants += [_variant_values(variant, product_id) for variant in row.variants]
        rows_insert(ProductVariant, variants)

    def _variants_write(self, plan: "_BatchPlan") -> None:
        """Stored products' variants through the variant and stock services, one call per change (few,
        as unchanged rows make none): fields changed, variants added (with the file's stock, the
        default-variant rule applied), counted stock set (set_stock). A refused one is a row error."""
        calls = [
            (row.line, "variant_sku", partial(variant_update, variant=variant, data=changes, actor=self.actor))
            for row, variant, changes in sorted(plan.changed_variants, key=lambda change: change[1].pk)
        ]
        for line, column, variant_id, quantity in sorted(plan.stock_counts, key=itemgetter(2)):
            count = partial(
                variant_stock_adjust, variant_id=variant_id, quantity=quantity, reason=STOCK_REASON, actor=self.actor
            )
            calls.append((line, column, count))
        for product, variant_rows in plan.new_variants:
            for row in variant_rows:
                data = {"sku": row.sku, "size": row.size, "color": row.color, "price": row.price}
                data["quantity"] = row.quantity or 0
                calls.append((row.line, "size", partial(variant_create, product=product, data=data, actor=self.actor)))
        for line, column, call in calls:
            try:
                call()
            except DomainError as error:
                self.report.error_add(line, column, error.message)

    def _products_update(self, changed: list[Product]) -> None:
        if not changed:
            return
        now = timezone.now()
        for product in changed:
            product.updated_at = now
        Product.objects.bulk_update(
            changed, [*self.update_fields, "name", "slug", "sku", "updated_at"], batch_size=self.batch_size
        )

    def _categories_write(
        self, created: list[tuple[Row, int]], new: list[tuple[Row, dict]], relink: list[tuple[Row, int]]
    ) -> None:
        if "category" not in self.columns:
            return
        through = Product.categories.through
        if relink:
            through.objects.filter(product_id__in=[product_id for _, product_id in relink]).delete()
        # A new product's links carry the price it was just inserted with, which spares the link
        # trigger its lookup of each; a relinked product's are looked up (its price may have moved).
        new_links = [
            {"product_id": product_id, "category_id": category_id, "price": values["price"]}
            for (row, product_id), (_row, values) in zip(created, new, strict=True)
            for category_id in self._row_category_ids(row)
        ]
        rows_insert(ProductCategoryPrice, new_links)
        relinks = [
            {"product_id": product_id, "category_id": category_id}
            for row, product_id in relink
            for category_id in self._row_category_ids(row)
        ]
        rows_insert(through, relinks)

    def _images_write(
        self, created: list[tuple[Row, int]], reimage: list[tuple[Row, int]], stored_images: dict
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
            media_delete_on_commit(public_id=public_id)


def _product_ids_holding(skus: set[str], slugs: set[str]) -> list[int]:
    """The ids of the products with one of `skus` or `slugs`, as the database compares them.

    Plain SQL: the ORM's handling of a batch's few thousand IN parameters cost more than
    the query. One SELECT per column, joined by UNION: MariaDB answered `sku IN (...) OR
    slug IN (...)` by reading the whole table, so each batch of a large import took longer.
    """
    ops = connection.ops
    table = ops.quote_name(Product._meta.db_table)
    selects, params = [], []
    for column, values in (("sku", skus), ("slug", slugs)):
        if values:
            placeholders = ", ".join(["%s"] * len(values))
            # Only quoted names and placeholders are formatted in.
            selects.append(f"SELECT id FROM {table} WHERE {ops.quote_name(column)} IN ({placeholders})")  # noqa: S608
            params += values
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(selects), params)
        return [product_id for (product_id,) in cursor.fetchall()]


def _variant_options(row: Row) -> dict:
    """A new product's sizes and colours: its variants' distinct options, unless it sells from one default variant
    (then the file's lists, the seeds' one stock pool), as catalog/services/variants.py keeps them."""
    if row.variants is None or (len(row.variants) == 1 and not (row.variants[0].size or row.variants[0].color)):
        return {}
    options = {}
    for name, attribute in (("sizes", "size"), ("colors", "color")):
        seen: dict[str, str] = {}
        for variant in row.variants:
            value = getattr(variant, attribute)
            if value:
                seen.setdefault(value.casefold(), value)
        options[name] = list(seen.values())
    return options


def _row_stock(row: Row) -> int:
    if row.variants is None:
        return row.stock or 0
    return sum(variant.quantity or 0 for variant in row.variants)


def _variant_values(variant: VariantRow, product_id: int) -> dict:
    return {
        "product_id": product_id,
        "sku": variant.sku,
        "size": variant.size,
        "color": variant.color,
        "price": variant.price,
        "quantity": variant.quantity or 0,
    }


def _batches_parse(table: Table, report: ImportReport, batch_size: int) -> Iterator[tuple[int, list[Row]]]:
    """(records read so far, the valid rows among them) every `batch_size` valid rows, and once at the end.

    In a file with variant columns, consecutive rows of one product (`Row.group_key`) become one
    row holding all their variants, and a batch never ends inside a product.
    """
    done = 0
    batch: list[Row] = []
    group: Row | None = None
    parse = row_parser(table.columns)
    for line, cells in table.records:
        done += 1
        row = parse(line, cells, report)
        if row is None:
            continue
        if row.variants is None:
            batch.append(row)
        elif group is not None and row.group_key == group.group_key:
            if row.product_cells != group.product_cells:
                message = f"The product's columns differ from row {group.line}; repeat them on each of its rows."
                report.error_add(line, None, message)
            else:
                group.variants += row.variants
            continue
        else:
            if group is not None:
                batch.append(group)
            group = row
        if len(batch) >= batch_size:
            yield done, batch
            batch = []
    if group is not None:
        batch.append(group)
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
    set_stock: bool = False,
    actor: User | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[int, int | None], None] | None = None,
) -> ImportReport:
    """Upsert the products of a CSV or XLSX file (by sku, else slug) and report what happened.

    New products and variants get the file's stock. The stock of stored ones is left
    alone (and counted in `stock_left_alone` where the file's differs) unless
    `set_stock`: then the file's counts are set through the stock service, logged as
    adjustments by `actor` with the reason "import".

    Each batch of `batch_size` rows is written in its own transaction, so a large file
    does not hold locks for its whole length; with `dry_run` everything runs inside one
    transaction that is rolled back, so the report is exact and nothing is written.
    Bad rows are reported (line, column, reason) and skipped; the others go in.
    Missing categories are created. Raises UnsupportedMediaType (not .csv/.xlsx) and
    InvalidInput (unreadable, empty, or bad header). Side effect: stored files of
    images a row drops are deleted after commit. `on_progress(rows_done, total)` is
    called after each batch.
    """
    table = table_read(file, filename)
    report = ImportReport(dry_run=dry_run)
    done = 0
    with transaction.atomic() if dry_run else nullcontext():
        importer = _Importer(
            columns=table.columns, report=report, batch_size=batch_size, set_stock=set_stock, actor=actor
        )
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
