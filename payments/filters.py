import django_filters

from payments.models import Payment, PaymentMethod

# The largest id a BIGINT column holds; a bigger one would overflow SQLite's integers.
MAX_ID = 2**63 - 1


class PaymentFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    order = django_filters.NumberFilter(field_name="order_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Payment
        fields = ["method", "order"]
