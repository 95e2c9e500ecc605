from itertools import chain

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from accounts import urls as accounts_urls
from assistant import urls as assistant_urls
from catalog import urls as catalog_urls
from content import urls as content_urls
from orders import urls as orders_urls
from payments import urls as payments_urls
from shop.jobs import urls as jobs_urls
from shop.metrics import metrics_view
from shop.routing import ShopRouter, api_route
from shop.views import HealthView, RedocView, SchemaView, SwaggerView, api_not_found
from shop.webhooks import urls as webhooks_urls

APPS = (
    accounts_urls,
    catalog_urls,
    orders_urls,
    payments_urls,
    content_urls,
    assistant_urls,
    jobs_urls,
    webhooks_urls,
)

router = ShopRouter()
for app_urls in APPS:
    app_urls.register(router)

api_urlpatterns = [
    api_route("health", HealthView.as_view(), "api-health"),
    api_route("schema", SchemaView.as_view(), "schema"),
    api_route("docs", SwaggerView.as_view(url_name="schema"), "swagger-ui"),
    api_route("redoc", RedocView.as_view(url_name="schema"), "redoc"),
    # Plain routes first: they are more specific than the router's detail routes.
    *chain.from_iterable(app_urls.urlpatterns for app_urls in APPS),
    *router.urls,
    # Not "^.*$": "." stops at a newline, so /api/reviews/8%0A fell through to Django's HTML 404.
    re_path(r"^", api_not_found),
]

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    api_route("health", HealthView.as_view(), "health"),
    path("metrics", metrics_view, name="metrics"),
    path("api/", include(api_urlpatterns)),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]

handler400 = "shop.views.bad_request"
handler500 = "shop.views.server_error"
