import json
import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.filters import CategoryFilter, ProductFilter
from catalog.models import Category, Offer, Product
from catalog.permissions import IsStaffOrReadOnly
from catalog.serializers import (
    CategoryInputSerializer,
    CategoryMultipartSerializer,
    CategoryOptionSerializer,
    CategoryOutputSerializer,
    OfferInputSerializer,
    OfferOutputSerializer,
    ProductInputSerializer,
    ProductMultipartSerializer,
    ProductOutputSerializer,
    ProductUpdateInputSerializer,
    ProductWriteResponseSerializer,
    ReviewInputSerializer,
    ReviewOutputSerializer,
    StoredMediaSerializer,
    UploadImageInputSerializer,
    UploadImagesErrorSerializer,
    UploadImagesInputSerializer,
    UploadImagesOutputSerializer,
)
from catalog.services.categories import category_create, category_delete, category_update
from catalog.services.offers import offer_create, offer_delete, offer_update
from catalog.services.product_export import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    product_export_csv_chunks,
    product_export_xlsx,
)
from catalog.services.product_import import product_import
from catalog.services.product_import_rows import import_format
from catalog.services.product_jobs import product_export_job_start, product_import_job_start
from catalog.services.products import product_create, product_delete, product_update
from catalog.services.reviews import review_create, review_delete
from jobs.serializers import JobStartedSerializer
from shop.errors import DomainError, FileTooLarge, InvalidInput
from shop.media import image_store
from shop.pagination import PagePagination
from shop.serializers import MessageSerializer


def _is_staff(request) -> bool:
    return bool(request.user and request.user.is_staff)


def request_payload(request, *, files_field: str) -> tuple[dict, list]:
    """The JSON body, or for multipart the JSON in the `data` part and the files in `files_field`."""
    if not request.content_type.startswith("multipart/"):
        return request.data, []
    raw = request.data.get("data") or "{}"
    if hasattr(raw, "read"):
        # Browsers append a JSON Blob to FormData as a file part.
        raw = raw.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    try:
        payload = json.loads(raw)
    except ValueError:
        raise InvalidInput("data: not valid JSON.", field="data") from None
    if not isinstance(payload, dict):
        raise InvalidInput("data: expected a JSON object.", field="data")
    return payload, request.FILES.getlist(files_field)


def _body(json_serializer, multipart_serializer) -> dict:
    return {"application/json": json_serializer, "multipart/form-data": multipart_serializer}


class ProductPagination(PagePagination):
    page_size_aliases = ("elements",)


CATEGORY_PARAMETER = OpenApiParameter("category", str, description="Category slug or id.")
INCLUDE_DISABLED_PARAMETER = OpenApiParameter(
    "include_disabled", bool, description="Staff only: list disabled products too."
)


