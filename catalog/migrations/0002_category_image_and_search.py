from django.db import migrations, models

FULLTEXT_INDEX = "product_fulltext"
CATEGORY_PRODUCT_INDEX = "catalog_product_categories_category_product"


def fulltext_index_create(apps, schema_editor):
    # Only MySQL/MariaDB have FULLTEXT; other databases search with LIKE (see catalog.search).
    if schema_editor.connection.vendor != "mysql":
        return
    schema_editor.execute(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} ON catalog_product (name, description, sku)"
    )


def category_product_index_create(apps, schema_editor):
    # Django's automatic M2M table only indexes category_id alone; this covers "products of a
    # category in id order" (category filter, recommended probes) as one index range.
    schema_editor.execute(f"CREATE INDEX {CATEGORY_PRODUCT_INDEX} ON catalog_product_categories (category_id, product_id)")


def category_product_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "mysql":
        # InnoDB dropped its implicit category_id index for the foreign key when the composite
        # one appeared; the foreign key needs one back before the composite can go.
        schema_editor.execute(
            "ALTER TABLE catalog_product_categories ADD INDEX catalog_product_categories_category_id (category_id), "
            f"DROP INDEX {CATEGORY_PRODUCT_INDEX}"
        )
    else:
        schema_editor.execute(f"DROP INDEX {CATEGORY_PRODUCT_INDEX}")


def fulltext_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "mysql":
        return
    schema_editor.execute(f"DROP INDEX {FULLTEXT_INDEX} ON catalog_product")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="image_public_id",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="category",
            name="image_url",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["end_date", "start_date"], name="offer_active_now"),
        ),
        migrations.RunPython(category_product_index_create, category_product_index_drop, atomic=False, elidable=False),
        migrations.RunPython(fulltext_index_create, fulltext_index_drop, atomic=False, elidable=False),
    ]
