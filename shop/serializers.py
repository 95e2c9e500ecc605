from collections.abc import Mapping

from django_countries import serializer_fields as countries_serializer_fields
from rest_framework import serializers

from shop.errors import UnknownField
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


# A body may hold only the fields the serializer reads: any other → 400 `unknown_field`, nothing changed.
# The contract's rule for every write route, checked before any field is validated, so a misspelt `statuss`
# is never silently ignored. A PATCH with no field at all is refused the same way (it would answer 200 having
# changed nothing). Nested serializers check their own objects and name the field by its path
# (`items.colour`). Every body serializer takes this through `Serializer` or `ModelSerializer` below (query
# string serializers use DRF's own: `page` is not theirs); shop/tests/test_unknown_fields.py sends an unknown
# field to every write route. Comments rather than docstrings here: the schema would show a base's docstring
# as the description of every serializer without one.
class StrictInputMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [key for key in data if key not in writable]
            if unknown:
                names = [self._field_path(key) for key in unknown]
                raise UnknownField(
                    f"Unknown field{'s' if len(names) > 1 else ''}: {', '.join(names)}.",
                    field=names[0],
                    extra={"details": {name: ["This field is not taken by this route."] for name in names}},
                )
            if not data and self.parent is None and self._is_patch():
                raise UnknownField("A PATCH needs at least one field to change.")
        return super().to_internal_value(data)

    def _is_patch(self) -> bool:
        request = self.context.get("request")
        return self.partial or (request is not None and request.method == "PATCH")

    def _field_path(self, key: str) -> str:
        parts, node = [key], self
        while node is not None and node.field_name:
            parts.append(node.field_name)
            node = node.parent
        return ".".join(reversed(parts))


class Serializer(StrictInputMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    pass


class NoFieldsSerializer(Serializer):
    """The body of a write that takes no field (an action on the object in the path): it must be empty."""


class CountryField(countries_serializer_fields.CountryField):
    """django-countries' country field, refusing anything but a string: it reads `{}` and `[]` as ""
    (no country), which stored a tax rate for no country."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)
