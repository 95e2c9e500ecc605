from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action

from catalog.services.product_export import XLSX_CONTENT_TYPE
from shop.jobs import selectors
from shop.jobs.errors import JobFileNotReady
from shop.jobs.models import Job
from shop.jobs.serializers import JobSerializer
from shop.jobs.services import job_storage
from shop.permissions import IsStaff


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs (async imports and exports): the staff member who started one, or a superuser."""

    permission_classes = [IsStaff]
    serializer_class = JobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Job.objects.none()
        return selectors.job_list_for_user(user=self.request.user)

    @extend_schema(
        # The only files jobs write today are the catalog exports.
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY},
        description="The file a succeeded export wrote; 404 job_file_not_ready before that.",
    )
    @action(detail=True, url_path="file")
    def file(self, request, pk=None):
        job = self.get_object()
        if not job.output_name:
            raise JobFileNotReady()
        return FileResponse(
            job_storage().open(job.output_name, "rb"),
            as_attachment=True,
            filename=job.params.get("filename") or job.output_name.rsplit("/", 1)[-1],
        )
