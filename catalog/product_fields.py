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
# A file's columns, in file order; its `category` column holds category names (or slugs).
FILE_COLUMNS = tuple(
    "category" if name == "categories" else name for name in PRODUCT_FIELDS if name not in _NOT_IN_FILES
)
FILE_RELATION_COLUMNS = ("category", "images")
# The file columns that are Product columns, in file order.
FILE_PRODUCT_COLUMNS = tuple(name for name in FILE_COLUMNS if name not in FILE_RELATION_COLUMNS)
