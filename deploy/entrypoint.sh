#!/bin/sh
# The image's entrypoint. With MIGRATE_ON_START=1 (docker-compose sets it) the
# schema is brought up to date and the first superuser ensured before the command
# (gunicorn by default) starts. Run several replicas with it on only one of them.
set -e
if [ "${MIGRATE_ON_START:-0}" = "1" ]; then
    python manage.py migrate --noinput
    python manage.py ensure_admin
fi
# Gunicorn's workers share their Prometheus metrics through files here; a fresh start begins at zero.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
exec "$@"
