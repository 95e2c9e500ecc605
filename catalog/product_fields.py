"""The product's fields, named once: the API services, the admin, the importer and the exporter read them here.

The order is the import/export file's (spreadsheets are built on it); the admin form
follows it too. The serializers declare their fields themselves, in the order the
OpenAPI schema publishes; `catalog/tests/test_product_fields.py` holds them to this list.
"""

# What staff set on a product. `categories` and `images` are rows of other tables
# (category links, the gallery); the rest are Product columns.
PRODUCT_FIELDS = (
    "name",
    "slug",
    "sku",
    "description",
    "description_full",
    "price",
    "cost_price",
    "currency",
    "quantity",
    "categories",
    "colors",
    "sizes",
    "materials",
    "image_cover",
    "images",
    "dimensions",
    "weight",
    "is_trending",
    "is_disabled",
)
PRODUCT_RELATIONS = ("categories", "images")
PRODUCT_COLUMNS = tuple(name for name in PRODUCT_FIELDS if name not in PRODUCT_RELATIONS)

# Import/export files leave these out: a re-import keeps their stored values.
_NOT_IN_FILES = ("currency", "dimensions", "weight")
# The product's columns of a file, in file order; its `category` column holds category names (or slugs).
_FILE_PRODUCT_FIELDS = tuple(
    "category" if name == "categories" else name for name in PRODUCT_FIELDS if name not in _NOT_IN_FILES
)
# One row per variant when a file has any of these; the product's columns are repeated on each.
FILE_VARIANT_COLUMNS = ("variant_sku", "size", "color", "variant_price", "variant_quantity")
FILE_COLUMNS = (*_FILE_PRODUCT_FIELDS, *FILE_VARIANT_COLUMNS)
FILE_RELATION_COLUMNS = ("category", "images")
# The file columns that are Product columns, in file order.
FILE_PRODUCT_COLUMNS = tuple(name for name in _FILE_PRODUCT_FIELDS if name not in FILE_RELATION_COLUMNS)
