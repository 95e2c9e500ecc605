import pytest

from content import demo
from content.models import BlogPost

pytestmark = pytest.mark.django_db


def test_seed_adds_the_posts_once():
    first = demo.seed()
    count = BlogPost.objects.count()
    second = demo.seed()

    assert count == len(demo.POSTS)
    assert BlogPost.objects.count() == count
    assert "(0 new)" in second and f"({count} new)" in first
    assert BlogPost.objects.filter(is_published=False).exists()
