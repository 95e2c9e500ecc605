"""The floors the benchmark measures the shop against, served only by the benchmark's server.

`bench/settings.py` adds these routes before the shop's own, so one gunicorn serves both
and the benchmark alternates between them in one run; the shop's URLs never include them.
"""

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Product
from shop.urls import urlpatterns as shop_urlpatterns


class FloorProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "slug", "price", "quantity", "created_at"]


class DrfListFloor(generics.ListAPIView):
    """A bare DRF list: six fields of the same product table, 20 rows, no pagination, no filters."""

    permission_classes = [AllowAny]
    serializer_class = FloorProductSerializer
    pagination_class = None

    def get_queryset(self):
        return Product.objects.order_by("id")[:20]


class ConstantJsonFloor(APIView):
    """The framework's floor: DRF answering a constant body (routing, middleware, auth, throttles, rendering)."""

    permission_classes = [AllowAny]
    body = {"status": "ok", "items": list(range(20))}

    def get(self, request):
        return Response(self.body)


urlpatterns = [
    path("bench/floor/drf", DrfListFloor.as_view()),
    path("bench/floor/json", ConstantJsonFloor.as_view()),
    *shop_urlpatterns,
]
