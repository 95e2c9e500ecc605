from rest_framework import serializers

from shop.url_rules import SITE_OR_HTTP_URL_MESSAGE, is_site_or_http_url

# The largest id a BIGINT column holds: a bigger one in input is a 400, never a driver overflow.
MAX_ID = 2**63 - 1


class MessageSerializer(serializers.Serializer):
    """The `{"message": ...}` body of confirmations such as deletes, shared by every app."""

    message = serializers.CharField()


class ImageUrlField(serializers.CharField):
    """An absolute http(s) URL or a path on this site (local media): `shop.url_rules`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value and not is_site_or_http_url(value):
            raise serializers.ValidationError(SITE_OR_HTTP_URL_MESSAGE)
        return value


class MoneyField(serializers.DecimalField):
    """An amount of money: a Decimal with two places, rendered as a string so no client rounds it as a float.

    `max_digits` is 12 as on the money columns; totals summed over many rows pass more.
    """

    def __init__(self, *, max_digits: int = 12, **kwargs):
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)
