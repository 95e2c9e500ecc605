"""Multi-row INSERTs of already validated values, for the writes too large for the ORM (a product import)."""

from datetime import datetime
from decimal import Decimal
from functools import partial
from operator import itemgetter
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

# Bytes of one MySQL INSERT statement: well under the smallest max_allowed_packet a server
# ships with (4 MB since MySQL 5.6, 16 MB on MariaDB); the driver's own 64 KB cut a large
# import into thousands of statements.
MYSQL_STATEMENT_BYTES = 1024 * 1024


def rows_insert(model, rows: list[dict], *, now: datetime | None = None, return_ids: bool = False) -> list | None:
    """INSERT `rows` (attname -> clean Python value) in multi-row statements, defaults filled in.

    Django's bulk_create runs every value through the ORM's compiler, which was most of
    a large import's time; these values are already validated, so only JSON, UUIDs and
    datetimes need adapting. Fields with auto_now(_add) get `now` (default: the current
    time); a default is computed once, so a UUID primary key must be given in every row.
    With `return_ids`, the new rows' ids in the order of `rows` where the database
    returns them from a multi-row INSERT (MariaDB 10.5+), else None.
    """
    if not rows:
        return [] if return_ids else None
    # The connection itself, not the proxy: an attribute of the proxy is a thread-local lookup, per value.
    connection = connections[DEFAULT_DB_ALIAS]
    ops = connection.ops
    now = now or timezone.now()
    fields = [model_field for model_field in model._meta.concrete_fields if model_field is not model._meta.auto_field]
    adapters = {}
    defaults = {}
    for model_field in fields:
        adapt = None
        if isinstance(model_field, models.JSONField):
            adapt = _json_adapter(partial(ops.adapt_json_value, encoder=model_field.encoder))
        elif isinstance(model_field, models.DateTimeField):
            adapt = ops.adapt_datetimefield_value
        elif isinstance(model_field, models.UUIDField) or isinstance(
            getattr(model_field, "target_field", None), models.UUIDField
        ):
            adapt = partial(model_field.get_db_prep_value, connection=connection)
        if adapt:
            adapters[model_field.attname] = adapt
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            defaults[model_field.attname] = now
        else:
            defaults[model_field.attname] = model_field.get_default()
    # Columns no row gives hold the same value in every row: adapted (and on MySQL written out) once.
    supplied = set().union(*rows)
    varying = [model_field.attname for model_field in fields if model_field.attname in supplied]
    constant = [model_field.attname for model_field in fields if model_field.attname not in supplied]
    constant_values = tuple(
        adapters[attname](defaults[attname])
        if attname in adapters and defaults[attname] is not None
        else defaults[attname]
        for attname in constant
    )
    pick = itemgetter(*varying) if len(varying) > 1 else lambda values: (values[varying[0]],)
    adapted = [(index, adapters[attname]) for index, attname in enumerate(varying) if attname in adapters]
    params = []
    for row in rows:
        try:
            values = pick(row)
        except KeyError:
            values = pick({**defaults, **row})
        if adapted:
            values = list(values)
            for index, adapt in adapted:
                values[index] = adapt(values[index])
        params.append(values)
    columns = [model._meta.get_field(attname).column for attname in varying + constant]
    names = ", ".join(map(ops.quote_name, columns))
    # Only model metadata, quoted by the backend, is formatted in; every value is a parameter or escaped.
    prefix = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor != "mysql":
            placeholders = f"({', '.join(['%s'] * len(columns))})"
            cursor.executemany(prefix + placeholders, [(*values, *constant_values) for values in params])
            return None
        returning = return_ids and connection.features.can_return_rows_from_bulk_insert
        suffix = f" RETURNING {ops.quote_name(model._meta.pk.column)}" if returning else ""
        ids = []
        for statement in _mysql_statements(connection.connection, prefix, suffix, params, constant_values):
            cursor.execute(statement)
            if returning:
                ids += [pk for (pk,) in cursor.fetchall()]
        return ids if returning else None


def _json_adapter(adapt):
    """`adapt`, remembering the JSON of lists of strings: a catalog repeats its few lists of sizes and colours."""
    known: dict[tuple[str, ...], str] = {}

    def cached(value):
        if type(value) is not list:
            return adapt(value)
        try:
            # A string equals only a string: a list matching a stored key holds the same strings.
            return known[tuple(value)]
        except KeyError:
            if all(type(item) is str for item in value):
                known[tuple(value)] = adapt(value)
            return adapt(value)
        except TypeError:  # an unhashable item
            return adapt(value)

    return cached


def _mysql_statements(db, prefix: str, suffix: str, params: list, constant_values: tuple):
    """The INSERTs of `params` (each row followed by `constant_values`), values written as the driver's `literal`.

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
        UUID: lambda value: string_literal(str(value).encode(encoding)),
    }
    get = formats.get
    tail = b"".join([b"," + get(type(value), literal)(value) for value in constant_values]) + b")"
    head, end = prefix.encode(encoding), suffix.encode(encoding)
    statement, size = [], len(head) + len(end)
    for row in params:
        value = b"(" + b",".join([get(type(item), literal)(item) for item in row]) + tail
        if statement and size + len(value) + 1 > MYSQL_STATEMENT_BYTES:
            yield head + b",".join(statement) + end
            statement, size = [], len(head) + len(end)
        statement.append(value)
        size += len(value) + 1
    yield head + b",".join(statement) + end
