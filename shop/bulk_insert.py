"""Multi-row INSERTs of already validated values, for the writes too large for the ORM (a product import)."""

from datetime import datetime
from decimal import Decimal
from functools import partial
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

# Bytes of one MySQL INSERT statement: well under the smallest max_allowed_packet a server
# ships with (4 MB since MySQL 5.6, 16 MB on MariaDB); the driver's own 64 KB cut a large
# import into thousands of statements.
MYSQL_STATEMENT_BYTES = 1024 * 1024


def rows_insert(model, rows: list[dict], *, now: datetime | None = None) -> None:
    """INSERT `rows` (attname -> clean Python value) in multi-row statements, defaults filled in.

    Django's bulk_create runs every value through the ORM's compiler, which was most of
    a large import's time; these values are already validated, so only JSON, UUIDs and
    datetimes need adapting. Fields with auto_now(_add) get `now` (default: the current
    time); a default is computed once, so a UUID primary key must be given in every row.
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
    # Only model metadata, quoted by the backend, is formatted in; every value is a parameter or escaped.
    prefix = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            for statement in _mysql_statements(connection.connection, prefix, params):
                cursor.execute(statement)
        else:
            cursor.executemany(prefix + f"({', '.join(['%s'] * len(fields))})", params)


def _mysql_statements(db, prefix: str, params: list[tuple]):
    """The INSERTs of `params`, values written as the driver's `literal` writes them.

    Its `executemany` spent more time than the server in `literal`'s dispatch (a few
    microseconds a value); the usual types are formatted here instead, strings still
    escaped by the driver's C `string_literal` for this connection's character set,
    anything else by `literal` itself.
    """
    string_literal, encoding, literal = db.string_literal, db.encoding, db.literal
    formats = {
        str: lambda value: string_literal(value.encode(encoding)),
        int: b"%d".__mod__,
        bool: b"%d".__mod__,
        type(None): lambda value: b"NULL",
        Decimal: lambda value: format(value, "f").encode(),
    }
    get = formats.get
    head = prefix.encode(encoding)
    statement, size = [], len(head)
    for row in params:
        value = b"(" + b",".join([get(type(item), literal)(item) for item in row]) + b")"
        if statement and size + len(value) + 1 > MYSQL_STATEMENT_BYTES:
            yield head + b",".join(statement)
            statement, size = [], len(head)
        statement.append(value)
        size += len(value) + 1
    yield head + b",".join(statement)
