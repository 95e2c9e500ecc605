from orders import views
from orders.inquiries.views import ProductRequestViewSet, QuoteRequestViewSet
from orders.totals.views import CouponViewSet, ShippingMethodViewSet, TaxRateViewSet
from shop.routing import ID_REGEX, api_route

urlpatterns = [
    api_route("cart", views.CartView.as_view(), "cart"),
    api_route("cart/items", views.CartItemsView.as_view(), "cart-items"),
    api_route(rf"cart/items/(?P<item_id>{ID_REGEX})", views.CartItemView.as_view(), "cart-item"),
    api_route("cart/checkout", views.CartCheckoutView.as_view(), "cart-checkout"),
    api_route("cart/coupon", views.CartCouponView.as_view(), "cart-coupon"),
    api_route(rf"orders/user/(?P<user_id>{ID_REGEX})", views.UserOrdersView.as_view(), "user-orders"),
]


def register(router):
    router.register("orders", views.OrderViewSet, basename="order")
    router.register("quote-requests", QuoteRequestViewSet, basename="quote-request")
    router.register("product-requests", ProductRequestViewSet, basename="product-request")
    router.register("shipping-methods", ShippingMethodViewSet, basename="shipping-method")
    router.register("coupons", CouponViewSet, basename="coupon")
    router.register("tax-rates", TaxRateViewSet, basename="tax-rate")
