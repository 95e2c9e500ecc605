from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`?page=` from 1 and `?limit=` (default 20, clamped to 1..100)."""

    page_size = 20
    max_page_size = 100
    page_size_query_param = "limit"
    # Other query names accepted for the page size, e.g. the storefront's `elements`.
    page_size_aliases: tuple[str, ...] = ()

    def get_page_size(self, request):
        for name in (self.page_size_query_param, *self.page_size_aliases):
            raw = request.query_params.get(name)
            if raw is None:
                continue
            try:
                return min(max(int(raw), 1), self.max_page_size)
            except ValueError:
                return self.page_size
        return self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for name in self.page_size_aliases:
            parameters.append(
                {
                    "name": name,
                    "required": False,
                    "in": "query",
                    "description": f"Alias of `{self.page_size_query_param}`.",
                    "schema": {"type": "integer"},
                }
            )
        return parameters

    def get_paginated_response_schema(self, schema):
        # All four keys are in every page (`next`/`previous` null at the ends): required for generated clients.
        paginated = super().get_paginated_response_schema(schema)
        paginated["required"] = ["count", "next", "previous", "results"]
        return paginated


class CappedRowsPaginator(Paginator):
    """Django's paginator with a `count` capped at `count_cap` and pages rendered by `render`.

    Counting every match of a large table costs as much as reading it; a shopper never pages
    past a few hundred pages, so the count stops at the cap (pages beyond it are 404).
    `counter(capped_queryset)` counts (a view may remember counts); `render` turns a page's
    still-unevaluated slice into its bodies, so no model instance is built.
    """

    def __init__(self, object_list, per_page, *, count_cap: int, counter, render):
        super().__init__(object_list, per_page)
        self.count_cap, self.counter, self.render = count_cap, counter, render

    @cached_property
    def count(self) -> int:
        # Ids only and unordered: the count needs neither the annotations (a subquery per row)
        # nor the order, and the database then picks its cheapest plan (10x-20x at 1M rows).
        rows = self.object_list
        if isinstance(rows, QuerySet):
            rows = rows.values("pk").order_by()
        # Anything else (catalog.product_bodies.ProductRows) slices and counts itself.
        return self.counter(rows[: self.count_cap])

    def _get_page(self, object_list, number, paginator):
        return super()._get_page(self.render(object_list), number, paginator)


class RenderedPagePagination(PagePagination):
    """`PagePagination` whose pages the view's `page_render(sliced_queryset)` turns into bodies,
    counted by its `page_count(capped_queryset)`."""

    count_cap = 10_000

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return CappedRowsPaginator(
            queryset, page_size, count_cap=self.count_cap, counter=self.view.page_count, render=self.view.page_render
        )
