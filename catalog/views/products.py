from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from catalog import selectors
from catalog.cache import catalog_cached, catalog_memo
from catalog.filters import ProductFilter, product_list_plain_order
from catalog.models import Product
from catalog.product_bodies import ProductRows, product_bodies, product_body
from catalog.serializers import (
    CategoryOptionSerializer,
    ProductInputSerializer,
    ProductMultipartSerializer,
    ProductOutputSerializer,
    ProductUpdateInputSerializer,
    ProductWriteResponseSerializer,
    ReviewInputSerializer,
    ReviewOutputSerializer,
)
from catalog.services.products import product_create, product_delete, product_update
from catalog.services.reviews import review_create, review_delete
from shop.pagination import PagePagination, RenderedPagePagination
from shop.parsers import MultipartActionsMixin, body_fields, json_or_multipart
from shop.permissions import AllowAny, IsAuthenticated, IsStaffOrReadOnly, caller_is_staff
from shop.serializers import MessageSerializer


class ProductPagination(RenderedPagePagination):
    page_size_aliases = ("elements",)


CATEGORY_PARAMETER = OpenApiParameter("category", str, description="Category slug or id.")
INCLUDE_DISABLED_PARAMETER = OpenApiParameter(
    "include_disabled", bool, description="Staff only: list disabled products too."
)
FACETS_PARAMETER = OpenApiParameter(
    "facets",
    bool,
    description="Add `facets`: category, color and size counts and the price range over the whole filtered "
    "result, each facet ignoring its own filter.",
)


