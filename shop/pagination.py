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