@extend_schema_view(
    list=extend_schema(parameters=[INCLUDE_DISABLED_PARAMETER]),
    retrieve=extend_schema(description="Disabled products are found by staff only."),
)
class ProductViewSet(viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = ProductOutputSerializer
    pagination_class = ProductPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter
    lookup_value_regex = r"\d+"
    queryset = Product.objects.none()

    def get_queryset(self):
        include_disabled = _is_staff(self.request) and self.request.query_params.get("include_disabled") == "true"
        return selectors.product_list(include_disabled=include_disabled)

    def _render(self, product: Product) -> dict:
        fresh = selectors.product_get(pk=product.pk, include_disabled=True)
        return ProductOutputSerializer(fresh, context=self.get_serializer_context()).data

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        product = selectors.product_get(pk=int(pk), include_disabled=_is_staff(request))
        return Response(self.get_serializer(product).data)

    @extend_schema(filters=False)
    @action(detail=False, url_path=r"slug/(?P<slug>[^/]+)", filter_backends=[], pagination_class=None)
    def slug(self, request, slug=None):
        product = selectors.product_get(slug=slug, include_disabled=_is_staff(request))
        return Response(self.get_serializer(product).data)

    @extend_schema(
        request=_body(ProductInputSerializer, ProductMultipartSerializer),
        responses={201: ProductWriteResponseSerializer},
    )
    def create(self, request):
        payload, files = request_payload(request, files_field="images")
        serializer = ProductInputSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        product = product_create(data=serializer.validated_data, uploads=files)
        body = {"message": "Product created", "id": product.pk, "product": self._render(product)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=_body(ProductUpdateInputSerializer, ProductMultipartSerializer),
        responses={200: ProductWriteResponseSerializer},
        description="PUT and PATCH both change only the fields sent.",
    )
    def update(self, request, pk=None):
        product = get_object_or_404(Product, pk=pk)
        payload, files = request_payload(request, files_field="images")
        serializer = ProductUpdateInputSerializer(data=payload, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        removed = data.pop("removed_image_urls", [])
        product = product_update(product=product, data=data, uploads=files, removed_image_urls=removed)
        return Response({"message": "Product updated", "id": product.pk, "product": self._render(product)})

    @extend_schema(
        request=_body(ProductUpdateInputSerializer, ProductMultipartSerializer),
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
    def categories(self, request):
        """Active categories as options for a select."""
        return Response(list(selectors.category_options()))

    def get_permissions(self):
        if self.action == "reviews" and self.request.method == "POST":
            return [IsAuthenticated()]
        if self.action == "reviews":
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(methods=["GET"], responses={200: ReviewOutputSerializer(many=True)}, filters=False)
    @extend_schema(methods=["POST"], request=ReviewInputSerializer, responses={201: ReviewOutputSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=PagePagination)
    def reviews(self, request, pk=None):
        """A product's reviews, newest first; any signed-in user may post one per product."""
        product = selectors.product_get_plain(pk=int(pk), include_disabled=_is_staff(request))
        reviews = selectors.review_list_for_product(product_id=product.pk)
        if request.method == "GET":
            page = self.paginate_queryset(reviews)
            return self.get_paginated_response(ReviewOutputSerializer(page, many=True).data)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_create(user=request.user, product=product, **serializer.validated_data)
        return Response(ReviewOutputSerializer(reviews.get(pk=review.pk)).data, status=status.HTTP_201_CREATED)


class CategoryViewSet(viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = CategoryOutputSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CategoryFilter
    lookup_value_regex = r"\d+"
    queryset = Category.objects.none()

    def get_queryset(self):
        return selectors.category_list(include_inactive=_is_staff(self.request))

    def _render(self, category: Category) -> dict:
        return self.get_serializer(selectors.category_get(pk=category.pk, include_inactive=True)).data

    def _input(self, request, *, partial: bool) -> tuple[dict, object]:
        payload, files = request_payload(request, files_field="image")
        serializer = CategoryInputSerializer(data=payload, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data, (files[0] if files else None)

    @extend_schema(description="Inactive categories are listed for staff only.")
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self._render_visible(pk=int(pk)))

    @extend_schema(filters=False)
    @action(detail=False, url_path=r"slug/(?P<slug>[^/]+)", filter_backends=[], pagination_class=None)
    def slug(self, request, slug=None):
        return Response(self._render_visible(slug=slug))

    def _render_visible(self, **lookup) -> dict:
        category = selectors.category_get(**lookup, include_inactive=_is_staff(self.request))
        return self.get_serializer(category).data

    @extend_schema(
        request=_body(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={201: CategoryOutputSerializer},
    )
    def create(self, request):
        data, image = self._input(request, partial=False)
        category = category_create(data=data, image=image)
        return Response(self._render(category), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=_body(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={200: CategoryOutputSerializer},
        description="PUT and PATCH both change only the fields sent; a new `image` replaces the old one.",
    )
    def update(self, request, pk=None):
        category = get_object_or_404(Category, pk=pk)
        data, image = self._input(request, partial=True)
        return Response(self._render(category_update(category=category, data=data, image=image)))

    @extend_schema(
        request=_body(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={200: CategoryOutputSerializer},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={200: MessageSerializer}, description="409 while the category still has products.")
    def destroy(self, request, pk=None):
        category_delete(category=get_object_or_404(Category, pk=pk))
        return Response({"message": "Category deleted"})


class OfferViewSet(viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    serializer_class = OfferOutputSerializer
    lookup_value_regex = r"\d+"
    queryset = Offer.objects.none()

    def get_queryset(self):
        if self.action == "all":
            return selectors.offer_list_all()
        return selectors.offer_list_active()

    def get_permissions(self):
        if self.action == "all":
            return [IsAdminUser()]
        return super().get_permissions()

    def _render(self, offer: Offer) -> dict:
        return self.get_serializer(selectors.offer_get(pk=offer.pk, include_hidden=True)).data

    @extend_schema(description="Offers running now, on visible products.")
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={200: OfferOutputSerializer(many=True)}, description="Staff: every offer, newest first.")
    @action(detail=False)
    def all(self, request):
        return self.list(request)

    def retrieve(self, request, pk=None):
        offer = selectors.offer_get(pk=int(pk), include_hidden=_is_staff(request))
        return Response(self.get_serializer(offer).data)

    @extend_schema(request=OfferInputSerializer, responses={201: OfferOutputSerializer})
    def create(self, request):
        serializer = OfferInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = offer_create(data=serializer.validated_data)
        return Response(self._render(offer), status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferInputSerializer, responses={200: OfferOutputSerializer})
    def update(self, request, pk=None):
        offer = get_object_or_404(Offer, pk=pk)
        serializer = OfferInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return Response(self._render(offer_update(offer=offer, data=serializer.validated_data)))

    @extend_schema(request=OfferInputSerializer, responses={200: OfferOutputSerializer})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={200: MessageSerializer})
    def destroy(self, request, pk=None):
        offer_delete(offer=get_object_or_404(Offer, pk=pk))
        return Response({"message": "Offer deleted"})


class ReviewViewSet(mixins.DestroyModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ReviewOutputSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(responses={200: MessageSerializer}, description="The author or staff; anyone else gets 404.")
    def destroy(self, request, pk=None):
        review_delete(review=selectors.review_get_for_user(pk=int(pk), user=request.user))
        return Response({"message": "Review deleted"})


class UploadImageView(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadImageInputSerializer}, responses={200: StoredMediaSerializer})
    def post(self, request):
        """Store one image (checked by decoding it) in `folder` (default `ecommerce`)."""
        serializer = UploadImageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = image_store(upload=serializer.validated_data["file"], folder=serializer.validated_data["folder"])
        return Response(StoredMediaSerializer(stored).data)


class UploadImagesView(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadImagesInputSerializer},
        responses={200: UploadImagesOutputSerializer, 400: UploadImagesErrorSerializer},
        description="Stores each file on its own; 400 (with `uploaded` and `failed`) when none could be stored.",
    )
    def post(self, request):
        serializer = UploadImagesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        folder = serializer.validated_data["folder"]
        uploaded, failed = [], []
        for upload in serializer.validated_data["files"]:
            try:
                uploaded.append(StoredMediaSerializer(image_store(upload=upload, folder=folder)).data)
            except DomainError as error:
                failed.append({"filename": upload.name, "error": error.message})
        if not uploaded:
            raise InvalidInput("No file could be uploaded.", field="files", extra={"uploaded": [], "failed": failed})
        return Response({"uploaded": uploaded, "failed": failed})


# --- Product import and export -------------------------------------------------
# Staff move the whole catalog in and out as CSV or XLSX (catalog/services/product_import.py).


class ProductImportInputSerializer(drf_serializers.Serializer):
    file = drf_serializers.FileField(help_text="A .csv (UTF-8) or .xlsx file with the import_products columns.")
    dry_run = drf_serializers.BooleanField(default=False, help_text="Check and count everything, write nothing.")


class ProductImportErrorSerializer(drf_serializers.Serializer):
    row = drf_serializers.IntegerField(help_text="Line number in the file; the header is line 1.")
    field = drf_serializers.CharField(allow_null=True)
    error = drf_serializers.CharField()


class ProductImportReportSerializer(drf_serializers.Serializer):
    created = drf_serializers.IntegerField()
    updated = drf_serializers.IntegerField()
    unchanged = drf_serializers.IntegerField(help_text="Rows identical to the stored product, left alone.")
    errors = ProductImportErrorSerializer(many=True)
    dry_run = drf_serializers.BooleanField()


ASYNC_PARAMETER = OpenApiParameter(
    "async", bool, default=False, description="Run on the queue: 202 {job_id}, followed at GET /api/jobs/<id>."
)


class ProductImportView(APIView):
    permission_classes = [IsAdminUser]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="products_import",
        request={"multipart/form-data": ProductImportInputSerializer},
        parameters=[ASYNC_PARAMETER],
        responses={200: ProductImportReportSerializer, 202: JobStartedSerializer},
        description="Upsert products from a CSV or XLSX file (by sku, else slug). Bad rows are reported, "
        "the others imported. 415 not .csv/.xlsx, 413 larger than PRODUCT_IMPORT_MAX_MB, 400 empty or unreadable. "
        "With async=true, or a file over PRODUCT_IMPORT_SYNC_MAX_MB: 202 and a job whose result is the report.",
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the file in the multipart field 'file'.", field="file")
        import_format(upload.name)
        if upload.size > settings.PRODUCT_IMPORT_MAX_MB * 1024 * 1024:
            raise FileTooLarge(f"File is larger than {settings.PRODUCT_IMPORT_MAX_MB} MB.", field="file")
        if upload.size == 0:
            raise InvalidInput("The file is empty.", field="file")
        options = ProductImportInputSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        dry_run = options.validated_data["dry_run"]
        if _wants_async(request) or upload.size > settings.PRODUCT_IMPORT_SYNC_MAX_MB * 1024 * 1024:
            job = product_import_job_start(file=upload, filename=upload.name, dry_run=dry_run, user=request.user)
            return Response(JobStartedSerializer({"job_id": job.pk}).data, status=status.HTTP_202_ACCEPTED)
        report = product_import(file=upload, filename=upload.name, dry_run=dry_run)
        return Response(ProductImportReportSerializer(report.as_dict()).data)


def _wants_async(request) -> bool:
    try:
        return drf_serializers.BooleanField().to_internal_value(request.query_params.get("async", "false"))
    except drf_serializers.ValidationError:
        raise InvalidInput("async must be true or false.", field="async") from None


class _IgnoreFormatQueryParam(DefaultContentNegotiation):
    """`?format=` names the export's file type here, not DRF's renderer; errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ProductExportView(APIView):
    permission_classes = [IsAdminUser]
    content_negotiation_class = _IgnoreFormatQueryParam

    @extend_schema(
        operation_id="products_export",
        parameters=[
            OpenApiParameter("format", str, enum=["csv", "xlsx"], default="csv", description="File type."),
            ASYNC_PARAMETER,
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
            (202, "application/json"): JobStartedSerializer,
        },
        description="Every product (disabled ones too) in the import's format, re-importable as is. CSV streams. "
        "With async=true: 202 and a job writing the file, its result {url} of GET /api/jobs/<id>/file.",
    )
    def get(self, request):
        export_format = request.query_params.get("format", "csv")
        if export_format not in ("csv", "xlsx"):
            raise InvalidInput("format must be csv or xlsx.", field="format")
        if _wants_async(request):
            job = product_export_job_start(export_format=export_format, user=request.user)
            return Response(JobStartedSerializer({"job_id": job.pk}).data, status=status.HTTP_202_ACCEPTED)
        filename = f"products-{timezone.now():%Y%m%d-%H%M%S}.{export_format}"
        if export_format == "csv":
            response = StreamingHttpResponse(product_export_csv_chunks(), content_type=CSV_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        # openpyxl writes a zip, which needs a seekable file: spool to disk past 16 MB.
        workbook = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        product_export_xlsx(stream=workbook)
        workbook.seek(0)
        return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
