from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.inquiries.models import (
    Inquiry,
    ProductRequest,
    ProductRequestStatus,
    QuoteRequest,
    QuoteRequestStatus,
)
from orders.inquiries.services import QuoteItemInput
from shop.serializers import MAX_ID, ModelSerializer, Serializer

MAX_REQUEST_QUANTITY = 1_000_000
MAX_QUOTE_ITEMS = 50
# JavaScript's `toISOString()` sends dates as midnight UTC datetimes.
DATE_INPUT_FORMATS = ["iso-8601", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"]


def _optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="")


# --- Input ----------------------------------------------------------------------
# The shared bases carry comments, not docstrings: the schema would show a docstring as each kind's description.


# Who asks; each kind adds what is asked.
class InquiryInputSerializer(Serializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = _optional_text(40)


class QuoteItemInputSerializer(Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_REQUEST_QUANTITY)


class QuoteRequestInputSerializer(InquiryInputSerializer):
    country = _optional_text(100)
    city = _optional_text(120)
    address = _optional_text(300)
    message = _optional_text(5000)
    items = QuoteItemInputSerializer(many=True, help_text=f"1 to {MAX_QUOTE_ITEMS} lines.")

    def validate_items(self, items):
        # Checked here rather than with allow_empty/max_length so the error names `items` itself.
        if not items:
            raise serializers.ValidationError("At least one item is required.")
        if len(items) > MAX_QUOTE_ITEMS:
            raise serializers.ValidationError(f"At most {MAX_QUOTE_ITEMS} items.")
        return [QuoteItemInput(**item) for item in items]


class ProductRequestInputSerializer(InquiryInputSerializer):
    company = _optional_text(150)
    country = _optional_text(100)
    city = _optional_text(120)
    description = serializers.CharField(min_length=5, max_length=8000)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_REQUEST_QUANTITY, default=1)
    desired_deadline = serializers.DateField(
        required=False, allow_null=True, default=None, input_formats=DATE_INPUT_FORMATS
    )
    budget = _optional_text(120)
    reference_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    image = serializers.FileField(required=False, help_text="JPEG, PNG, WebP or PDF; checked by content.")


# Each kind sets `status` to a ChoiceField of its statuses.
class InquiryStatusInputSerializer(Serializer):
    def to_internal_value(self, data):
        # The storefront of seed 002 sends upper-case statuses ("IN_PROGRESS").
        if isinstance(data, Mapping) and isinstance(data.get("status"), str):
            data = {**data, "status": data["status"].strip().lower()}
        return super().to_internal_value(data)


class QuoteRequestStatusInputSerializer(InquiryStatusInputSerializer):
    status = serializers.ChoiceField(choices=QuoteRequestStatus.choices)


class ProductRequestStatusInputSerializer(InquiryStatusInputSerializer):
    status = serializers.ChoiceField(choices=ProductRequestStatus.choices)


# Each kind adds its optional file, under the part its model's NOTE_FILE names, with the source `attachment`.
class InquiryNoteInputSerializer(Serializer):
    content = serializers.CharField(max_length=10_000)


class QuoteRequestNoteInputSerializer(InquiryNoteInputSerializer):
    pdf = serializers.FileField(required=False, source="attachment", help_text="A PDF quote; checked by content.")


class ProductRequestNoteInputSerializer(InquiryNoteInputSerializer):
    file = serializers.FileField(required=False, source="attachment", help_text="An image or PDF; checked by content.")


# --- Output ---------------------------------------------------------------------


class RequestCreatedSerializer(Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()


class OkSerializer(Serializer):
    ok = serializers.BooleanField()


class AttachmentOutputSerializer(Serializer):
    url = serializers.CharField(source="file_url")
    public_id = serializers.CharField(source="file_public_id")
    mime_type = serializers.CharField(source="file_mime_type")
    size_bytes = serializers.IntegerField(source="file_size")
    file_name = serializers.CharField()
    uploaded_at = serializers.DateTimeField(source="created_at")


@extend_schema_field(AttachmentOutputSerializer)
class AttachmentField(serializers.Field):
    """The stored file of a note or request, or null when there is none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        if not value.has_file:
            return None
        return AttachmentOutputSerializer(value).data


class RequestNoteOutputSerializer(Serializer):
    id = serializers.IntegerField()
    author_id = serializers.IntegerField(allow_null=True)
    author_email = serializers.CharField()
    content = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachment = AttachmentField()


class QuoteRequestItemOutputSerializer(Serializer):
    product_id = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField()
    product_name = serializers.CharField()
    product_slug = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)


def _output_fields(model: type[Inquiry], *, file: tuple[str, ...] = (), related: tuple[str, ...] = ()) -> list[str]:
    """An inquiry's output: its DETAILS, its file, where staff have got to, its related rows, then the times."""
    _answered_status, answered_at = model.ANSWERED
    return ["id", *model.DETAILS, *file, "status", answered_at, *related, "notes", "created_at", "updated_at"]


class InquiryOutputSerializer(ModelSerializer):
    notes = RequestNoteOutputSerializer(many=True)


class QuoteRequestOutputSerializer(InquiryOutputSerializer):
    items = QuoteRequestItemOutputSerializer(many=True)

    class Meta:
        model = QuoteRequest
        fields = _output_fields(QuoteRequest, related=("items",))
        read_only_fields = fields


class ProductRequestOutputSerializer(InquiryOutputSerializer):
    # Not a URLField: a request without a reference renders "", which is no URI.
    reference_url = serializers.CharField(help_text='The reference URL given, or "" when none.')
    reference_image = AttachmentField()

    class Meta:
        model = ProductRequest
        fields = _output_fields(ProductRequest, file=("reference_image",))
        read_only_fields = fields


def multipart_body(name: str, *, json_of: str, file_field: str, file_help: str) -> serializers.Serializer:
    """The documented shape of a multipart body: a `data` part holding JSON, and an optional file."""
    fields = {
        "data": serializers.CharField(help_text=f"JSON object with the fields of {json_of}."),
        file_field: serializers.FileField(required=False, help_text=file_help),
    }
    return type(name, (serializers.Serializer,), fields)()
