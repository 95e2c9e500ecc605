from decimal import Decimal

from django.db import transaction

from catalog.models import Offer, Product
from shop.errors import InvalidInput, NotFound

_EDITABLE_FIELDS = ("product_id", "title", "discount_percentage", "start_date", "end_date")


def _offer_rules_check(offer: Offer) -> None:
    if not (Decimal(0) < offer.discount_percentage <= Decimal(100)):
        raise InvalidInput("The discount must be above 0 and at most 100.", field="discount_percentage")
    if offer.end_date < offer.start_date:
        raise InvalidInput("The offer cannot end before it starts.", field="end_date")


def _offer_write(*, offer: Offer, data: dict) -> Offer:
    if "product_id" in data and not Product.objects.filter(pk=data["product_id"]).exists():
        raise NotFound("Product not found", field="product_id")
    for field in _EDITABLE_FIELDS:
        if field in data:
            setattr(offer, field, data[field])
    _offer_rules_check(offer)
    offer.full_clean(validate_constraints=False)
    offer.save()
    return offer


@transaction.atomic
def offer_create(*, data: dict) -> Offer:
    """Create an offer from `data` (product_id, title, discount_percentage, start_date, end_date).

    Raises NotFound (404 "Product not found") and InvalidInput (400: discount
    outside (0, 100], end before start).
    """
    return _offer_write(offer=Offer(), data=data)


@transaction.atomic
def offer_update(*, offer: Offer, data: dict) -> Offer:
    """Change the fields present in `data`; the rules hold on the result. Raises as `offer_create`."""
    return _offer_write(offer=Offer.objects.select_for_update().get(pk=offer.pk), data=data)


def offer_delete(*, offer: Offer) -> None:
    offer.delete()
