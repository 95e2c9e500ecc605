from payments import views
from shop.routing import ID_REGEX, api_route

urlpatterns = [
    api_route(rf"orders/(?P<order_id>{ID_REGEX})/payments", views.OrderPaymentListView.as_view(), "order-payments"),
    api_route(rf"orders/(?P<order_id>{ID_REGEX})/pay", views.OrderPayView.as_view(), "order-pay"),
    api_route(rf"orders/(?P<order_id>{ID_REGEX})/refunds", views.OrderRefundListView.as_view(), "order-refunds"),
    api_route("payments/stripe/webhook", views.StripeWebhookView.as_view(), "stripe-webhook"),
    api_route("statistics/profit", views.ProfitView.as_view(), "statistics-profit"),
    api_route("statistics/product-sales", views.ProductSalesView.as_view(), "statistics-product-sales"),
    api_route("statistics/category-sales", views.CategorySalesView.as_view(), "statistics-category-sales"),
    api_route("statistics/sales", views.SalesView.as_view(), "statistics-sales"),
]


def register(router):
    router.register("payments", views.PaymentViewSet, basename="payment")
