"""Slugs made from names, one rule for every app: `base`, else `base-2`, `base-3`, ...

The unique index on each `slug` column stays the guard against a concurrent
writer; these functions only pick a slug that is free as far as they can see.
"""

import re
from collections.abc import Container

from django.db import models
from django.utils.text import slugify

# Room left at the end of a slug for the "-<n>" suffix.
SUFFIX_ROOM = 8


def slug_base(name: str, *, max_length: int, fallback: str) -> str:
    """`name` as a slug short enough to take a suffix within `max_length`; `fallback` when no letter is left."""
    return slugify(name)[: max_length - SUFFIX_ROOM].strip("-") or fallback


def slug_free(base: str, taken: Container[str]) -> str:
    """`base` when it is not in `taken`, else the first of `base-2`, `base-3`, ... that is not."""
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def slug_unique(
    *, model: type[models.Model], name: str, exclude_pk: int | None = None, fallback: str | None = None
) -> str:
    """A slug for `name` unused in `model` (the row `exclude_pk` aside), read with one indexed query.

    `fallback` (default: the model's name) is the base of a name without a letter slugify keeps.
    """
    base = slug_base(
        name, max_length=model._meta.get_field("slug").max_length, fallback=fallback or model._meta.model_name
    )
    taken = set(
        model.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$")
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return slug_free(base, taken)
