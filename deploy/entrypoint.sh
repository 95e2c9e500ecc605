#!/bin/sh
# The image's entrypoint. With MIGRATE_ON_START=1 (docker-compose sets it) the
# schema is brought up to date and the first superuser ensured before the command
# (gunicorn by default) starts. Run several replicas with it on only one of them.
set -e
if [ "${MIGRATE_ON_START:-0}" = "1" ]; then
    python manage.py migrate --noinput
    python manage.py ensure_admin
fi
exec "$@"
