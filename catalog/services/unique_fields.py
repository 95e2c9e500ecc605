"""The unique-field checks shared by categories and products: a taken value is a 409 naming its field."""

from django.db import IntegrityError, models, transaction

from shop.errors import Conflict


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
