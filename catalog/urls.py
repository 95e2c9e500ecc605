from catalog import views
from shop.routing import ID_REGEX, api_route

urlpatterns = [
    api_route("upload/image", views.UploadImageView.as_view(), "upload-image"),
    api_route("upload/images", views.UploadImagesView.as_view(), "upload-images"),
]


def register(router):
    router.register("products", views.ProductViewSet, basename="product")
    router.register("categories", views.CategoryViewSet, basename="category")
    router.register("offers", views.OfferViewSet, basename="offer")
    router.register("reviews", views.ReviewViewSet, basename="review")
    router.register("variants", views.VariantViewSet, basename="variant")


# Product import, export and variants: plain routes, matched before the router's /products/<id>.
urlpatterns += [
    api_route("products/import", views.ProductImportView.as_view(), "product-import"),
    api_route("products/export", views.ProductExportView.as_view(), "product-export"),
    api_route(
        rf"products/(?P<product_id>{ID_REGEX})/variants", views.ProductVariantsView.as_view(), "product-variants"
    ),
]
