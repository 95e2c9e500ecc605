from shop.webhooks import views

urlpatterns = []


def register(router):
    router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")
