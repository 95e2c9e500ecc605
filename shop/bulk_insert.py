"""Multi-row INSERTs of already validated values, for the writes too large for the ORM (a product import)."""

from datetime import datetime
from functools import partial
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone


def rows_insert(model, rows: list[dict], *, now: datetime | None = None) -> None:
    """INSERT `rows` (attname -> clean Python value) with one executemany, defaults filled in.

    Django's bulk_create runs every value through the ORM's compiler, which was most of
    a large import's time; these values are already validated, so only JSON, UUIDs and
    datetimes need adapting. The driver batches them into multi-row INSERTs. Fields with
    auto_now(_add) get `now` (default: the current time); a default is computed once, so a
    UUID primary key must be given in every row.
    """
    if not rows:
        return
    ops = connection.ops
    now = now or timezone.now()
    fields = [model_field for model_field in model._meta.concrete_fields if model_field is not model._meta.auto_field]
    adapters = {}
    defaults = {}
    for model_field in fields:
        adapt = None
        if isinstance(model_field, models.JSONField):
            adapt = partial(ops.adapt_json_value, encoder=model_field.encoder)
        elif isinstance(model_field, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(model_field, models.UUIDField) or isinstance(
            getattr(model_field, "target_field", None), models.UUIDField
        ):
            adapt = partial(model_field.get_db_prep_value, connection=connection)
        if adapt:
            adapters[model_field.attname] = adapt
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default = now
        else:
            default = model_field.get_default()
        defaults[model_field.attname] = adapt(default) if adapt and default is not None else default
    # Merging into the defaults and picking the columns with itemgetter keeps the per-value work in C.
    attnames = [model_field.attname for model_field in fields]
    pick = itemgetter(*attnames) if len(attnames) > 1 else lambda values: (values[attnames[0]],)
    params = []
    for row in rows:
        values = {**defaults, **row}
        for attname, adapt in adapters.items():
            if attname in row:
                values[attname] = adapt(row[attname])
        params.append(pick(values))
    names = ", ".join(ops.quote_name(model_field.column) for model_field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only model metadata, quoted by the backend, is formatted in; every value is a parameter.
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
