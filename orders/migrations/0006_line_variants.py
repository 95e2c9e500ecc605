"""Cart and order lines name the variant they draw stock from; existing lines get their product's default variant."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def lines_bind_default_variants(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    CartItem = apps.get_model("orders", "CartItem")
    OrderItem = apps.get_model("orders", "OrderItem")
    # catalog 0004 gave every product exactly one variant, its default: the lowest id.
    default = ProductVariant.objects.filter(product=OuterRef("product_id")).order_by("pk")
    CartItem.objects.filter(variant__isnull=True).update(variant=Subquery(default.values("pk")[:1]))
    # A cart line with no variant to draw on could never be checked out; carts are transient.
    CartItem.objects.filter(variant__isnull=True).delete()
    OrderItem.objects.filter(variant__isnull=True, product__isnull=False).update(
        variant=Subquery(default.values("pk")[:1]),
        sku=Coalesce(
            Subquery(default.values("sku")[:1]),
            Subquery(Product.objects.filter(pk=OuterRef("product_id")).values("sku")[:1]),
            models.Value(""),
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_default_variants"),
        ("orders", "0005_order_timeline"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="cartitem", name="cart_item_merge_key"),
        migrations.AddField(
            model_name="cartitem",
            name="variant",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.productvariant"
            ),
        ),
        migrations.AddField(
            model_name="orderitem", name="sku", field=models.CharField(blank=True, default="", max_length=64)
        ),
        migrations.AddField(
            model_name="orderitem",
            name="variant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalog.productvariant",
            ),
        ),
        migrations.RunPython(lines_bind_default_variants, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="cartitem",
            name="variant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.productvariant"
            ),
        ),
        migrations.AddConstraint(
            model_name="cartitem",
            constraint=models.UniqueConstraint(
                fields=("cart", "variant", "size", "color"), name="cart_item_variant_merge_key"
            ),
        ),
    ]
