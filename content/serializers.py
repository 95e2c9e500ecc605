from django.core.validators import URLValidator
from rest_framework import serializers

from content.models import BlogPost

_absolute_url = URLValidator(schemes=["http", "https"])


def image_url_check(value: str) -> str:
    """An http(s) URL, or a path on this site such as a local upload under /media/."""
    if value and not (value.startswith("/") and not value.startswith("//")):
        _absolute_url(value)
    return value


class BlogPostInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=100_000)
    image_url = serializers.CharField(max_length=500, required=False, allow_blank=True, validators=[image_url_check])
    # DRF's BooleanField takes JSON booleans and the strings "true"/"false" (and 1/0) alike.
    is_published = serializers.BooleanField(required=False, default=True)
    slug = serializers.SlugField(max_length=220, required=False)


class BlogPostOutputSerializer(serializers.ModelSerializer):
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


class BlogCreatedOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
    id = serializers.IntegerField()
    blog = BlogPostOutputSerializer()


class MessageOutputSerializer(serializers.Serializer):
    message = serializers.CharField()
