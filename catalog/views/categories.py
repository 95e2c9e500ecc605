from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog import selectors
from catalog.cache import catalog_cached
from catalog.filters import CategoryFilter
from catalog.models import Category
from catalog.serializers import CategoryInputSerializer, CategoryMultipartSerializer, CategoryOutputSerializer
from catalog.services.categories import category_create, category_delete, category_update
from shop.parsers import MultipartActionsMixin, body_fields, json_or_multipart
from shop.permissions import IsStaffOrReadOnly, caller_is_staff
from shop.serializers import MessageSerializer


@extend_schema_view(list=extend_schema(description="Inactive categories are listed for staff only."))
class CategoryViewSet(MultipartActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsStaffOrReadOnly]
    multipart_actions = frozenset({"create", "update", "partial_update"})
    multipart_files_apart = True
    serializer_class = CategoryOutputSerializer
    filterset_class = CategoryFilter
    lookup_value_regex = r"\d+"
    queryset = Category.objects.none()

    def get_queryset(self):
        return selectors.category_list(include_inactive=caller_is_staff(self.request))

    def _render(self, category: Category) -> dict:
        return self.get_serializer(selectors.category_get(pk=category.pk, include_inactive=True)).data

    def _render_visible(self, **lookup) -> dict:
        category = selectors.category_get(**lookup, include_inactive=caller_is_staff(self.request))
        return self.get_serializer(category).data

    def _input(self, *, partial: bool) -> tuple[dict, object]:
        serializer = CategoryInputSerializer(data=body_fields(self.request), partial=partial)
        serializer.is_valid(raise_exception=True)
        images = self.request.FILES.getlist("image")
        return serializer.validated_data, (images[0] if images else None)

    @catalog_cached
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @catalog_cached
    def retrieve(self, request, pk=None):
        return Response(self._render_visible(pk=int(pk)))

    @extend_schema(filters=False)
    @action(detail=False, url_path=r"slug/(?P<slug>[^/]+)", filter_backends=[], pagination_class=None)
    @catalog_cached
    def slug(self, request, slug=None):
        return Response(self._render_visible(slug=slug))

    @extend_schema(
        request=json_or_multipart(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={201: CategoryOutputSerializer},
    )
    def create(self, request):
        data, image = self._input(partial=False)
        category = category_create(data=data, image=image)
        return Response(self._render(category), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=json_or_multipart(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={200: CategoryOutputSerializer},
        description="PUT and PATCH both change only the fields sent; a new `image` replaces the old one.",
    )
    def update(self, request, pk=None):
        category = get_object_or_404(Category, pk=pk)
        data, image = self._input(partial=True)
        return Response(self._render(category_update(category=category, data=data, image=image)))

    @extend_schema(
        request=json_or_multipart(CategoryInputSerializer, CategoryMultipartSerializer),
        responses={200: CategoryOutputSerializer},
    )
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk)

    @extend_schema(responses={200: MessageSerializer}, description="409 while the category still has products.")
    def destroy(self, request, pk=None):
        category_delete(category=get_object_or_404(Category, pk=pk))
        return Response({"message": "Category deleted"})
