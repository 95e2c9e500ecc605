from django.db import migrations, models

LINKS = "catalog_product_categories"
PRICE_INDEX = "product_category_price"
INSERT_TRIGGER = "catalog_link_price_insert"
UPDATE_TRIGGER = "catalog_product_price_update"

# The link rows carry a copy of their product's price (catalog.models.ProductCategoryPrice),
# kept by triggers rather than by each writer: services, admin, the importer's bulk statements
# and any future raw UPDATE all keep it without knowing of it. Only SQLite and MySQL/MariaDB
# are supported by the project. On SQLite, a later migration that remakes catalog_product
# (Django's way of altering a column there) drops its trigger: the catalog tests on the link
# price then fail.
MYSQL = [
    f"ALTER TABLE {LINKS} ADD COLUMN price DECIMAL(12, 2) NOT NULL DEFAULT 0, "
    f"ADD INDEX {PRICE_INDEX} (category_id, price, product_id)",
    # A writer may give the price it has just written (the importer does): the lookup is for the others.
    f"CREATE TRIGGER {INSERT_TRIGGER} BEFORE INSERT ON {LINKS} FOR EACH ROW BEGIN "
    "IF NEW.price = 0 THEN SET NEW.price = (SELECT p.price FROM catalog_product p WHERE p.id = NEW.product_id); "
    "END IF; END",
    f"CREATE TRIGGER {UPDATE_TRIGGER} AFTER UPDATE ON catalog_product FOR EACH ROW BEGIN "
    f"IF NEW.price <> OLD.price THEN UPDATE {LINKS} SET price = NEW.price WHERE product_id = NEW.id; END IF; END",
    f"UPDATE {LINKS} l JOIN catalog_product p ON p.id = l.product_id SET l.price = p.price",
]
MYSQL_REVERSE = [
    f"DROP TRIGGER {UPDATE_TRIGGER}",
    f"DROP TRIGGER {INSERT_TRIGGER}",
    f"ALTER TABLE {LINKS} DROP INDEX {PRICE_INDEX}, DROP COLUMN price",
]
SQLITE = [
    f"ALTER TABLE {LINKS} ADD COLUMN price decimal NOT NULL DEFAULT 0",
    f"CREATE INDEX {PRICE_INDEX} ON {LINKS} (category_id, price, product_id)",
    f"CREATE TRIGGER {INSERT_TRIGGER} AFTER INSERT ON {LINKS} FOR EACH ROW WHEN NEW.price = 0 BEGIN "
    f"UPDATE {LINKS} SET price = (SELECT p.price FROM catalog_product p WHERE p.id = NEW.product_id) "
    "WHERE id = NEW.id; END",
    f"CREATE TRIGGER {UPDATE_TRIGGER} AFTER UPDATE OF price ON catalog_product FOR EACH ROW "
    f"WHEN NEW.price <> OLD.price BEGIN UPDATE {LINKS} SET price = NEW.price WHERE product_id = NEW.id; END",
    f"UPDATE {LINKS} SET price = (SELECT p.price FROM catalog_product p WHERE p.id = {LINKS}.product_id)",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {UPDATE_TRIGGER}",
    f"DROP TRIGGER {INSERT_TRIGGER}",
    f"DROP INDEX {PRICE_INDEX}",
    f"ALTER TABLE {LINKS} DROP COLUMN price",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def link_price_add(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("mysql", "sqlite"):
        raise NotImplementedError(f"No link-price triggers for {vendor}.")
    _run(schema_editor, MYSQL if vendor == "mysql" else SQLITE)


def link_price_drop(apps, schema_editor):
    _run(schema_editor, MYSQL_REVERSE if schema_editor.connection.vendor == "mysql" else SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_stock_adjustments"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductCategoryPrice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("price", models.DecimalField(decimal_places=2, max_digits=12)),
            ],
            options={
                "db_table": "catalog_product_categories",
                "managed": False,
            },
        ),
        migrations.RunPython(link_price_add, link_price_drop, atomic=False, elidable=False),
        # Added before the old index goes: MariaDB's foreign key on product_id needs one of them.
        migrations.AddIndex(
            model_name="productvariant",
            index=models.Index(fields=["product", "is_active", "color", "size"], name="variant_product_options"),
        ),
        migrations.RemoveIndex(
            model_name="productvariant",
            name="variant_product_active",
        ),
    ]
