from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.serializers import (
    StoredMediaSerializer,
    UploadImageInputSerializer,
    UploadImagesErrorSerializer,
    UploadImagesInputSerializer,
    UploadImagesOutputSerializer,
)
from shop.errors import DomainError, InvalidInput
from shop.media import image_store
from shop.permissions import IsStaff


class UploadImageView(APIView):
    permission_classes = [IsStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": UploadImageInputSerializer}, responses={200: StoredMediaSerializer})
    def post(self, request):
        """Store one image (checked by decoding it) in `folder` (default `ecommerce`)."""
        serializer = UploadImageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = image_store(upload=serializer.validated_data["file"], folder=serializer.validated_data["folder"])
        return Response(StoredMediaSerializer(stored).data)


class UploadImagesView(APIView):
    permission_classes = [IsStaff]
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
