"""The catalog's viewsets and plain API views, one module per resource; catalog/urls.py routes them."""

from catalog.views.categories import CategoryViewSet
from catalog.views.offers import OfferViewSet
from catalog.views.product_files import ProductExportView, ProductImportView
from catalog.views.products import ProductViewSet, ReviewViewSet
from catalog.views.uploads import UploadImagesView, UploadImageView
from catalog.views.variants import ProductVariantsView, VariantViewSet

__all__ = [
    "CategoryViewSet",
    "OfferViewSet",
    "ProductExportView",
    "ProductImportView",
    "ProductVariantsView",
    "ProductViewSet",
    "ReviewViewSet",
    "UploadImageView",
    "UploadImagesView",
    "VariantViewSet",
]
