import django_filters

from payments.models import Payment, PaymentMethod


class PaymentFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices)
    order = django_filters.NumberFilter(field_name="order_id", min_value=1)

    class Meta:
        model = Payment
        fields = ["method", "order"]
