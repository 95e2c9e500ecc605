"""Catalog browsing from a read replica, when `DATABASE_REPLICA_URL` names one.

Only what shoppers browse goes there: rows of the catalog app, read while answering a
GET or HEAD, outside any transaction. Everything else reads the primary: accounts and
tokens, carts, orders, payments, whatever a write request reads, and every read inside
a transaction (the stock a checkout locks). So replication lag can never let a revoked
token through or sell a unit twice; at worst a product edited a moment ago shows its
previous version for as long as the replica lags.
"""

from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_DB_ALIAS = "replica"
REPLICA_APPS = frozenset({"catalog"})
_SAFE_METHODS = frozenset({"GET", "HEAD"})

_replica_reads_allowed: ContextVar[bool] = ContextVar("replica_reads_allowed", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label in REPLICA_APPS
            and _replica_reads_allowed.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows of either may point at each other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def replica_reads_middleware(get_response):
    """Lets the router use the replica for the duration of a GET or HEAD request only."""

    def middleware(request):
        token = _replica_reads_allowed.set(request.method in _SAFE_METHODS)
        try:
            return get_response(request)
        finally:
            _replica_reads_allowed.reset(token)

    return middleware
