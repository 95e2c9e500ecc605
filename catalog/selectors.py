from decimal import Decimal

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from catalog.models import Offer, Product


def offer_active_q(prefix: str = "", now=None) -> Q:
    """Offers whose window contains `now`; `prefix` reaches them from another model (e.g. "offers__")."""
    now = now or timezone.now()
    return Q(**{f"{prefix}start_date__lte": now, f"{prefix}end_date__gte": now})


def offer_list_active(*, now=None) -> QuerySet[Offer]:
    return Offer.objects.filter(offer_active_q(now=now), product__is_disabled=False).select_related("product")


def product_discounts_now(*, product_ids) -> dict[int, Decimal]:
    """The best discount active now for each of `product_ids` that has one."""
    rows = (
        Offer.objects.filter(offer_active_q(), product_id__in=product_ids)
        .values("product_id")
        .annotate(best=Max("discount_percentage"))
    )
    return {row["product_id"]: row["best"] for row in rows}


def product_search(*, query: str, limit: int) -> QuerySet[Product]:
    """Active products matching `query` in name, description or SKU, most relevant first."""
    terms = query.split()
    matches = Q()
    for term in terms:
        matches |= Q(name__icontains=term) | Q(description__icontains=term) | Q(sku__iexact=term)
    return Product.objects.filter(matches, is_disabled=False).order_by("-is_trending", "name")[:limit]
