import pytest

from content.models import BlogPost
from content.tests.factories import BlogPostFactory

pytestmark = pytest.mark.django_db


def test_admin_list_searches_and_filters_without_n_plus_one(admin_client, django_assert_max_num_queries):
    BlogPostFactory.create_batch(10)
    BlogPostFactory(title="Linen care", is_published=False)

    with django_assert_max_num_queries(10):
        response = admin_client.get("/admin/content/blogpost/?q=linen&is_published__exact=0")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_admin_add_makes_the_staff_member_the_author(admin_client, superuser):
    response = admin_client.post(
        "/admin/content/blogpost/add/",
        {"title": "From admin", "slug": "from-admin", "content": "Body", "is_published": "on"},
    )

    assert response.status_code == 302
    assert BlogPost.objects.get().author == superuser


def test_admin_actions_publish_and_unpublish(admin_client):
    posts = BlogPostFactory.create_batch(2, is_published=False)
    ids = [str(post.id) for post in posts]

    admin_client.post("/admin/content/blogpost/", {"action": "publish", "_selected_action": ids})
    assert BlogPost.objects.filter(is_published=True).count() == 2

    admin_client.post("/admin/content/blogpost/", {"action": "unpublish", "_selected_action": ids})
    assert BlogPost.objects.filter(is_published=False).count() == 2
