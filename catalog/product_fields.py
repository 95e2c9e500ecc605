"""The product's fields, named once: the API services, the admin, the importer and the exporter read them here.

Two orders, both part of a contract: the API's (the OpenAPI schema and the admin
form follow the model), and the import/export file's (the columns spreadsheets
were built on). `catalog/tests/test_product_fields.py` holds the serializers to them.
"""

# What staff set on a product, in the model's and the API's order. `categories` and
# `images` are rows of other tables (category links, the gallery); the rest are columns.
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
    "image_cover",
    "images",
    "colors",
    "sizes",
    "materials",
    "dimensions",
    "weight",
    "is_trending",
    "is_disabled",
)
PRODUCT_RELATIONS = ("categories", "images")
PRODUCT_COLUMNS = tuple(name for name in PRODUCT_FIELDS if name not in PRODUCT_RELATIONS)

# An import/export file's columns, in file order: the product's fields without
# currency, dimensions and weight; `category` holds category names (or slugs).
FILE_COLUMNS = (
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
FILE_RELATION_COLUMNS = ("category", "images")
# The file columns that are Product columns, in file order.
FILE_PRODUCT_COLUMNS = tuple(name for name in FILE_COLUMNS if name not in FILE_RELATION_COLUMNS)
