"""Staff reads of inquiries."""

from django.db.models import Q, QuerySet

from orders.inquiries.models import Inquiry, QuoteRequest


def inquiry_list(*, model: type[Inquiry]) -> QuerySet[Inquiry]:
    """One kind's inquiries, newest first, with their notes (and a quote's items) prefetched:
    one query per relation whatever the page size, each in its model's order."""
    related = ["items", "notes"] if model is QuoteRequest else ["notes"]
    return model.objects.order_by("-created_at", "-id").prefetch_related(*related)


def inquiry_search(queryset: QuerySet[Inquiry], value: str) -> QuerySet[Inquiry]:
    """The inquiries with `value` in any of their kind's SEARCH_FIELDS (case-insensitive)."""
    value = value.strip()
    if not value:
        return queryset
    matches = Q()
    for field in queryset.model.SEARCH_FIELDS:
        matches |= Q(**{f"{field}__icontains": value})
    return queryset.filter(matches)
