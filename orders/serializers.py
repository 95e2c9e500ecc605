from rest_framework import serializers

from catalog.models import OPTION_MAX_LENGTH, Product
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
)
from orders.services.lines import MAX_LINE_QUANTITY, OrderLine
from orders.services.orders import Shipping
from orders.totals.serializers import ShippingMethodSnapshotSerializer
from shop.serializers import MAX_ID, CountryField, ModelSerializer, MoneyField, Serializer

TOTALS_FIELDS = ["subtotal", "discount_total", "shipping_total", "tax_total", "total"]


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class StatusField(serializers.ChoiceField):
    """An order status, read case-insensitively (the storefront sends "Pending")."""

    def __init__(self, **kwargs):
        super().__init__(choices=OrderStatus.choices, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data)


# --- Cart ---------------------------------------------------------------------


class CartProductSerializer(ModelSerializer):
    final_price = MoneyField(read_only=True)
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


def _cart_amount() -> MoneyField:
    # Computed at each read and stored nowhere: no column caps them. A price raised after a line
    # was accepted can push a total past what an order holds; checkout then refuses it (400).
    return MoneyField(max_digits=None, read_only=True)


class CartItemOutputSerializer(ModelSerializer):
    product = CartProductSerializer(read_only=True)
    sku = serializers.CharField(read_only=True, help_text="The variant's SKU, else the product's; may be empty.")
    line_total = _cart_amount()

    class Meta:
        model = CartItem
        fields = ["id", "product", "variant_id", "sku", "quantity", "size", "color", "line_total"]


class CartOutputSerializer(ModelSerializer):
    items = CartItemOutputSerializer(source="lines", many=True, read_only=True)
    subtotal = _cart_amount()
    discount_total = _cart_amount()
    shipping_total = _cart_amount()
    tax_total = _cart_amount()
    total = _cart_amount()
    coupon_code = serializers.CharField(read_only=True, allow_null=True)
    coupon_error = serializers.CharField(
        read_only=True, allow_null=True, help_text="Why the cart's coupon does not apply now (no discount then)."
    )
    shipping_method = ShippingMethodSnapshotSerializer(read_only=True, allow_null=True)
    currency = serializers.CharField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Units in the cart.")

    class Meta:
        model = Cart
        fields = [
            "id",
            "items",
            *TOTALS_FIELDS,
            "coupon_code",
            "coupon_error",
            "shipping_method",
            "currency",
            "item_count",
        ]


def _variant_or_product(attrs: dict) -> dict:
    if attrs.get("product_id") is None and attrs.get("variant_id") is None:
        raise serializers.ValidationError({"product_id": "Send product_id or variant_id."})
    return attrs


class CartItemInputSerializer(Serializer):
    product_id = _id(required=False, help_text="With size/color; or send variant_id.")
    variant_id = _id(required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)
    size = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, default="")
    color = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        return _variant_or_product(attrs)


class CartItemUpdateInputSerializer(Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False)
    variant_id = _id(required=False, help_text="Another variant of the same product.")
    size = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True)
    color = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True)


# --- Orders -------------------------------------------------------------------


ADDRESS_ID_HELP = "One of the customer's saved addresses (/api/auth/addresses), copied as the shipping address."


def _shipping_or_address(attrs: dict, *, required: bool) -> None:
    """`shipping` or `address_id`, never both (and one of them when `required`); `shipping` as a Shipping."""
    if attrs.get("shipping") and attrs.get("address_id") is not None:
        raise serializers.ValidationError({"address_id": ["Send either shipping or address_id, not both."]})
    if required and not attrs.get("shipping") and attrs.get("address_id") is None:
        raise serializers.ValidationError({"shipping": ["Send a shipping address or the address_id of a saved one."]})
    if attrs.get("shipping"):
        attrs["shipping"] = Shipping(**attrs["shipping"])


class ShippingSerializer(Serializer):
    """A shipping address as the client sends it; the country also accepts its English name."""

    full_name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=300)
    city = serializers.CharField(max_length=120)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country = CountryField(help_text="ISO 3166-1 alpha-2 code, e.g. FR.")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ShippingOutputSerializer(Serializer):
    full_name = serializers.CharField(source="shipping_full_name")
    address = serializers.CharField(source="shipping_address")
    city = serializers.CharField(source="shipping_city")
    postal_code = serializers.CharField(source="shipping_postal_code")
    country = serializers.CharField(source="shipping_country.code", help_text="ISO 3166-1 alpha-2")
    phone = serializers.CharField(source="shipping_phone")


