"""Unique slugs from names, and the unique-field checks shared by categories and products."""

import re

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from shop.errors import Conflict

# Room left at the end of a slug for the "-<n>" suffix.
_SUFFIX_ROOM = 8


def slug_unique(*, model: type[models.Model], name: str, exclude_pk: int | None = None) -> str:
    """A slug for `name` unused in `model`: `name-slug`, else `name-slug-2`, `-3`, ...

    Reads the taken slugs with one indexed query; the unique index still guards
    against a concurrent writer (see `unique_save`).
    """
    max_length = model._meta.get_field("slug").max_length
    base = slugify(name)[: max_length - _SUFFIX_ROOM].strip("-") or model._meta.model_name
    taken = set(
        model.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$")
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def unique_check(*, instance: models.Model, fields: tuple[str, ...]) -> None:
    """Raise Conflict (409, `field` set) when another row already holds one of `fields`' values."""
    model = type(instance)
    for field in fields:
        value = getattr(instance, field)
        if value in (None, ""):
            continue
        if model.objects.filter(**{field: value}).exclude(pk=instance.pk).exists():
            raise Conflict(f"A {model._meta.verbose_name} with this {field} already exists.", field=field)


def unique_save(*, instance: models.Model, fields: tuple[str, ...]) -> None:
    """Save `instance`, turning a unique-index race on `fields` into the same Conflict as `unique_check`."""
    unique_check(instance=instance, fields=fields)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        unique_check(instance=instance, fields=fields)
        raise
