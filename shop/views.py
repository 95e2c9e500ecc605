from django.db import DatabaseError, connection
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

from shop.exceptions import error_body

HealthSerializer = inline_serializer(
    "Health", {"status": serializers.CharField(), "database": serializers.ChoiceField(["ok", "error"])}
)


class HealthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer})
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return Response({"status": "error", "database": "error"}, status=503)
        return Response({"status": "ok", "database": "ok"})


# A plain view, so Django's CSRF check would answer an unknown route's POST/PUT/DELETE with its HTML 403
# page; there is nothing to protect in a 404, and /api/ authenticates with bearer tokens, not cookies.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    return JsonResponse(error_body("Not found", "not_found"), status=404)


def server_error(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("Internal server error", "server_error"), status=500)
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
