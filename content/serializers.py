from rest_framework import serializers

from content.models import BlogPost
from shop.serializers import ImageUrlField, ModelSerializer, Serializer


class BlogPostInputSerializer(Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=100_000)
    image_url = ImageUrlField(required=False, allow_blank=True)
    # DRF's BooleanField takes JSON booleans and the strings "true"/"false" (and 1/0) alike.
    is_published = serializers.BooleanField(required=False, default=True)
    slug = serializers.SlugField(max_length=220, required=False)


class BlogPostOutputSerializer(ModelSerializer):
    author_id = serializers.IntegerField(allow_null=True, read_only=True)
    author_name = serializers.CharField(source="author.name", allow_null=True, read_only=True)

    class Meta:
        model = BlogPost
        fields = [
            "id",
            "title",
            "slug",
            "content",
            "image_url",
            "is_published",
            "author_id",
            "author_name",
            "created_at",
            "updated_at",
        ]


class BlogCreatedOutputSerializer(Serializer):
    message = serializers.CharField()
    id = serializers.IntegerField()
    blog = BlogPostOutputSerializer()


class MessageOutputSerializer(Serializer):
    message = serializers.CharField()
