from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string

from content.models import BlogPost
from shop.errors import Conflict
from shop.slugs import SUFFIX_ROOM, slug_unique

SLUG_BASE_LENGTH = BlogPost._meta.get_field("slug").max_length - SUFFIX_ROOM


def blog_slug_free(*, title: str, exclude_pk: int | None = None) -> str:
    """A slug made from `title` that no other post holds: `title`, else `title-2`, `title-3`..."""
    return slug_unique(model=BlogPost, name=title, exclude_pk=exclude_pk, fallback="post")


def _blog_save(*, post: BlogPost, explicit_slug: bool) -> BlogPost:
    """Validate and save `post`. A generated slug that a concurrent writer took first is generated again."""
    post.full_clean(validate_unique=False)
    for attempt in range(3):
        try:
            with transaction.atomic():
                post.save()
        except IntegrityError:
            if not BlogPost.objects.filter(slug=post.slug).exclude(pk=post.pk).exists():
                raise
            if explicit_slug:
                raise Conflict("Slug already exists", field="slug") from None
            post.slug = blog_slug_free(title=post.title, exclude_pk=post.pk)
            if attempt:
                post.slug = f"{post.slug[:SLUG_BASE_LENGTH]}-{get_random_string(6).lower()}"
        else:
            return post
    raise Conflict("Slug already exists", field="slug")


def blog_create(
    *, author, title: str, content: str, image_url: str = "", is_published: bool = True, slug: str = ""
) -> BlogPost:
    """Create a post written by `author`; its slug comes from the title unless `slug` is given.

    Raises Conflict (409, field `slug`) for a taken explicit slug, ValidationError for bad fields.
    """
    post = BlogPost(
        author=author,
        title=title,
        content=content,
        image_url=image_url,
        is_published=is_published,
        slug=slug or blog_slug_free(title=title),
    )
    return _blog_save(post=post, explicit_slug=bool(slug))


def blog_update(
    *,
    post: BlogPost,
    title: str | None = None,
    content: str | None = None,
    image_url: str | None = None,
    is_published: bool | None = None,
    slug: str | None = None,
) -> BlogPost:
    """Change the given fields of `post` (None leaves a field as it is).

    The slug stays as it was when the title changes: links to the post keep working.
    Raises Conflict (409, field `slug`) for a slug another post holds.
    """
    changes = {"title": title, "content": content, "image_url": image_url, "is_published": is_published}
    for name, value in changes.items():
        if value is not None:
            setattr(post, name, value)
    explicit_slug = bool(slug) and slug != post.slug
    if explicit_slug:
        post.slug = slug
    return _blog_save(post=post, explicit_slug=explicit_slug)


def blog_delete(*, post: BlogPost) -> None:
    """Delete `post`."""
    post.delete()