@extend_schema_view(
    list=extend_schema(parameters=[INCLUDE_DISABLED_PARAMETER, FACETS_PARAMETER]),
    retrieve=extend_schema(description="Disabled products are found by staff only."),
)
class ProductViewSet(MultipartActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    multipart_actions = frozenset({"create", "update", "partial_update"})
    # A product's JSON has `images` (URLs) beside its `images` uploads.
    multipart_files_apart = True
    serializer_class = ProductOutputSerializer
    pagination_class = ProductPagination
    filterset_class = ProductFilter
    lookup_value_regex = r"\d+"
    queryset = Product.objects.none()

    def get_permissions(self):
        if self.action == "reviews" and self.request.method == "POST":
            return [IsAuthenticated()]
        if self.action == "reviews":
            return [AllowAny()]
        return super().get_permissions()

    def _wants_disabled(self) -> bool:
        return self.request.query_params.get("include_disabled") == "true" and caller_is_staff(self.request)

    def get_queryset(self):
        return selectors.product_list(include_disabled=self._wants_disabled())

    def _render(self, product: Product) -> dict:
        fresh = selectors.product_get(pk=product.pk, include_disabled=True)
        return ProductOutputSerializer(fresh, context=self.get_serializer_context()).data

    def _filters_key(self) -> str:
        # What a count or facets depend on: the filters and who may see disabled products, not the sort.
        filters = sorted((name, str(value)) for name, value in self.list_filters.items() if name != "sort")
        return f"{self._wants_disabled()} {filters}"

    def page_count(self, products) -> int:
        # Counts and facets are exact until the next catalog write, which moves the memo on.
        return catalog_memo(f"product-count {self._filters_key()}", products.count)

    def page_render(self, products) -> list[dict]:
        return product_bodies(products, staff=caller_is_staff(self.request))

    def _one(self, **lookup) -> Response:
        staff = caller_is_staff(self.request)
        body = product_body(**lookup, include_disabled=staff, staff=staff)
        if body is None:
            raise NotFound("Product not found")
        return Response(body)

    @catalog_cached
    def list(self, request):
        order = product_list_plain_order(request.query_params)
        if order is None:
            return self._list_filtered(request)
        # No filter: the rows are read with SQL written once per sort, without building a FilterSet.
        self.list_filters = {}
        products = ProductRows(include_disabled=self._wants_disabled(), order=order)
        response = self.get_paginated_response(self.paginate_queryset(products))
        if request.query_params.get("facets") == "true":
            response.data["facets"] = catalog_memo(f"product-facets {self._filters_key()}", self._facets_unfiltered)
        return response

    def _facets_unfiltered(self) -> dict:
        # Each facet's base is the list without that facet's filter: with no filter, the whole list.
        everything = self.get_queryset()
        return selectors.product_facets(
            category_base=everything, color_base=everything, size_base=everything, price_base=everything
        )

    def _list_filtered(self, request):
        filterset = self.filter_backends[0]().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        self.list_filters = filterset.form.cleaned_data
        response = self.get_paginated_response(self.paginate_queryset(filterset.qs))
        if request.query_params.get("facets") == "true":
            response.data["facets"] = catalog_memo(f"product-facets {self._filters_key()}", filterset.facets)
        return response

    @catalog_cached
    def retrieve(self, request, pk=None):
        return self._one(pk=int(pk))

    @extend_schema(filters=False)
    @action(detail=False, url_path=r"slug/(?P<slug>[^/]+)", filter_backends=[], pagination_class=None)
    @catalog_cached
    def slug(self, request, slug=None):
        return self._one(slug=slug)

    @extend_schema(
        request=json_or_multipart(ProductInputSerializer, ProductMultipartSerializer),
        responses={201: ProductWriteResponseSerializer},
    )
    def create(self, request):
        serializer = ProductInputSerializer(data=body_fields(request))
        serializer.is_valid(raise_exception=True)
        product = product_create(data=serializer.validated_data, uploads=request.FILES.getlist("images"))
        body = {"message": "Product created", "id": product.pk, "product": self._render(product)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=json_or_multipart(ProductUpdateInputSerializer, ProductMultipartSerializer),
        responses={200: ProductWriteResponseSerializer},
        description="PUT and PATCH both change only the fields sent.",
    )
    def update(self, request, pk=None):
        product = get_object_or_404(Product, pk=pk)
        serializer = ProductUpdateInputSerializer(data=body_fields(request), partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        removed = data.pop("removed_image_urls", [])
        uploads = request.FILES.getlist("images")
        product = product_update(product=product, data=data, uploads=uploads, removed_image_urls=removed)
        return Response({"message": "Product updated", "id": product.pk, "product": self._render(product)})

    @extend_schema(
        request=json_or_multipart(ProductUpdateInputSerializer, ProductMultipartSerializer),
        responses={200: ProductWriteResponseSerializer},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={200: MessageSerializer})
    def destroy(self, request, pk=None):
        product_delete(product=get_object_or_404(Product, pk=pk))
        return Response({"message": "Product deleted"})

    @extend_schema(parameters=[CATEGORY_PARAMETER], responses={200: ProductOutputSerializer(many=True)}, filters=False)
    @action(detail=False, filter_backends=[], pagination_class=None)
    def recommended(self, request):
        """Up to 8 random active in-stock products; the cost does not grow with the catalog."""
        value = request.query_params.get("category")
        category = selectors.category_resolve(value=value) if value else None
        products = selectors.product_recommended(category=category)
        return Response(self.get_serializer(products, many=True).data)

    @extend_schema(
        parameters=[CATEGORY_PARAMETER],
        responses={200: ProductOutputSerializer(many=True)},
        filters=False,
        description="Alias of `recommended`.",
    )
    @action(detail=False, filter_backends=[], pagination_class=None)
    def recommande(self, request):
        return self.recommended(request)

    @extend_schema(responses={200: CategoryOptionSerializer(many=True)}, filters=False)
    @action(detail=False, filter_backends=[], pagination_class=None, url_path="categories")
    @catalog_cached
    def categories(self, request):
        """Active categories as options for a select."""
        return Response(list(selectors.category_options()))

    @extend_schema(methods=["GET"], responses={200: ReviewOutputSerializer(many=True)}, filters=False)
    @extend_schema(methods=["POST"], request=ReviewInputSerializer, responses={201: ReviewOutputSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=PagePagination)
    def reviews(self, request, pk=None):
        """A product's reviews, newest first; any signed-in user may post one per product."""
        product = selectors.product_get_plain(pk=int(pk), include_disabled=caller_is_staff(request))
        reviews = selectors.review_list_for_product(product_id=product.pk)
        if request.method == "GET":
            page = self.paginate_queryset(reviews)
            return self.get_paginated_response(ReviewOutputSerializer(page, many=True).data)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_create(user=request.user, product=product, **serializer.validated_data)
        return Response(ReviewOutputSerializer(reviews.get(pk=review.pk)).data, status=status.HTTP_201_CREATED)


class ReviewViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ReviewOutputSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(responses={200: MessageSerializer}, description="The author or staff; anyone else gets 404.")
    def destroy(self, request, pk=None):
        review_delete(review=selectors.review_get_for_user(pk=int(pk), user=request.user))
        return Response({"message": "Review deleted"})
