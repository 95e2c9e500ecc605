from django.db import transaction

from catalog.models import Category
from catalog.services.unique_fields import unique_save
from shop.errors import Conflict
from shop.media import images_store, media_delete_on_commit, media_discarded_on_failure
from shop.slugs import slug_unique

CATEGORY_IMAGE_FOLDER = "categories"
_UNIQUE_FIELDS = ("name", "slug")
_EDITABLE_FIELDS = ("name", "slug", "description", "image_url", "is_active")


def _category_write(*, category: Category, data: dict, image) -> Category:
    stored = images_store(uploads=[image], folder=CATEGORY_IMAGE_FOLDER, field="image") if image else []
    with media_discarded_on_failure(stored=stored), transaction.atomic():
        if category.pk:
            category = Category.objects.select_for_update().get(pk=category.pk)
        old_public_id = category.image_public_id
        for field in _EDITABLE_FIELDS:
            if field in data:
                setattr(category, field, data[field])
        if stored:
            category.image_url = stored[0].secure_url
            category.image_public_id = stored[0].public_id
        elif "image_url" in data:
            # A new URL replaces an uploaded image: the category no longer owns a stored file.
            category.image_public_id = ""
        if not category.slug:
            category.slug = slug_unique(model=Category, name=category.name, exclude_pk=category.pk)
        category.full_clean(validate_unique=False, validate_constraints=False)
        unique_save(instance=category, fields=_UNIQUE_FIELDS)
        if old_public_id and old_public_id != category.image_public_id:
            media_delete_on_commit(public_id=old_public_id)
    return category


def category_create(*, data: dict, image=None) -> Category:
    """Create a category from `data` (name, slug?, description?, image_url?, is_active?).

    The slug is generated from the name unless given. `image`, an uploaded file, is
    stored through `shop.media` (outside the transaction) and becomes `image_url`.
    Raises Conflict (409) on a taken name or slug, the media errors (400/413/415) for
    a refused image; nothing is stored when it fails.
    """
    return _category_write(category=Category(), data=data, image=image)


def category_update(*, category: Category, data: dict, image=None) -> Category:
    """Change the fields present in `data`; a new image replaces the old one, removed from storage on commit.

    Raises as `category_create`.
    """
    return _category_write(category=category, data=data, image=image)


@transaction.atomic
def category_delete(*, category: Category) -> None:
    """Delete an empty category and, on commit, its stored image.

    Raises Conflict (409) while products still belong to it.
    """
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if locked.products.exists():
        raise Conflict("This category still has products.", field="category")
    public_id = locked.image_public_id
    locked.delete()
    media_delete_on_commit(public_id=public_id)
