"""Staff reads of quote requests and custom-product requests."""

import django_filters
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import normalize_email
from orders.models import (
    ProductRequest,
    ProductRequestNote,
    ProductRequestStatus,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestNote,
    QuoteRequestStatus,
)


def quote_request_list() -> QuerySet[QuoteRequest]:
    """Quote requests, newest first, with their items and notes prefetched (two queries whatever the page size)."""
    return QuoteRequest.objects.order_by("-created_at", "-id").prefetch_related(
        Prefetch("items", queryset=QuoteRequestItem.objects.order_by("id")),
        Prefetch("notes", queryset=QuoteRequestNote.objects.order_by("created_at", "id")),
    )


def product_request_list() -> QuerySet[ProductRequest]:
    """Custom-product requests, newest first, with their notes prefetched."""
    return ProductRequest.objects.order_by("-created_at", "-id").prefetch_related(
        Prefetch("notes", queryset=ProductRequestNote.objects.order_by("created_at", "id")),
    )


def _search(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    value = value.strip()
    if not value:
        return queryset
    matches = Q()
    for field in fields:
        matches |= Q(**{f"{field}__icontains": value})
    return queryset.filter(matches)


class QuoteRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=QuoteRequestStatus.choices)
    email = django_filters.CharFilter(method="filter_email", help_text="Exact email (case-insensitive).")
    q = django_filters.CharFilter(method="filter_q", help_text="Searches full name, email and message.")

    class Meta:
        model = QuoteRequest
        fields = ["status", "email", "q"]

    def filter_email(self, queryset, name, value):
        return queryset.filter(email=normalize_email(value))

    def filter_q(self, queryset, name, value):
        return _search(queryset, ("full_name", "email", "message"), value)


class ProductRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProductRequestStatus.choices)
    email = django_filters.CharFilter(method="filter_email", help_text="Exact email (case-insensitive).")
    q = django_filters.CharFilter(method="filter_q", help_text="Searches full name, email, company and description.")

    class Meta:
        model = ProductRequest
        fields = ["status", "email", "q"]

    def filter_email(self, queryset, name, value):
        return queryset.filter(email=normalize_email(value))

    def filter_q(self, queryset, name, value):
        return _search(queryset, ("full_name", "email", "company", "description"), value)
