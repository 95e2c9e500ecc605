from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from content.selectors import blog_get, blog_list
from content.serializers import (
    BlogCreatedOutputSerializer,
    BlogPostInputSerializer,
    BlogPostOutputSerializer,
    MessageOutputSerializer,
)
from content.services import blog_create, blog_delete, blog_update
from shop.permissions import AllowAny, IsStaff


@extend_schema_view(list=extend_schema(summary="List blog posts, newest first (drafts only for staff)"))
class BlogPostViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Blog posts: anyone reads published ones, staff read drafts too and write."""

    lookup_value_regex = r"\d+"
    serializer_class = BlogPostOutputSerializer

    def get_permissions(self):
        return [AllowAny()] if self.request.method in SAFE_METHODS else [IsStaff()]

    def get_queryset(self):
        return blog_list(user=self.request.user)

    def _post(self):
        return blog_get(user=self.request.user, post_id=int(self.kwargs["pk"]))

    @extend_schema(summary="One blog post")
    def retrieve(self, request, pk=None):
        return Response(BlogPostOutputSerializer(self._post()).data)

    @extend_schema(
        summary="Create a blog post",
        request=BlogPostInputSerializer,
        responses={201: BlogCreatedOutputSerializer},
    )
    def create(self, request):
        data = self._valid_input(partial=False)
        post = blog_create(author=request.user, **data)
        body = {"message": "Blog created successfully", "id": post.id, "blog": BlogPostOutputSerializer(post).data}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Replace a blog post", request=BlogPostInputSerializer, responses=BlogPostOutputSerializer)
    def update(self, request, pk=None):
        return self._update(partial=False)

    @extend_schema(summary="Change a blog post", request=BlogPostInputSerializer, responses=BlogPostOutputSerializer)
    def partial_update(self, request, pk=None):
        return self._update(partial=True)

    @extend_schema(summary="Delete a blog post", responses={200: MessageOutputSerializer})
    def destroy(self, request, pk=None):
        blog_delete(post=self._post())
        return Response({"message": "Blog deleted"})

    def _valid_input(self, *, partial: bool) -> dict:
        serializer = BlogPostInputSerializer(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _update(self, *, partial: bool) -> Response:
        post = self._post()
        data = self._valid_input(partial=partial)
        post = blog_update(post=post, **data)
        return Response(BlogPostOutputSerializer(post).data)
