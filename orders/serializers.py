from collections.abc import Mapping

from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Product
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
    ProductRequest,
    ProductRequestStatus,
    QuoteRequest,
    QuoteRequestStatus,
)
from orders.services.lines import OrderLine
from orders.services.orders import Shipping
from shop.serializers import MAX_ID


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True, **kwargs)


class StatusField(serializers.ChoiceField):
    """An order status, read case-insensitively (the storefront sends "Pending")."""

    def __init__(self, **kwargs):
        super().__init__(choices=OrderStatus.choices, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data)


# --- Cart ---------------------------------------------------------------------


class CartProductSerializer(serializers.ModelSerializer):
    final_price = _money(read_only=True)
    discount_percentage = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True, allow_null=True)
    in_stock = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "slug",
            "price",
            "final_price",
            "discount_percentage",
            "image_cover",
            "in_stock",
            "quantity",
        ]


class CartItemOutputSerializer(serializers.ModelSerializer):
    product = CartProductSerializer(read_only=True)
    line_total = _money(read_only=True)

    class Meta:
        model = CartItem
        fields = ["id", "product", "quantity", "size", "color", "line_total"]


class CartOutputSerializer(serializers.ModelSerializer):
    items = CartItemOutputSerializer(source="lines", many=True, read_only=True)
    total = _money(read_only=True)
    currency = serializers.CharField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Units in the cart.")

    class Meta:
        model = Cart
        fields = ["id", "items", "total", "currency", "item_count"]


class CartItemInputSerializer(serializers.Serializer):
    product_id = _id()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    size = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    color = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class CartItemUpdateInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    size = serializers.CharField(max_length=40, required=False, allow_blank=True)
    color = serializers.CharField(max_length=40, required=False, allow_blank=True)


# --- Orders -------------------------------------------------------------------


class ShippingSerializer(serializers.Serializer):
    """A shipping address as the client sends it; the country also accepts its English name."""

    full_name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=300)
    city = serializers.CharField(max_length=120)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country = CountryField(help_text="ISO 3166-1 alpha-2 code, e.g. FR.")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ShippingOutputSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="shipping_full_name")
    address = serializers.CharField(source="shipping_address")
    city = serializers.CharField(source="shipping_city")
    postal_code = serializers.CharField(source="shipping_postal_code")
    country = serializers.CharField(source="shipping_country.code", help_text="ISO 3166-1 alpha-2")
    phone = serializers.CharField(source="shipping_phone")


class OrderItemOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderItem
        fields = [
            "id",
            "product_id",
            "product_name",
            "unit_price",
            "discount_percentage",
            "quantity",
            "size",
            "color",
            "line_total",
        ]


class OrderListOutputSerializer(serializers.ModelSerializer):
    balance_due = _money(read_only=True)
    shipping = ShippingOutputSerializer(source="*", read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "user_id",
            "status",
            "subtotal",
            "total",
            "currency",
            "amount_paid",
            "balance_due",
            "shipping",
            "tracking_number",
            "created_at",
            "updated_at",
        ]


class OrderOutputSerializer(OrderListOutputSerializer):
    items = OrderItemOutputSerializer(many=True, read_only=True)

    class Meta(OrderListOutputSerializer.Meta):
        fields = [*OrderListOutputSerializer.Meta.fields[:3], "items", *OrderListOutputSerializer.Meta.fields[3:]]


class OrderEventActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_staff = serializers.BooleanField()


class OrderEventOutputSerializer(serializers.ModelSerializer):
    actor = OrderEventActorSerializer(read_only=True, allow_null=True, help_text="Who acted; null for the system.")

    class Meta:
        model = OrderEvent
        fields = ["id", "type", "message", "actor", "data", "created_at"]


class OrderNoteInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=5000)
    customer_visible = serializers.BooleanField(default=False)


class OrderLineInputSerializer(serializers.Serializer):
    product_id = _id()
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    size = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default="")
    color = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default="")

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        return OrderLine(values["product_id"], values["quantity"], values["size"] or "", values["color"] or "")


