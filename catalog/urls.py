from catalog.views import ProductExportView, ProductImportView
from shop.routing import api_route

urlpatterns = []


def register(router):
    """This app has no router routes yet."""


# Product import and export: plain routes, matched before the router's /products/<id>.
urlpatterns += [
    api_route("products/import", ProductImportView.as_view(), "product-import"),
    api_route("products/export", ProductExportView.as_view(), "product-export"),
]
