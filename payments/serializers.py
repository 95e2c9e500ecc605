from datetime import timedelta

from django.utils import timezone
from rest_framework import serializers

from orders.reports.statistics import INTERVALS
from payments.models import Payment, PaymentMethod, Refund
from shop.serializers import MAX_ID, ModelSerializer, MoneyField, Serializer

# Sums over every sale have no column to fit and no upper bound: a digit cap here turned a
# large enough year into a 500 (101 orders at the largest order total).
TOTAL_DIGITS = None


class PaymentInputSerializer(Serializer):
    order_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class PaymentOutputSerializer(ModelSerializer):
    amount = MoneyField(max_digits=TOTAL_DIGITS)

    class Meta:
        model = Payment
        fields = ["id", "order_id", "amount", "method", "reference", "created_at"]


class DateRangeSerializer(serializers.Serializer):
    """`?from=&to=` as ISO dates, both included."""

    def get_fields(self):
        # `from` is a Python keyword, so these fields cannot be class attributes.
        return {
            "from": serializers.DateField(required=False, source="date_from"),
            "to": serializers.DateField(required=False, source="date_to"),
        }

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"to": ["Must not be before `from`."]})
        return attrs


# Filling empty periods costs one entry each; this bounds a request's answer.
MAX_SALES_PERIODS = 1000
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 28}


class SalesQuerySerializer(DateRangeSerializer):
    def get_fields(self):
        return super().get_fields() | {"interval": serializers.ChoiceField(choices=list(INTERVALS), default="day")}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("date_from"):
            # Without `to`, the filled series runs to the last sale, at the latest today.
            last = attrs.get("date_to") or max(timezone.localdate(), attrs["date_from"])
            span: timedelta = last - attrs["date_from"]
            if span.days // _PERIOD_DAYS[attrs["interval"]] >= MAX_SALES_PERIODS:
                raise serializers.ValidationError(
                    {"from": [f"At most {MAX_SALES_PERIODS} periods per request; narrow the range."]}
                )
        return attrs


class ProfitSerializer(Serializer):
    revenue = MoneyField(max_digits=TOTAL_DIGITS, help_text="Product revenue: the line totals, after offers.")
    discounts = MoneyField(max_digits=TOTAL_DIGITS, help_text="Coupon discounts, deducted from profit.")
    shipping = MoneyField(max_digits=TOTAL_DIGITS, help_text="Shipping charged, apart from revenue.")
    tax = MoneyField(max_digits=TOTAL_DIGITS, help_text="Tax of these orders, apart from revenue.")
    cost = MoneyField(max_digits=TOTAL_DIGITS)
    profit = MoneyField(max_digits=TOTAL_DIGITS)
    orders_count = serializers.IntegerField()
    currency = serializers.CharField()


class ProductSalesSerializer(Serializer):
    product_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    units = serializers.IntegerField()
    revenue = MoneyField(max_digits=TOTAL_DIGITS)
    percentage = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=True)


class CategorySalesSerializer(Serializer):
    category_id = serializers.IntegerField(allow_null=True)
    category = serializers.CharField()
    units = serializers.IntegerField()
    revenue = MoneyField(max_digits=TOTAL_DIGITS)
    percentage = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=True)
    products = ProductSalesSerializer(many=True)


class SalesPeriodSerializer(Serializer):
    period = serializers.DateField()
    orders = serializers.IntegerField()
    revenue = MoneyField(max_digits=TOTAL_DIGITS)


class CardPaymentStartSerializer(Serializer):
    provider = serializers.CharField()
    payment_intent_id = serializers.CharField()
    client_secret = serializers.CharField(help_text="Hand it to Stripe.js (confirmPayment) in the storefront.")
    amount = MoneyField()
    currency = serializers.CharField()


class RefundInputSerializer(Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    payment_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)


class RefundOutputSerializer(ModelSerializer):
    amount = MoneyField()

    class Meta:
        model = Refund
        fields = ["id", "order_id", "payment_id", "amount", "reason", "status", "created_at"]
