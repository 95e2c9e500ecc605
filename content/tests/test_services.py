import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import StaffFactory, UserFactory
from content.models import BlogPost
from content.services import blog_create, blog_slug_free, blog_update
from content.tests.factories import BlogPostFactory
from shop.errors import Conflict

pytestmark = pytest.mark.django_db


def test_blog_slug_free_counts_up_past_taken_slugs():
    BlogPostFactory(slug="hello-world")
    BlogPostFactory(slug="hello-world-2")
    BlogPostFactory(slug="hello-world-wide")

    assert blog_slug_free(title="Hello, World!") == "hello-world-3"


def test_blog_slug_free_falls_back_when_the_title_has_no_latin_letters():
    assert blog_slug_free(title="你好") == "post"


def test_blog_slug_free_ignores_the_post_being_edited():
    post = BlogPostFactory(slug="hello")

    assert blog_slug_free(title="Hello", exclude_pk=post.pk) == "hello"


def test_blog_create_takes_a_fresh_slug_when_a_concurrent_writer_took_it(monkeypatch):
    # given a writer that computed "race" as free just before another post took it
    staff = StaffFactory()
    BlogPostFactory(slug="race")
    computed = iter(["race"])
    real_slug_free = blog_slug_free
    monkeypatch.setattr(
        "content.services.blog_slug_free", lambda **kwargs: next(computed, None) or real_slug_free(**kwargs)
    )

    # when it saves
    post = blog_create(author=staff, title="Race", content="x")

    # then it retried with the next free slug
    assert post.slug == "race-2"
    assert BlogPost.objects.count() == 2


def test_blog_create_refuses_a_non_staff_author():
    with pytest.raises(ValidationError):
        blog_create(author=UserFactory(), title="Hi", content="x")

    assert not BlogPost.objects.exists()


def test_blog_create_refuses_a_taken_explicit_slug():
    BlogPostFactory(slug="taken")

    with pytest.raises(Conflict):
        blog_create(author=StaffFactory(), title="Hi", content="x", slug="taken")


def test_blog_update_leaves_unset_fields_alone():
    post = BlogPostFactory(title="T", content="C", image_url="/media/a.png", is_published=False)

    blog_update(post=post, content="New")

    post.refresh_from_db()
    assert (post.title, post.content, post.image_url, post.is_published) == ("T", "New", "/media/a.png", False)


def test_blog_update_clears_the_image_with_an_empty_string():
    post = BlogPostFactory(image_url="/media/a.png")

    blog_update(post=post, image_url="")

    post.refresh_from_db()
    assert post.image_url == ""
