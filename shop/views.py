from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.error_codes import ShopErrorCode
from shop.exceptions import error_body
from shop.health import health_report

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(["ok", "error"]),
        "database": serializers.ChoiceField(["ok", "error"], help_text="Answers, fully migrated, writable."),
        "cache": serializers.ChoiceField(["ok", "error"]),
        "queue": serializers.ChoiceField(
            ["ok", "error", "eager"], help_text="The broker; eager: no broker, tasks run in the web process."
        ),
    },
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        responses={200: HealthSerializer, 503: HealthSerializer},
        description="503 only when the database is down: the shop still serves without its cache or queue. "
        "Results are reused for HEALTH_CACHE_SECONDS.",
    )
    def get(self, request):
        report = health_report()
        return Response(report, status=200 if report["status"] == "ok" else 503)


# A plain view, so Django's CSRF check would answer an unknown route's POST/PUT/DELETE with its HTML 403
# page; there is nothing to protect in a 404, and /api/ authenticates with bearer tokens, not cookies.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    return JsonResponse(error_body("Not found", ShopErrorCode.NOT_FOUND), status=404)


def bad_request(request, exception, *args, **kwargs):
    # Django answers a request it refuses before any view (an unknown Host, a malformed
    # upload) through here; under /api/ that answer keeps the contract's shape.
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Bad request", "bad_request"), status=400)
    return defaults.bad_request(request, exception)


def server_error(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Internal server error", ShopErrorCode.SERVER_ERROR), status=500)
    return defaults.server_error(request)


class JsonErrorsMixin:
    """Errors of views that render YAML or HTML still leave as JSON, like every /api/ error."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class SwaggerView(JsonErrorsMixin, SpectacularSwaggerView):
    pass


# The ReDoc bundle shows its maker's logo from a CDN. Allowing only the shop's own images (and
# inline data), the browser never asks for it; the bundle then leaves the logo out.
REDOC_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


class RedocView(JsonErrorsMixin, SpectacularRedocView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = REDOC_CONTENT_SECURITY_POLICY
        return response
