import django_filters

from payments.models import Payment, PaymentMethod
from shop.serializers import MAX_ID


class PaymentFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    order = django_filters.NumberFilter(field_name="order_id", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Payment
        fields = ["method", "order"]
