from django.db.models import QuerySet

from content.errors import BlogNotFound
from content.models import BlogPost


def blog_list(*, user) -> QuerySet[BlogPost]:
    """Posts `user` may read, newest first: every post for staff, published ones for everyone else."""
    posts = BlogPost.objects.select_related("author").order_by("-created_at", "-id")
    if not (user and user.is_staff):
        posts = posts.filter(is_published=True)
    return posts


def blog_get(*, user, post_id: int) -> BlogPost:
    """One post `user` may read; a draft is as absent as a missing post for non-staff.

    Raises BlogNotFound (404).
    """
    try:
        return blog_list(user=user).get(pk=post_id)
    except BlogPost.DoesNotExist:
        raise BlogNotFound() from None
