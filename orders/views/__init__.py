"""The orders app's views, one module per resource; orders/urls.py routes them."""

from orders.views.cart import CartCheckoutView, CartCouponView, CartItemsView, CartItemView, CartView
from orders.views.orders import OrderViewSet, UserOrdersView

__all__ = [
    "CartCheckoutView",
    "CartCouponView",
    "CartItemView",
    "CartItemsView",
    "CartView",
    "OrderViewSet",
    "UserOrdersView",
]
