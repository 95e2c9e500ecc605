from orders.views import ProductRequestViewSet, QuoteRequestViewSet

urlpatterns = []


def register(router):
    # --- Quote requests and custom-product requests ---
    router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")
    router.register("product-requests", ProductRequestViewSet, basename="product-request")
