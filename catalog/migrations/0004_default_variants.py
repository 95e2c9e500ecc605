"""Every existing product gets its default variant, holding the stock the product held."""

from django.db import migrations
from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

BATCH = 2000


def default_variants_create(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    last_id = 0
    while True:
        # Keyset batches: memory stays flat and each INSERT stays a reasonable size on large catalogs.
        batch = list(
            Product.objects.filter(pk__gt=last_id, variants__isnull=True)
            .order_by("pk")
            .values_list("pk", "quantity")[:BATCH]
        )
        if not batch:
            return
        ProductVariant.objects.bulk_create(
            ProductVariant(product_id=product_id, quantity=quantity) for product_id, quantity in batch
        )
        last_id = batch[-1][0]


def product_stock_from_variants(apps, schema_editor):
    # Going back to one counter per product: it takes what the active variants hold now, so stock
    # moved per variant since the migration is not lost.
    Product = apps.get_model("catalog", "Product")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    active_stock = (
        ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
        .values("product")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    Product.objects.update(quantity=Coalesce(Subquery(active_stock, output_field=IntegerField()), Value(0)))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_variants")]

    operations = [migrations.RunPython(default_variants_create, product_stock_from_variants, elidable=False)]