class OrderInputSerializer(serializers.Serializer):
    items = serializers.ListField(child=OrderLineInputSerializer(), min_length=1, max_length=100)
    shipping = ShippingSerializer(required=False, allow_null=True)
    status = StatusField(required=False, help_text="Staff only (a customer may send only `pending`).")
    # Plain ids: whether they name a real user is checked after the staff-only check, so a
    # customer cannot probe which ids exist.
    user_id = _id(required=False, help_text="Staff only (a customer may send only their own id).")
    utilisateur_id = _id(required=False, help_text="Alias of `user_id` (the storefront's name).")

    def validate(self, attrs):
        alias = attrs.pop("utilisateur_id", None)
        if alias is not None and attrs.get("user_id", alias) != alias:
            raise serializers.ValidationError({"user_id": "user_id and utilisateur_id name different users."})
        if alias is not None:
            attrs["user_id"] = alias
        if attrs.get("shipping"):
            attrs["shipping"] = Shipping(**attrs["shipping"])
        return attrs


class OrderUpdateInputSerializer(serializers.Serializer):
    items = serializers.ListField(child=OrderLineInputSerializer(), min_length=1, max_length=100)
    status = StatusField(required=False, help_text="Staff only.")


class OrderPatchInputSerializer(serializers.Serializer):
    status = StatusField(required=False, help_text="Staff; the owner may only send `cancelled`.")
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="Staff only.")


class CheckoutInputSerializer(serializers.Serializer):
    shipping = ShippingSerializer()

    def validate(self, attrs):
        attrs["shipping"] = Shipping(**attrs["shipping"])
        return attrs


class OrderCreatedSerializer(serializers.Serializer):
    message = serializers.CharField()
    order_id = serializers.IntegerField()
    status = serializers.CharField()
    order = OrderOutputSerializer()


class OrderUpdatedSerializer(serializers.Serializer):
    message = serializers.CharField()
    order_id = serializers.IntegerField()
    order = OrderOutputSerializer()


# --- Quote requests and custom-product requests --------------------------------

MAX_REQUEST_QUANTITY = 1_000_000
MAX_QUOTE_ITEMS = 50
# JavaScript's `toISOString()` sends dates as midnight UTC datetimes.
DATE_INPUT_FORMATS = ["iso-8601", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"]


def _optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, default="")


class QuoteItemInputSerializer(serializers.Serializer):
    product_id = _id()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_REQUEST_QUANTITY)


class QuoteRequestInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = _optional_text(40)
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
        return items


class RequestCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()


class QuoteRequestStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=QuoteRequestStatus.choices)

    def to_internal_value(self, data):
        # The storefront of seed 002 sends upper-case statuses ("IN_PROGRESS").
        if isinstance(data, Mapping) and isinstance(data.get("status"), str):
            data = {**data, "status": data["status"].strip().lower()}
        return super().to_internal_value(data)


class OkSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


class AttachmentOutputSerializer(serializers.Serializer):
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


class RequestNoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_id = serializers.IntegerField(allow_null=True)
    author_email = serializers.CharField()
    content = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachment = AttachmentField()


class QuoteRequestItemOutputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField()
    product_name = serializers.CharField()
    product_slug = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=True)


class QuoteRequestOutputSerializer(serializers.ModelSerializer):
    items = QuoteRequestItemOutputSerializer(many=True)
    notes = RequestNoteOutputSerializer(many=True)

    class Meta:
        model = QuoteRequest
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "country",
            "city",
            "address",
            "message",
            "status",
            "quoted_at",
            "items",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class QuoteRequestNoteInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=10_000)
    pdf = serializers.FileField(required=False, help_text="A PDF quote; checked by content.")


class ProductRequestInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    phone = _optional_text(40)
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


class ProductRequestStatusInputSerializer(QuoteRequestStatusInputSerializer):
    status = serializers.ChoiceField(choices=ProductRequestStatus.choices)


class ProductRequestOutputSerializer(serializers.ModelSerializer):
    # Not a URLField: a request without a reference renders "", which is no URI.
    reference_url = serializers.CharField(help_text='The reference URL given, or "" when none.')
    reference_image = AttachmentField()
    notes = RequestNoteOutputSerializer(many=True)

    class Meta:
        model = ProductRequest
        fields = [
            "id",
            "full_name",
            "email",
            "phone",
            "company",
            "country",
            "city",
            "description",
            "quantity",
            "desired_deadline",
            "budget",
            "reference_url",
            "reference_image",
            "status",
            "answered_at",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProductRequestNoteInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=10_000)
    file = serializers.FileField(required=False, help_text="An image or PDF; checked by content.")
