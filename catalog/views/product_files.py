"""Staff move the whole catalog in and out as CSV or XLSX (catalog/services/product_import.py)."""

import tempfile

from django.conf import settings
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.serializers import ProductImportInputSerializer, ProductImportReportSerializer
from catalog.services.product_export import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    product_export_csv_chunks,
    product_export_xlsx,
)
from catalog.services.product_import import product_import
from catalog.services.product_import_rows import import_format
from catalog.services.product_jobs import product_export_job_start, product_import_job_start
from shop.errors import FileTooLarge, InvalidInput
from shop.jobs.serializers import JobStartedSerializer
from shop.permissions import IsStaff

ASYNC_PARAMETER = OpenApiParameter(
    "async", bool, default=False, description="Run on the queue: 202 {job_id}, followed at GET /api/jobs/<id>."
)


def _wants_async(request) -> bool:
    try:
        return serializers.BooleanField().to_internal_value(request.query_params.get("async", "false"))
    except serializers.ValidationError:
        raise InvalidInput("async must be true or false.", field="async") from None


class ProductImportView(APIView):
    permission_classes = [IsStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="products_import",
        request={"multipart/form-data": ProductImportInputSerializer},
        parameters=[ASYNC_PARAMETER],
        responses={200: ProductImportReportSerializer, 202: JobStartedSerializer},
        description="Upsert products from a CSV or XLSX file (by sku, else slug). Bad rows are reported, "
        "the others imported. The stock of existing products and variants is left alone unless set_stock=true. "
        "415 not .csv/.xlsx, 413 larger than PRODUCT_IMPORT_MAX_MB, 400 empty or unreadable. "
        "With async=true, or a file over PRODUCT_IMPORT_SYNC_MAX_MB: 202 and a job whose result is the report.",
    )
    def post(self, request):
        # Fields first (an unknown one is refused), the file's own checks below.
        options = ProductImportInputSerializer(data=request.data, partial=True)
        options.is_valid(raise_exception=True)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the file in the multipart field 'file'.", field="file")
        import_format(upload.name)
        if upload.size > settings.PRODUCT_IMPORT_MAX_MB * 1024 * 1024:
            raise FileTooLarge(f"File is larger than {settings.PRODUCT_IMPORT_MAX_MB} MB.", field="file")
        if upload.size == 0:
            raise InvalidInput("The file is empty.", field="file")
        # partial: the defaults of fields the form left out are not applied, hence .get().
        dry_run = options.validated_data.get("dry_run", False)
        set_stock = options.validated_data.get("set_stock", False)
        if _wants_async(request) or upload.size > settings.PRODUCT_IMPORT_SYNC_MAX_MB * 1024 * 1024:
            job = product_import_job_start(
                file=upload, filename=upload.name, dry_run=dry_run, set_stock=set_stock, user=request.user
            )
            return Response(JobStartedSerializer({"job_id": job.pk}).data, status=status.HTTP_202_ACCEPTED)
        report = product_import(
            file=upload, filename=upload.name, dry_run=dry_run, set_stock=set_stock, actor=request.user
        )
        return Response(ProductImportReportSerializer(report.as_dict()).data)


class _IgnoreFormatQueryParam(DefaultContentNegotiation):
    """`?format=` names the export's file type here, not DRF's renderer; errors stay JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ProductExportView(APIView):
    permission_classes = [IsStaff]
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
