"""Query filters of the catalog lists (django-filter)."""

import json

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django_filters import rest_framework as filters

from catalog.models import Category, Product, ProductVariant
from catalog.selectors import category_resolve, product_facets, product_filter_text

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


def _variant_found(condition: Q, *, found: bool) -> IsNull:
    """Whether the product has an active variant meeting `condition`, as `(SELECT id ... LIMIT 1) IS [NOT] NULL`.

    Not EXISTS: MariaDB turns an EXISTS into IN and may answer it by materialising every
    matching variant of the table (a full scan per request at 100k products). A scalar
    subquery stays a lookup per product in the `variant_product_options` index.
    """
    # Unordered: ordered by id, MariaDB may walk the primary key instead of the options index.
    variants = ProductVariant.objects.filter(condition, product=OuterRef("pk"), is_active=True).order_by()
    variant = variants.values("pk")[:1]
    return IsNull(Subquery(variant), not found)


def _option_match(queryset, axis: str, value: str):
    """Products offering `value` (exactly, ignoring case) on `axis` ("color" or "size").

    As the facets count them (catalog.selectors.product_facets): the options of a product's
    active variants, or, when none of them has one on this axis (one stock pool, the seeds'
    shape), the items of its JSON list. The list is JSON text, so the quoted item is looked
    for; SQLite has no JSON containment lookup.
    """
    value = value.strip()
    offered = _variant_found(Q(**{f"{axis}__iexact": value}), found=True)
    has_no_options = _variant_found(~Q(**{axis: ""}), found=False)
    listed = Q(**{f"{axis}s__icontains": json.dumps(value)})
    return queryset.filter(Q(offered) | (Q(has_no_options) & listed))


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

    def get_form_class(self):
        # The form's fields depend on the class alone: built once, not on every request (a form
        # copies its class's fields when it is made).
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    def filter_category(self, queryset, name, value):
        # Resolved once: the facets apply this filter to several querysets.
        if getattr(self, "_category", None) is None:
            self._category = category_resolve(value=value)
        # The link's copy of the price (ProductCategoryPrice), equal to the product's: MariaDB carries
        # a price sort and price range over to the link's (category, price, product) index and reads
        # one page of a large category in order, instead of sorting all of its products.
        return queryset.filter(category_prices__category=self._category, category_prices__price=F("price"))

    def filter_q(self, queryset, name, value):
        return product_filter_text(products=queryset, query=value)

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(quantity__gt=0) if value else queryset.filter(quantity=0)

    def filter_color(self, queryset, name, value):
        return _option_match(queryset, "color", value)

    def filter_size(self, queryset, name, value):
        return _option_match(queryset, "size", value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*PRODUCT_SORTS[value])

    def qs_without(self, *names: str):
        """The queryset filtered by every filter but `names` (and unsorted): a facet's base."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets(self) -> dict:
        return product_facets(
            category_base=self.qs_without("category"),
            color_base=self.qs_without("color"),
            size_base=self.qs_without("size"),
            price_base=self.qs_without("min_price", "max_price"),
        )


_FILTER_NAMES = frozenset(ProductFilter.base_filters) - {"sort"}


def product_list_plain_order(params) -> tuple[str, ...] | None:
    """The order of a product list that no filter narrows (`ProductFilter`'s sort, or its default).

    None when a filter is given or the sort is not one of `PRODUCT_SORTS`: the FilterSet then
    filters, or answers the 400, as it always did. A plain list skips building its form.
    """
    if not _FILTER_NAMES.isdisjoint(params.keys()):
        return None
    sort = params.get("sort") or "name_asc"
    return PRODUCT_SORTS.get(sort)


class CategoryFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")
    is_active = filters.BooleanFilter()

    class Meta:
        model = Category
        fields = ["q", "is_active"]
