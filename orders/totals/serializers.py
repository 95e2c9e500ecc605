from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from orders.totals.models import Coupon, CouponKind, ShippingMethod, TaxRate, coupon_code_normalize
from shop.serializers import MAX_ID, CountryField, ModelSerializer, MoneyField, Serializer


class ShippingMethodSerializer(ModelSerializer):
    countries = serializers.ListField(
        child=CountryField(),
        required=False,
        allow_empty=True,
        max_length=300,
        help_text="ISO 3166-1 alpha-2 codes; empty: every country.",
    )
    estimated_days = serializers.IntegerField(min_value=0, max_value=365, required=False, allow_null=True)

    class Meta:
        model = ShippingMethod
        fields = ["id", "name", "price", "free_over", "estimated_days", "countries", "is_active"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["countries"] = [country.code for country in instance.countries]
        return data


class ShippingMethodSnapshotSerializer(Serializer):
    """The method an order ships with, as it was when placed (or the cart's, as it is now)."""

    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    price = MoneyField()


class ShippingMethodQuerySerializer(serializers.Serializer):
    country = CountryField(required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2: only methods serving it.")


class CartPricingQuerySerializer(serializers.Serializer):
    """How the cart prices shipping and tax: see README, "Totals"."""

    country = CountryField(
        required=False, allow_blank=True, default="", help_text="The shipping country: its tax rate and methods."
    )
    shipping_method_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="The method chosen; default: the only one serving."
    )


class CouponCodeField(serializers.CharField):
    """A coupon code, normalised as stored (so uniqueness and lookups ignore case)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=50, **kwargs)

    def to_internal_value(self, data):
        return coupon_code_normalize(super().to_internal_value(data))


class CouponSerializer(ModelSerializer):
    code = CouponCodeField(
        help_text="Unique whatever its case; stored upper-case.",
        validators=[UniqueValidator(Coupon.objects.all(), message="A coupon with this code already exists.")],
    )
    kind = serializers.ChoiceField(choices=CouponKind.choices)
    times_used = serializers.IntegerField(read_only=True)

    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "kind",
            "value",
            "min_subtotal",
            "starts_at",
            "ends_at",
            "usage_limit",
            "per_customer_limit",
            "times_used",
            "is_active",
        ]

    def validate(self, attrs):
        # Shape only; the same rules are check constraints, which also guard the admin.
        merged = {field: getattr(self.instance, field, None) for field in ("kind", "value", "starts_at", "ends_at")}
        merged |= {key: value for key, value in attrs.items() if key in merged}
        if merged["kind"] == CouponKind.PERCENT and merged["value"] is not None and merged["value"] > 100:
            raise serializers.ValidationError({"value": ["A percent coupon is at most 100."]})
        if merged["starts_at"] and merged["ends_at"] and merged["ends_at"] <= merged["starts_at"]:
            raise serializers.ValidationError({"ends_at": ["ends_at must be after starts_at."]})
        return attrs


class CartCouponInputSerializer(Serializer):
    code = serializers.CharField(max_length=50)


class TaxRateSerializer(ModelSerializer):
    country = CountryField(
        validators=[UniqueValidator(TaxRate.objects.all(), message="This country already has a tax rate.")]
    )

    class Meta:
        model = TaxRate
        fields = ["id", "country", "rate", "name"]
