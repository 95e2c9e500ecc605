"""What checkout asks of the customer's account: a verified email (when required) and their saved addresses."""

from django.conf import settings

from accounts.errors import EmailNotVerified
from accounts.models import Address, User
from shop.errors import NotFound


def order_placer_check(*, user: User, actor: User | None) -> None:
    """Raise EmailNotVerified (403) when REQUIRE_VERIFIED_EMAIL is on and a customer with an unverified
    email places an order. Staff placing an order for someone are not held to it."""
    placer = actor if actor is not None else user
    if settings.REQUIRE_VERIFIED_EMAIL and not placer.is_staff and not placer.email_verified:
        raise EmailNotVerified()


def address_shipping_fields(*, user: User, address_id: int) -> dict[str, str]:
    """The fields of `orders.services.orders.Shipping` copied from `user`'s saved address `address_id`:
    an order keeps its own copy, so editing the address later changes no order.

    Raises NotFound (404, field `address_id`) for an address that is not `user`'s.
    """
    address = Address.objects.filter(pk=address_id, user=user).first()
    if address is None:
        raise NotFound("Address not found", field="address_id")
    return {
        "full_name": address.full_name,
        "address": address.address,
        "city": address.city,
        "postal_code": address.postal_code,
        "country": address.country.code,
        "phone": address.phone,
    }