class OrderItemOutputSerializer(ModelSerializer):
    class Meta:
        model = OrderItem
        fields = [
            "id",
            "product_id",
            "product_name",
            "variant_id",
            "sku",
            "unit_price",
            "discount_percentage",
            "quantity",
            "size",
            "color",
            "line_total",
        ]


class OrderListOutputSerializer(ModelSerializer):
    balance_due = MoneyField(read_only=True)
    shipping = ShippingOutputSerializer(source="*", read_only=True)
    shipping_method = ShippingMethodSnapshotSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "user_id",
            "status",
            *TOTALS_FIELDS,
            "coupon_code",
            "shipping_method",
            "currency",
            "amount_paid",
            "amount_refunded",
            "balance_due",
            "shipping",
            "tracking_number",
            "cancel_reason",
            "needs_attention",
            "created_at",
            "updated_at",
        ]


class OrderOutputSerializer(OrderListOutputSerializer):
    items = OrderItemOutputSerializer(many=True, read_only=True)

    class Meta(OrderListOutputSerializer.Meta):
        fields = [*OrderListOutputSerializer.Meta.fields[:3], "items", *OrderListOutputSerializer.Meta.fields[3:]]


class OrderEventActorSerializer(Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_staff = serializers.BooleanField()


class OrderEventOutputSerializer(ModelSerializer):
    actor = OrderEventActorSerializer(read_only=True, allow_null=True, help_text="Who acted; null for the system.")

    class Meta:
        model = OrderEvent
        fields = ["id", "type", "message", "actor", "data", "created_at"]


class OrderNoteInputSerializer(Serializer):
    content = serializers.CharField(max_length=5000)
    customer_visible = serializers.BooleanField(default=False)


class OrderLineInputSerializer(Serializer):
    product_id = _id(required=False, help_text="With size/color; or send variant_id.")
    variant_id = _id(required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)
    size = serializers.CharField(
        max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, allow_null=True, default=""
    )
    color = serializers.CharField(
        max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, allow_null=True, default=""
    )

    def to_internal_value(self, data):
        values = _variant_or_product(super().to_internal_value(data))
        return OrderLine(
            values.get("product_id"),
            values["quantity"],
            values["size"] or "",
            values["color"] or "",
            values.get("variant_id"),
        )


class OrderInputSerializer(Serializer):
    items = serializers.ListField(child=OrderLineInputSerializer(), min_length=1, max_length=100)
    shipping = ShippingSerializer(required=False, allow_null=True)
    shipping_method_id = _id(
        required=False, allow_null=True, help_text="Required when an active shipping method serves the country."
    )
    coupon_code = serializers.CharField(max_length=50, required=False, allow_blank=True, allow_null=True)
    address_id = _id(required=False, help_text=ADDRESS_ID_HELP)
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
        _shipping_or_address(attrs, required=False)
        return attrs


class OrderUpdateInputSerializer(Serializer):
    items = serializers.ListField(child=OrderLineInputSerializer(), min_length=1, max_length=100)
    status = StatusField(required=False, help_text="Staff only.")


class OrderPatchInputSerializer(Serializer):
    status = StatusField(required=False, help_text="Staff; the owner may only send `cancelled`.")
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="Staff only.")
    refund = serializers.BooleanField(
        required=False,
        help_text="With `status: cancelled`: refund what was paid (default). Staff only may send false.",
    )


class CheckoutInputSerializer(Serializer):
    shipping = ShippingSerializer(required=False, help_text="Required unless `address_id` is sent.")
    address_id = _id(required=False, help_text=ADDRESS_ID_HELP)
    shipping_method_id = _id(
        required=False, allow_null=True, help_text="Required when an active shipping method serves the country."
    )

    def validate(self, attrs):
        _shipping_or_address(attrs, required=True)
        return attrs


class OrderCreatedSerializer(Serializer):
    message = serializers.CharField()
    order_id = serializers.IntegerField()
    status = serializers.CharField()
    order = OrderOutputSerializer()


class OrderUpdatedSerializer(Serializer):
    message = serializers.CharField()
    order_id = serializers.IntegerField()
    order = OrderOutputSerializer()
