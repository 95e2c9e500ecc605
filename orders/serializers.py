from django_countries.serializer_fields import CountryField
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
from shop.serializers import MAX_ID, MoneyField


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class StatusField(serializers.ChoiceField):
    """An order status, read case-insensitively (the storefront sends "Pending")."""

    def __init__(self, **kwargs):
        super().__init__(choices=OrderStatus.choices, **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data.lower() if isinstance(data, str) else data)


# --- Cart ---------------------------------------------------------------------


class CartProductSerializer(serializers.ModelSerializer):
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


class CartItemOutputSerializer(serializers.ModelSerializer):
    product = CartProductSerializer(read_only=True)
    line_total = _cart_amount()

    class Meta:
        model = CartItem
        fields = ["id", "product", "quantity", "size", "color", "line_total"]


class CartOutputSerializer(serializers.ModelSerializer):
    items = CartItemOutputSerializer(source="lines", many=True, read_only=True)
    total = _cart_amount()
    currency = serializers.CharField(read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Units in the cart.")

    class Meta:
        model = Cart
        fields = ["id", "items", "total", "currency", "item_count"]


class CartItemInputSerializer(serializers.Serializer):
    product_id = _id()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, default=1)
    size = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, default="")
    color = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, default="")


class CartItemUpdateInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY, required=False)
    size = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True)
    color = serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True)


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
    balance_due = MoneyField(read_only=True)
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
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)
    size = serializers.CharField(
        max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, allow_null=True, default=""
    )
    color = serializers.CharField(
        max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True, allow_null=True, default=""
    )

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
    refund = serializers.BooleanField(
        required=False,
        help_text="With `status: cancelled`: refund what was paid (default). Staff only may send false.",
    )


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
