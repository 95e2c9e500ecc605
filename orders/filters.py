import django_filters

from orders.models import Order, OrderStatus
from shop.serializers import MAX_ID


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    user = django_filters.NumberFilter(
        field_name="user_id", min_value=1, max_value=MAX_ID, help_text="Staff: orders of this user id."
    )
    needs_attention = django_filters.BooleanFilter(help_text="Staff: orders whose money needs a look.")

    class Meta:
        model = Order
        fields = ["status", "user", "needs_attention"]
