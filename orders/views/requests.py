from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.response import Response

from orders.models import ProductRequest, QuoteRequest
from orders.selectors.requests import ProductRequestFilter, QuoteRequestFilter, product_request_list, quote_request_list
from orders.serializers import (
    OkSerializer,
    ProductRequestInputSerializer,
    ProductRequestNoteInputSerializer,
    ProductRequestOutputSerializer,
    ProductRequestStatusInputSerializer,
    QuoteRequestInputSerializer,
    QuoteRequestNoteInputSerializer,
    QuoteRequestOutputSerializer,
    QuoteRequestStatusInputSerializer,
    RequestCreatedSerializer,
    RequestNoteOutputSerializer,
)
from orders.services.requests import (
    QuoteItemInput,
    product_request_create,
    product_request_note_add,
    product_request_status_change,
    quote_request_create,
    quote_request_note_add,
    quote_request_status_change,
)
from shop.parsers import MultipartJsonParser
from shop.throttles import PublicRequestThrottle

# --- Quote requests and custom-product requests --------------------------------

QUOTE_REQUEST_RECEIVED = "Your quote request has been submitted. We will get back to you shortly."
PRODUCT_REQUEST_RECEIVED = "Your product request has been submitted. We will get back to you shortly."


def _multipart_doc(name: str, json_of: str, file_field: str, file_help: str):
    """The documented shape of a multipart body: a `data` part holding JSON, and an optional file."""
    return inline_serializer(
        name,
        {
            "data": serializers.CharField(help_text=f"JSON object with the fields of {json_of}."),
            file_field: serializers.FileField(required=False, help_text=file_help),
        },
    )


class StaffRequestViewSet(viewsets.GenericViewSet):
    """Anyone may submit (throttled); only staff read, move and annotate requests."""

    lookup_value_regex = r"\d+"
    parser_classes = [JSONParser, MultipartJsonParser, FormParser]

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return [IsAdminUser()]

    def get_throttles(self):
        if self.action == "create":
            return [PublicRequestThrottle()]
        return super().get_throttles()

    def filter_queryset(self, queryset):
        # The filters are the list's; `?status=` on a detail or a move must not hide the request.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="Quote requests, newest first (staff)"),
    retrieve=extend_schema(summary="One quote request with its items and notes (staff)"),
)
class QuoteRequestViewSet(StaffRequestViewSet):
    serializer_class = QuoteRequestOutputSerializer
    filterset_class = QuoteRequestFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return quote_request_list()
        return QuoteRequest.objects.all()

    @extend_schema(
        summary="Ask for a quote (anyone, throttled)",
        request={"application/json": QuoteRequestInputSerializer},
        responses={201: RequestCreatedSerializer},
    )
    def create(self, request):
        serializer = QuoteRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        items = [QuoteItemInput(**item) for item in data.pop("items")]
        quote_request = quote_request_create(**data, items=items)
        return Response({"id": quote_request.pk, "message": QUOTE_REQUEST_RECEIVED}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the status; `quoted` stamps `quoted_at` (staff)",
        request={"application/json": QuoteRequestStatusInputSerializer},
        responses={200: OkSerializer},
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def status_change(self, request, pk=None):
        serializer = QuoteRequestStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote_request_status_change(quote_request=self.get_object(), status=serializer.validated_data["status"])
        return Response({"ok": True})

    @extend_schema(
        summary="Add a note, with an optional PDF quote; a new request moves to in_progress (staff)",
        request={
            "multipart/form-data": _multipart_doc(
                "QuoteRequestNoteMultipart", "QuoteRequestNoteInput", "pdf", "A PDF, checked by content."
            ),
            "application/json": QuoteRequestNoteInputSerializer,
        },
        responses={201: RequestNoteOutputSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def note_create(self, request, pk=None):
        serializer = QuoteRequestNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = quote_request_note_add(
            quote_request=self.get_object(),
            author=request.user,
            content=serializer.validated_data["content"],
            pdf=serializer.validated_data.get("pdf"),
        )
        return Response(RequestNoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Custom-product requests, newest first (staff)"),
    retrieve=extend_schema(summary="One custom-product request with its reference file and notes (staff)"),
)
class ProductRequestViewSet(StaffRequestViewSet):
    serializer_class = ProductRequestOutputSerializer
    filterset_class = ProductRequestFilter

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return product_request_list()
        return ProductRequest.objects.all()

    @extend_schema(
        summary="Ask for a custom product (anyone, throttled)",
        request={
            "multipart/form-data": _multipart_doc(
                "ProductRequestMultipart",
                "ProductRequestInput",
                "image",
                "A JPEG, PNG, WebP image or a PDF, checked by content.",
            ),
            "application/json": ProductRequestInputSerializer,
        },
        responses={201: RequestCreatedSerializer},
    )
    def create(self, request):
        serializer = ProductRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_request = product_request_create(**serializer.validated_data)
        return Response({"id": product_request.pk, "message": PRODUCT_REQUEST_RECEIVED}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the status; `answered` stamps `answered_at` (staff)",
        request={"application/json": ProductRequestStatusInputSerializer},
        responses={200: OkSerializer},
    )
    @action(detail=True, methods=["patch"], url_path="status")
    def status_change(self, request, pk=None):
        serializer = ProductRequestStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product_request_status_change(product_request=self.get_object(), status=serializer.validated_data["status"])
        return Response({"ok": True})

    @extend_schema(
        summary="Add a note, with an optional image or PDF; a new request moves to in_progress (staff)",
        request={
            "multipart/form-data": _multipart_doc(
                "ProductRequestNoteMultipart", "ProductRequestNoteInput", "file", "An image or PDF, checked by content."
            ),
            "application/json": ProductRequestNoteInputSerializer,
        },
        responses={201: RequestNoteOutputSerializer},
    )
    @action(detail=True, methods=["post"], url_path="notes")
    def note_create(self, request, pk=None):
        serializer = ProductRequestNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = product_request_note_add(
            product_request=self.get_object(),
            author=request.user,
            content=serializer.validated_data["content"],
            file=serializer.validated_data.get("file"),
        )
        return Response(RequestNoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)
