from import_export import resources

from catalog.models import Product


class ProductResource(resources.ModelResource):
    """Columns of the admin's product CSV export (the API's export, /api/products/export, has the full set)."""

    class Meta:
        model = Product
        fields = ["id", "name", "slug", "sku", "price", "currency", "quantity", "sizes", "colors", "is_disabled"]
        export_order = fields
