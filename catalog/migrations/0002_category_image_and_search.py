from django.db import migrations, models

FULLTEXT_INDEX = "product_fulltext"


def fulltext_index_create(apps, schema_editor):
    # Only MySQL/MariaDB have FULLTEXT; other databases search with LIKE (see catalog.search).
    if schema_editor.connection.vendor != "mysql":
        return
    schema_editor.execute(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} ON catalog_product (name, description, sku)"
    )


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
        migrations.RunPython(fulltext_index_create, fulltext_index_drop, atomic=False, elidable=False),
    ]
