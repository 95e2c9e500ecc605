# syntax=docker/dockerfile:1
# Production image: gunicorn serving shop.wsgi on port 8000, static files by WhiteNoise.
# Bookworm pinned: its libmariadb3 (built with OpenSSL) can do MySQL 8's default
# caching_sha2_password login over a plain connection inside the compose network.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# The hashed lock files (`make lock`): the image gets exactly the packages CI tested and audited.
COPY requirements.lock requirements-mysql.lock /tmp/
RUN pip install --require-hashes -r /tmp/requirements.lock -r /tmp/requirements-mysql.lock

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=0 \
    MEDIA_ROOT=/app/media \
    JOB_FILES_ROOT=/app/job-files \
    WEB_CONCURRENCY=3
# libmariadb3 is mysqlclient's runtime library (and its auth plugins); no compiler here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system app \
    && useradd --system --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY . .
# The key and host only let settings load; nothing signed at build time survives into the image.
RUN SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var/cache /app/job-files \
    && chown app:app /app/media /app/var/cache /app/job-files
USER app
EXPOSE 8000
ENTRYPOINT ["sh", "/app/deploy/entrypoint.sh"]
# Workers: WEB_CONCURRENCY. Extra gunicorn flags: GUNICORN_CMD_ARGS. No gunicorn access log:
# the app writes one JSON line per request itself, without query values such as tokens.
CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000", "--timeout", "60"]
