"""Query filters of the catalog lists (django-filter)."""

import json

from django_filters import rest_framework as filters

from catalog.models import Category, Product
from catalog.selectors import category_resolve, product_filter_text

PRODUCT_SORTS = {
    "name_asc": ("name", "id"),
    "name_desc": ("-name", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "-id"),
    "stock_asc": ("quantity", "id"),
    "stock_desc": ("-quantity", "-id"),
    "newest": ("-created_at", "-id"),
    # NULL averages (no review yet) come last on both SQLite and MySQL when descending.
    "rating": ("-rating_average", "-id"),
}


def _json_list_contains(queryset, field: str, value: str):
    # The lists are stored as JSON text; searching for the quoted item works on every
    # database (SQLite has no JSON containment lookup) and ignores case.
    return queryset.filter(**{f"{field}__icontains": json.dumps(value.strip())})


class ProductFilter(filters.FilterSet):
    category = filters.CharFilter(method="filter_category", help_text="Category slug or id.")
    q = filters.CharFilter(method="filter_q", help_text="Words to find in the name, description or SKU.")
    is_trending = filters.BooleanFilter()
    min_price = filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = filters.NumberFilter(field_name="price", lookup_expr="lte")
    in_stock = filters.BooleanFilter(method="filter_in_stock")
    color = filters.CharFilter(method="filter_color")
    size = filters.CharFilter(method="filter_size")
    sort = filters.ChoiceFilter(
        choices=[(name, name) for name in PRODUCT_SORTS], method="filter_sort", help_text="Default `name_asc`."
    )

    class Meta:
        model = Product
        fields = ["category", "q", "is_trending", "min_price", "max_price", "in_stock", "color", "size", "sort"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(categories=category_resolve(value=value))

    def filter_q(self, queryset, name, value):
        return product_filter_text(products=queryset, query=value)

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)

    def filter_color(self, queryset, name, value):
        return _json_list_contains(queryset, "colors", value)

    def filter_size(self, queryset, name, value):
        return _json_list_contains(queryset, "sizes", value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*PRODUCT_SORTS[value])


class CategoryFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")
    is_active = filters.BooleanFilter()

    class Meta:
        model = Category
        fields = ["q", "is_active"]
