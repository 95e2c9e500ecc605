import django_filters

from accounts.models import normalize_email
from orders.inquiries.models import Inquiry, ProductRequest, ProductRequestStatus, QuoteRequest, QuoteRequestStatus
from orders.inquiries.selectors import inquiry_search


def _search_filter(model: type[Inquiry]) -> django_filters.CharFilter:
    names = [field.replace("_", " ") for field in model.SEARCH_FIELDS]
    help_text = f"Searches {', '.join(names[:-1])} and {names[-1]}."
    return django_filters.CharFilter(method="filter_q", help_text=help_text)


class InquiryFilter(django_filters.FilterSet):
    """The staff list's filters; each kind adds its `status` choices and its `q` search."""

    email = django_filters.CharFilter(method="filter_email", help_text="Exact email (case-insensitive).")

    class Meta:
        fields = ["status", "email", "q"]

    def filter_email(self, queryset, name, value):
        return queryset.filter(email=normalize_email(value))

    def filter_q(self, queryset, name, value):
        return inquiry_search(queryset, value)


class QuoteRequestFilter(InquiryFilter):
    status = django_filters.ChoiceFilter(choices=QuoteRequestStatus.choices)
    q = _search_filter(QuoteRequest)

    class Meta(InquiryFilter.Meta):
        model = QuoteRequest


class ProductRequestFilter(InquiryFilter):
    status = django_filters.ChoiceFilter(choices=ProductRequestStatus.choices)
    q = _search_filter(ProductRequest)

    class Meta(InquiryFilter.Meta):
        model = ProductRequest
