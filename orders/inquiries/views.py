from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from orders.inquiries.filters import ProductRequestFilter, QuoteRequestFilter
from orders.inquiries.models import ProductRequest, QuoteRequest
from orders.inquiries.selectors import inquiry_list
from orders.inquiries.serializers import (
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
    multipart_body,
)
from orders.inquiries.services import (
    inquiry_note_add,
    inquiry_status_change,
    product_request_create,
    quote_request_create,
)
from shop.parsers import MultipartActionsMixin
from shop.permissions import AllowAny, IsStaff
from shop.throttles import PublicRequestThrottle


class InquiryViewSet(MultipartActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Anyone may submit (throttled); only staff read, move and annotate requests."""

    # Each kind sets `queryset`, `serializer_class` (its output), `filterset_class`, `submit` (its
    # create service), `input_serializer_classes` (for create, status_change and note_create) and
    # the summaries of its list, retrieve, create and note_create; the rest of its schema is derived
    # below from its model and serializers.
    input_serializer_classes: dict[str, type[serializers.Serializer]]

    lookup_value_regex = r"\d+"
    # A note may carry a file; ProductRequestViewSet's create too.
    multipart_actions = frozenset({"note_create"})
    permission_classes = [IsStaff]
    # In place of the lists above, per action: anyone may submit, under the public-request throttle only.
    action_permission_classes = {"create": [AllowAny]}
    action_throttle_classes = {"create": [PublicRequestThrottle]}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        model = cls.queryset.model
        answered_status, answered_at = model.ANSWERED
        note_part, note_images = model.NOTE_FILE
        note_input = cls.input_serializer_classes["note_create"]
        extend_schema_view(
            status_change=extend_schema(
                summary=f"Set the status; `{answered_status}` stamps `{answered_at}` (staff)",
                request={"application/json": cls.input_serializer_classes["status_change"]},
                responses={200: OkSerializer},
            ),
            note_create=extend_schema(
                request={
                    "multipart/form-data": multipart_body(
                        f"{model.__name__}NoteMultipart",
                        json_of=note_input.__name__.removesuffix("Serializer"),
                        file_field=note_part,
                        file_help=f"{'An image or PDF' if note_images else 'A PDF'}, checked by content.",
                    ),
                    "application/json": note_input,
                },
                responses={201: RequestNoteOutputSerializer},
            ),
        )(cls)

    def get_permissions(self):
        return [permission() for permission in self.action_permission_classes.get(self.action, self.permission_classes)]

    def get_throttles(self):
        return [throttle() for throttle in self.action_throttle_classes.get(self.action, self.throttle_classes)]

    def get_queryset(self):
        if self.action in ("list", "retrieve"):
            return inquiry_list(model=self.queryset.model)
        return super().get_queryset()

    def get_serializer_class(self):
        return self.input_serializer_classes.get(self.action, self.serializer_class)

    def filter_queryset(self, queryset):
        # The filters are the list's; `?status=` on a detail or a move must not hide the request.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(responses={201: RequestCreatedSerializer})
    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry = self.submit(**serializer.validated_data)
        received = f"Your {inquiry._meta.verbose_name} has been submitted. We will get back to you shortly."
        return Response({"id": inquiry.pk, "message": received}, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["patch"], url_path="status")
    def status_change(self, request, pk=None):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inquiry_status_change(inquiry=self.get_object(), status=serializer.validated_data["status"])
        return Response({"ok": True})

    @action(detail=True, methods=["post"], url_path="notes")
    def note_create(self, request, pk=None):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = inquiry_note_add(inquiry=self.get_object(), author=request.user, **serializer.validated_data)
        return Response(RequestNoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Quote requests, newest first (staff)"),
    retrieve=extend_schema(summary="One quote request with its items and notes (staff)"),
    create=extend_schema(
        summary="Ask for a quote (anyone, throttled)", request={"application/json": QuoteRequestInputSerializer}
    ),
    note_create=extend_schema(
        summary="Add a note, with an optional PDF quote; a new request moves to in_progress (staff)"
    ),
)
class QuoteRequestViewSet(InquiryViewSet):
    queryset = QuoteRequest.objects.all()
    serializer_class = QuoteRequestOutputSerializer
    filterset_class = QuoteRequestFilter
    submit = staticmethod(quote_request_create)
    input_serializer_classes = {
        "create": QuoteRequestInputSerializer,
        "status_change": QuoteRequestStatusInputSerializer,
        "note_create": QuoteRequestNoteInputSerializer,
    }


@extend_schema_view(
    list=extend_schema(summary="Custom-product requests, newest first (staff)"),
    retrieve=extend_schema(summary="One custom-product request with its reference file and notes (staff)"),
    create=extend_schema(
        summary="Ask for a custom product (anyone, throttled)",
        request={
            "multipart/form-data": multipart_body(
                "ProductRequestMultipart",
                json_of="ProductRequestInput",
                file_field="image",
                file_help="A JPEG, PNG, WebP image or a PDF, checked by content.",
            ),
            "application/json": ProductRequestInputSerializer,
        },
    ),
    note_create=extend_schema(
        summary="Add a note, with an optional image or PDF; a new request moves to in_progress (staff)"
    ),
)
class ProductRequestViewSet(InquiryViewSet):
    queryset = ProductRequest.objects.all()
    serializer_class = ProductRequestOutputSerializer
    filterset_class = ProductRequestFilter
    submit = staticmethod(product_request_create)
    multipart_actions = frozenset({"create", "note_create"})
    input_serializer_classes = {
        "create": ProductRequestInputSerializer,
        "status_change": ProductRequestStatusInputSerializer,
        "note_create": ProductRequestNoteInputSerializer,
    }
