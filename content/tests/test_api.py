from datetime import timedelta

import pytest
from django.utils import timezone

from content.models import BlogPost
from content.tests.factories import BlogPostFactory

pytestmark = pytest.mark.django_db

NEW_POST = {"title": "Summer sale is here", "content": "Everything linen is 20% off."}


def test_anyone_lists_published_posts_newest_first(api_client):
    now = timezone.now()
    old = BlogPostFactory(title="Old")
    new = BlogPostFactory(title="New")
    BlogPostFactory(title="Draft", is_published=False)
    BlogPost.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    BlogPost.objects.filter(pk=new.pk).update(created_at=now - timedelta(days=1))

    response = api_client.get("/api/blogs")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [post["id"] for post in body["results"]] == [new.id, old.id]
    assert set(body["results"][0]) == {
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
    }
    assert body["results"][0]["author_id"] == new.author_id
    assert body["results"][0]["author_name"] == new.author.name


def test_staff_also_list_drafts(staff_client):
    BlogPostFactory()
    draft = BlogPostFactory(is_published=False)

    response = staff_client.get("/api/blogs/")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert draft.id in [post["id"] for post in response.json()["results"]]


def test_customers_do_not_see_drafts(customer_client):
    BlogPostFactory(is_published=False)

    assert customer_client.get("/api/blogs").json()["count"] == 0


def test_blog_list_is_paginated(api_client):
    BlogPostFactory.create_batch(3)

    body = api_client.get("/api/blogs?limit=2&page=2").json()

    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["previous"] is not None and body["next"] is None


def test_blog_list_page_past_the_end_is_404(api_client):
    BlogPostFactory()

    response = api_client.get("/api/blogs?page=5")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("limit", [5, 100])
def test_blog_list_runs_a_fixed_number_of_queries(api_client, django_assert_num_queries, limit):
    BlogPostFactory.create_batch(12)

    with django_assert_num_queries(2):
        response = api_client.get(f"/api/blogs?limit={limit}")

    assert len(response.json()["results"]) == min(limit, 12)


@pytest.mark.parametrize("limit", [5, 100])
def test_blog_list_for_staff_runs_a_fixed_number_of_queries(staff_client, django_assert_num_queries, limit):
    BlogPostFactory.create_batch(12, is_published=False)

    # The token's user, the count, the page.
    with django_assert_num_queries(3):
        response = staff_client.get(f"/api/blogs?limit={limit}")

    assert len(response.json()["results"]) == min(limit, 12)


def test_anyone_reads_one_published_post(api_client):
    post = BlogPostFactory(title="Hello", content="World")

    response = api_client.get(f"/api/blogs/{post.id}/")

    assert response.status_code == 200
    assert response.json()["title"] == "Hello"
    assert response.json()["content"] == "World"


def test_unknown_post_is_404_blog_not_found(api_client):
    response = api_client.get("/api/blogs/999999")

    assert response.status_code == 404
    assert response.json() == {"error": "Blog not found", "code": "not_found"}


def test_a_draft_is_404_for_customers_and_readable_by_staff(customer_client, staff_client):
    draft = BlogPostFactory(is_published=False)

    hidden = customer_client.get(f"/api/blogs/{draft.id}")
    shown = staff_client.get(f"/api/blogs/{draft.id}")

    assert hidden.status_code == 404
    assert hidden.json()["error"] == "Blog not found"
    assert shown.status_code == 200
    assert shown.json()["is_published"] is False


