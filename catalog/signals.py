"""Every saved or deleted catalog row moves the catalog cache on (catalog/cache.py).

This covers the admin, factories and every service that saves models; writes that bypass
signals (`update()`, bulk inserts: stock moves, ratings, the importer) call
`catalog_changed()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from catalog.cache import catalog_changed
from catalog.models import Category, Offer, Product, ProductImage, ProductVariant, Review


def _changed(sender, **kwargs):
    catalog_changed()


def signals_connect() -> None:
    for model in (Category, Product, ProductVariant, ProductImage, Offer, Review):
        post_save.connect(_changed, sender=model, dispatch_uid=f"catalog_changed_save_{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog_changed_delete_{model.__name__}")
    m2m_changed.connect(_changed, sender=Product.categories.through, dispatch_uid="catalog_changed_categories")