def test_staff_create_a_post_authored_by_themselves(staff_client, staff):
    response = staff_client.post(
        "/api/blogs", {**NEW_POST, "image_url": "https://cdn.example.com/sale.jpg"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Blog created successfully"
    post = BlogPost.objects.get()
    assert body["id"] == post.id
    assert body["blog"]["slug"] == "summer-sale-is-here"
    assert body["blog"]["is_published"] is True
    assert body["blog"]["author_id"] == staff.id
    assert post.author == staff
    assert post.image_url == "https://cdn.example.com/sale.jpg"


@pytest.mark.parametrize(("sent", "stored"), [(False, False), ("false", False), ("true", True), (True, True)])
def test_is_published_accepts_booleans_and_their_strings(staff_client, sent, stored):
    response = staff_client.post("/api/blogs", {**NEW_POST, "is_published": sent}, format="json")

    assert response.status_code == 201
    assert BlogPost.objects.get().is_published is stored


def test_is_published_refuses_other_strings(staff_client):
    response = staff_client.post("/api/blogs", {**NEW_POST, "is_published": "maybe"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "is_published"
    assert not BlogPost.objects.exists()


def test_a_local_media_path_is_a_valid_image_url(staff_client):
    response = staff_client.post("/api/blogs", {**NEW_POST, "image_url": "/media/blog/a.png"}, format="json")

    assert response.status_code == 201
    assert response.json()["blog"]["image_url"] == "/media/blog/a.png"


@pytest.mark.parametrize("image_url", ["javascript:alert(1)", "//evil.example.com/a.png", "not a url"])
def test_image_url_must_be_http_or_a_site_path(staff_client, image_url):
    response = staff_client.post("/api/blogs", {**NEW_POST, "image_url": image_url}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "image_url"
    assert not BlogPost.objects.exists()


@pytest.mark.parametrize("missing", ["title", "content"])
def test_create_requires_title_and_content(staff_client, missing):
    body = {key: value for key, value in NEW_POST.items() if key != missing}

    response = staff_client.post("/api/blogs", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["field"] == missing


def test_malformed_json_is_400(staff_client):
    response = staff_client.post("/api/blogs", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert not BlogPost.objects.exists()


def test_same_titles_get_distinct_slugs(staff_client):
    first = staff_client.post("/api/blogs", NEW_POST, format="json").json()["blog"]["slug"]
    second = staff_client.post("/api/blogs", NEW_POST, format="json").json()["blog"]["slug"]

    assert (first, second) == ("summer-sale-is-here", "summer-sale-is-here-2")


def test_an_explicit_duplicate_slug_is_409(staff_client):
    BlogPostFactory(slug="taken")

    response = staff_client.post("/api/blogs", {**NEW_POST, "slug": "taken"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"error": "Slug already exists", "code": "conflict", "field": "slug"}
    assert BlogPost.objects.count() == 1


def test_anonymous_writes_are_401(api_client):
    post = BlogPostFactory()

    responses = [
        api_client.post("/api/blogs", NEW_POST, format="json"),
        api_client.put(f"/api/blogs/{post.id}", NEW_POST, format="json"),
        api_client.patch(f"/api/blogs/{post.id}", {"title": "x"}, format="json"),
        api_client.delete(f"/api/blogs/{post.id}"),
    ]

    assert [response.status_code for response in responses] == [401] * 4
    assert BlogPost.objects.get().title == post.title


def test_customer_writes_are_403(customer_client):
    post = BlogPostFactory()

    responses = [
        customer_client.post("/api/blogs", NEW_POST, format="json"),
        customer_client.put(f"/api/blogs/{post.id}", NEW_POST, format="json"),
        customer_client.patch(f"/api/blogs/{post.id}", {"title": "x"}, format="json"),
        customer_client.delete(f"/api/blogs/{post.id}"),
    ]

    assert [response.status_code for response in responses] == [403] * 4
    assert BlogPost.objects.get().title == post.title


def test_staff_replace_a_post_with_put(staff_client):
    post = BlogPostFactory(title="Before", is_published=False)

    response = staff_client.put(f"/api/blogs/{post.id}/", {**NEW_POST, "is_published": "true"}, format="json")

    assert response.status_code == 200
    assert response.json()["title"] == NEW_POST["title"]
    assert response.json()["is_published"] is True
    post.refresh_from_db()
    assert (post.title, post.content, post.is_published) == (NEW_POST["title"], NEW_POST["content"], True)


def test_put_requires_every_field(staff_client):
    post = BlogPostFactory()

    response = staff_client.put(f"/api/blogs/{post.id}", {"title": "Only a title"}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == "content"


def test_staff_patch_one_field_and_the_slug_stays(staff_client):
    post = BlogPostFactory(title="Before", slug="before", content="Kept")

    response = staff_client.patch(f"/api/blogs/{post.id}", {"title": "After"}, format="json")

    assert response.status_code == 200
    assert response.json()["title"] == "After"
    post.refresh_from_db()
    assert (post.title, post.slug, post.content) == ("After", "before", "Kept")


def test_patch_to_a_slug_another_post_holds_is_409(staff_client):
    BlogPostFactory(slug="taken")
    post = BlogPostFactory(slug="mine")

    response = staff_client.patch(f"/api/blogs/{post.id}", {"slug": "taken"}, format="json")

    assert response.status_code == 409
    post.refresh_from_db()
    assert post.slug == "mine"


def test_update_of_unknown_post_is_404(staff_client):
    response = staff_client.patch("/api/blogs/424242", {"title": "x"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"] == "Blog not found"


def test_staff_delete_a_post(staff_client):
    post = BlogPostFactory()

    response = staff_client.delete(f"/api/blogs/{post.id}")

    assert response.status_code == 200
    assert response.json() == {"message": "Blog deleted"}
    assert not BlogPost.objects.exists()


def test_delete_of_unknown_post_is_404(staff_client):
    response = staff_client.delete("/api/blogs/424242/")

    assert response.status_code == 404
    assert response.json()["error"] == "Blog not found"


def test_a_post_outlives_its_author(api_client):
    post = BlogPostFactory()
    post.author.delete()

    body = api_client.get(f"/api/blogs/{post.id}").json()

    assert (body["author_id"], body["author_name"]) == (None, None)
