"""Settings for every environment.

Each difference between environments is an environment variable with a
local-development default; `.env.example` lists them all.
"""

from datetime import timedelta
from pathlib import Path

import environ
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Off unless set: a deployment that forgets it must not serve Django's technical pages.
# `make run` and the test settings (pyproject.toml) turn it on for development.
DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # `or`: an empty value, as in a copied .env.example, means the default.
    SECRET_KEY = env("SECRET_KEY", default="") or "dev-only-secret-key-never-use-in-production"
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
else:
    SECRET_KEY = env("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    # An empty value is as missing as an absent one: refuse to start rather than run unprotected.
    _missing = [name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value]
    if _missing:
        raise ImproperlyConfigured(
            f"Set {' and '.join(_missing)} in the environment: with DEBUG off, SECRET_KEY and ALLOWED_HOSTS "
            "are required (see .env.example)."
        )

INSTALLED_APPS = [
    # Django's admin with the shop's site: header from SHOP_NAME, internals out of staff's way.
    "shop.admin_config.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "corsheaders",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "import_export",
    "django_prometheus",
    "shop",
    "accounts",
    "catalog",
    "orders",
    "payments",
    "content",
    "assistant",
    "shop.jobs",
    "shop.webhooks",
]

MIDDLEWARE = [
    # Prometheus's request timer and counters (django-prometheus) around everything else.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Outermost, so every answer is timed and logged, redirects and 413s included.
    "shop.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # After CORS, so a browser can read the 413.
    "shop.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "shop.metrics.ThrottleCountMiddleware",
    # Last, as django-axes requires: it turns an admin sign-in lockout into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
# Error pages and mails hide connection URLs too, DEBUG or not (shop/exception_reporting.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "shop.exception_reporting.ConnectionUrlMaskingFilter"
WSGI_APPLICATION = "shop.wsgi.application"
# Every API route answers with and without the trailing slash itself; a redirect
# would drop the body of a POST.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the
    # busy timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _db["ENGINE"] == "django.db.backends.mysql":
    _db["OPTIONS"] = {
        "charset": "utf8mb4",
        "init_command": "SET sql_mode='STRICT_TRANS_TABLES'",
        "isolation_level": "read committed",
    }
    _db["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
_db["CONN_HEALTH_CHECKS"] = True

# Optional read replica: catalog browsing reads it, everything else the primary (shop/db_routers.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL) | {
        key: _db[key] for key in ("OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS") if key in _db
    }
    # Tests never create a second database: the replica is the primary under another name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["shop.db_routers.PrimaryReplicaRouter"]
    MIDDLEWARE.append("shop.db_routers.replica_reads_middleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache (shared by throttling) ---------------------------------------------

REDIS_URL = env("REDIS_URL", default="")
# Without Redis: files every worker process of this host shares (shop/cache.py). Process
# memory would give each gunicorn worker its own throttle counters.
CACHE_DIR = Path(env("CACHE_DIR", default="") or BASE_DIR / "var" / "cache")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # A Redis that stops answering costs each request at most this long (throttles then fail open).
    _redis_timeout = env.float("REDIS_TIMEOUT_SECONDS", default=1.0)
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": _redis_timeout, "socket_timeout": _redis_timeout}
else:
    CACHES = {
        "default": {
            "BACKEND": "shop.cache.ProcessSafeFileCache",
            "LOCATION": str(CACHE_DIR),
            # Every set lists the directory; past this many entries the expired ones go first.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Cached anonymous catalog answers (catalog/cache.py): in Redis when there is one, else in each
# process's memory. Either way they are keyed by the catalog version kept in "default", which
# every process sees, so a catalog write makes them all stale at once.
CACHES["catalog"] = (
    CACHES["default"] | {"KEY_PREFIX": "catalog"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5_000}}
)
CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=30)

# --- Background work (shop/celery.py) -----------------------------------------

# No broker: tasks run after commit on TASK_POOL_THREADS threads of the web process, and the
# periodic jobs below run there too (shop/periodic.py). With one: `make worker` and `make beat`.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or REDIS_URL
TASK_POOL_THREADS = env.int("TASK_POOL_THREADS", default=2)
# Without a broker, requests start the periodic jobs when they are due; off when cron runs them.
PERIODIC_JOBS_IN_PROCESS = env.bool("PERIODIC_JOBS_IN_PROCESS", default=True)
CELERY_TIMEZONE = "UTC"
# Tasks report through the database (jobs, outbox, timeline), never a result backend.
CELERY_TASK_IGNORE_RESULT = True
# A worker killed mid-task leaves its message for another: tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep the JSON log lines of LOGGING in the worker too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web process with the broker down gives up queuing after about a second, not minutes.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
# One schedule for `make beat` and for the in-process runner (which reads the interval of each entry).
CELERY_BEAT_SCHEDULE = {
    "expire-orders": {"task": "orders.tasks.expire_orders", "schedule": timedelta(minutes=1)},
    "flush-expired-tokens": {"task": "accounts.tasks.flush_expired_tokens", "schedule": timedelta(days=1)},
    "purge-idempotency-keys": {"task": "payments.tasks.purge_idempotency_keys", "schedule": timedelta(days=1)},
    "resume-unconfirmed-refunds": {
        "task": "payments.tasks.resume_unconfirmed_refunds",
        "schedule": timedelta(minutes=5),
    },
    # Webhook retries, and any delivery whose first task was lost (shop/webhooks/delivery.py).
    "webhook-deliveries-retry": {
        "task": "shop.webhooks.tasks.webhook_deliveries_retry",
        "schedule": timedelta(minutes=1),
    },
    "purge-job-files": {"task": "shop.jobs.tasks.purge_job_files", "schedule": timedelta(days=1)},
}

# /health reuses its result this many seconds per process, so polling it cannot load the database.
HEALTH_CACHE_SECONDS = env.float("HEALTH_CACHE_SECONDS", default=5)

# --- Auth ---------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default="") or SECRET_KEY,
    "ALGORITHM": "HS256",
    # Tokens carry a digest of the password hash: a password change (API, admin or
    # ensure_admin) also ends every access token already handed out.
    "CHECK_REVOKE_TOKEN": True,
}
# A rotated refresh token presented again this soon gets the pair its first use got
# (two tabs refreshing at once) instead of counting as theft; 0 turns the grace off.
JWT_REFRESH_REUSE_SECONDS = env.int("JWT_REFRESH_REUSE_SECONDS", default=10)
REFRESH_COOKIE_NAME = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth/"
REFRESH_COOKIE_SECURE = env.bool("REFRESH_COOKIE_SECURE", default=not DEBUG)
REFRESH_COOKIE_SAMESITE = env("REFRESH_COOKIE_SAMESITE", default="Lax")

# Seconds a password-reset link works (Django's setting; the link also dies once used).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# Seconds an email-verification link works (a new one: POST /api/auth/email/verify/resend).
EMAIL_VERIFICATION_TIMEOUT = env.int("EMAIL_VERIFICATION_TIMEOUT", default=7 * 86400)
# On: checkout and order placement answer 403 email_not_verified until the customer verified their email.
REQUIRE_VERIFIED_EMAIL = env.bool("REQUIRE_VERIFIED_EMAIL", default=False)

# --- Mail (shop/mail.py) --------------------------------------------------------

# smtp://user:pass@host:587/?tls=True (smtp+tls://, smtp+ssl:// too); empty: printed to the console.
EMAIL_URL = env("EMAIL_URL", default="") or "consolemail://"
vars().update(env.email_url_config(EMAIL_URL))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="") or "shop@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The storefront's base URL: links in mails (password reset, email verification, orders) point there.
STOREFRONT_URL = (env("STOREFRONT_URL", default="") or "http://localhost:3000").rstrip("/")
# Who hears of each new quote or product request; empty: nobody.
STAFF_NOTIFICATION_EMAILS = env.list("STAFF_NOTIFICATION_EMAILS", default=[])

# --- Admin -------------------------------------------------------------------

# Where the admin lives (a path with a trailing slash); another than the guessable default
# keeps the sign-in page out of every scanner's first try.
ADMIN_URL = env("ADMIN_URL", default="") or "admin/"
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/") or ADMIN_URL.startswith("api/"):
    raise ImproperlyConfigured(
        f'ADMIN_URL is a path such as "staff-7f3a/": no leading slash, a trailing one, not under api/ '
        f"(got {ADMIN_URL!r})."
    )

# django-axes counts failed admin sign-ins in the database, so every app server sees the same
# counts. Only the admin's: the API's sign-in has its own throttle (THROTTLE_LOGIN), and the
# two never lock each other out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ONLY_ADMIN_SITE = True
# Failures allowed per client address and, separately, per account; the last of them and every
# attempt after it (right password or not) answer 429 until the cool-off has passed.
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
# The address as the API throttles see it (NUM_PROXIES aware), and the email as the account has it.
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
AXES_USERNAME_CALLABLE = "shop.admin_site.login_email"
AXES_VERBOSE = False

# The changelists' CSV export (django-import-export): staff who may view a list may export it, and
# a cell that a spreadsheet would run as a formula is neutralised.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

ADMIN_EMAIL = env("ADMIN_EMAIL", default="")
ADMIN_PASSWORD = env("ADMIN_PASSWORD", default="")

# --- API ----------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only: routes with file parts add multipart themselves (shop.parsers.MultipartActionsMixin).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shop.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "shop.schema.ShopAutoSchema",
    "EXCEPTION_HANDLER": "shop.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "shop.throttles.SettingsAnonRateThrottle",
        "shop.throttles.SettingsUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="600/min"),
        "user": env("THROTTLE_USER", default="1200/min"),
        "login": env("THROTTLE_LOGIN", default="10/min"),
        "register": env("THROTTLE_REGISTER", default="10/hour"),
        "public_request": env("THROTTLE_PUBLIC_REQUEST", default="10/hour"),
        "assistant": env("THROTTLE_ASSISTANT", default="20/min"),
        "orders": env("THROTTLE_ORDERS", default="10/min"),
        "password_reset": env("THROTTLE_PASSWORD_RESET", default="5/hour"),
        "email_verify": env("THROTTLE_EMAIL_VERIFY", default="5/hour"),
    },
    # Unset means no proxy: DRF would otherwise key anonymous throttles on the client's own
    # X-Forwarded-For, which a client can change on every request.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=None) or 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "The online shop's JSON API: catalog, accounts, cart, orders, payments, content and assistant.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Tags start collapsed: with every operation expanded this Swagger UI build stopped drawing the
    # list part-way once the API passed ~130 operations (seen in the browser test); the filter box
    # finds an operation by tag.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "filter": True},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a `status` field; name each enum after its owner so they never collide.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "QuoteRequestStatusEnum": "orders.models.QuoteRequestStatus",
        "ProductRequestStatusEnum": "orders.models.ProductRequestStatus",
        "JobStatusEnum": "shop.jobs.models.JobStatus",
        "RefundStatusEnum": "payments.models.RefundStatus",
        "CancelReasonEnum": "orders.models.CancelReason",
        "HealthStateEnum": ["ok", "error"],
        # Shipping addresses, shipping methods' countries and tax rates share the one country list.
        "CountryEnum": "django_countries.countries",
    },
    "SCHEMA_PATH_PREFIX": r"/api/",
    "PREPROCESSING_HOOKS": ["shop.schema.drop_optional_slash_duplicates"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.schema.add_error_schema",
        "shop.schema.add_examples",
    ],
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"])
# Only CORS_ALLOWED_ORIGINS get credentials (the refresh cookie): never a wildcard origin.
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = (*default_cors_headers, "idempotency-key")
# Readable by the storefront: when to retry after a 429, the id to quote to support,
# the version to send back in If-Match, and whether a POST was answered from its idempotency record.
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID", "ETag", "Idempotent-Replayed"]

# --- Shop ---------------------------------------------------------------------

SHOP_NAME = env("SHOP_NAME", default="Demo Shop")
SHOP_CURRENCY = env("SHOP_CURRENCY", default="USD")
# True: catalog prices already include tax (tax_total is the part of the total that is tax);
# false: tax is added on top of them (see README, "Totals").
PRICES_INCLUDE_TAX = env.bool("PRICES_INCLUDE_TAX", default=True)
PRODUCT_MAX_IMAGES = env.int("PRODUCT_MAX_IMAGES", default=4)
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=5)
# A variant whose stock falls to this many units writes a stock.low webhook event; staff's
# low-stock filter uses it too.
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)
PRODUCT_IMPORT_MAX_MB = env.int("PRODUCT_IMPORT_MAX_MB", default=20)
# What an import file may cost once opened (catalog/services/product_import_rows.py): the XLSX
# zip's parts in all, and how much better than ordinary XML one part may compress (zip bombs).
IMPORT_XLSX_MAX_UNCOMPRESSED_MB = env.int("IMPORT_XLSX_MAX_UNCOMPRESSED_MB", default=200)
IMPORT_XLSX_MAX_COMPRESSION_RATIO = env.int("IMPORT_XLSX_MAX_COMPRESSION_RATIO", default=100)
# Columns in any row of a CSV or XLSX import, and errors listed in its report (the rest are counted).
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_ERRORS = env.int("IMPORT_MAX_ERRORS", default=1000)
# Larger imports (and any with ?async=true) answer 202 with a job and run on the queue.
PRODUCT_IMPORT_SYNC_MAX_MB = env.float("PRODUCT_IMPORT_SYNC_MAX_MB", default=2)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
# Bounds on the product list's `q`: each distinct word costs a LIKE per column (or a FULLTEXT term).
SEARCH_MAX_LENGTH = env.int("SEARCH_MAX_LENGTH", default=200)
SEARCH_MAX_TERMS = env.int("SEARCH_MAX_TERMS", default=10)

CLOUDINARY_URL = env("CLOUDINARY_URL", default="")
CLOUDINARY_TIMEOUT_SECONDS = env.float("CLOUDINARY_TIMEOUT_SECONDS", default=30.0)
# The only hosts whose URLs an upload's answer may give: anything else is refused (502), never stored.
CLOUDINARY_DELIVERY_HOSTS = env.list("CLOUDINARY_DELIVERY_HOSTS", default=[]) or ["res.cloudinary.com"]

OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
OPENAI_MODEL = env("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="") or None
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=20.0)
ASSISTANT_TOOLS = env.bool("ASSISTANT_TOOLS", default=True)

# Card payments (payments/stripe_client.py); without a secret key the card routes answer 501.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Another host for Stripe's API (a local fake in tests); empty: Stripe's own.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
# Retries of a failed call to Stripe, each with the same idempotency key, so never a double charge.
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)

# Unpaid orders expire (orders/services/expiry.py): pending this long with nothing paid (0 = never),
# unless a card payment started less than ORDER_PAYMENT_HOLD_MINUTES ago is still open.
ORDER_PENDING_TTL_MINUTES = env.int("ORDER_PENDING_TTL_MINUTES", default=60)
ORDER_PAYMENT_HOLD_MINUTES = env.int("ORDER_PAYMENT_HOLD_MINUTES", default=30)

# --- Webhooks -----------------------------------------------------------------

# Local development and tests only: a receiver on http:// or on this machine / a private network.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# 10 attempts, the wait doubling from 60 s: the last one 4 to 8.5 hours after the first.
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=60.0)
WEBHOOK_DEACTIVATE_AFTER_HOURS = env.float("WEBHOOK_DEACTIVATE_AFTER_HOURS", default=24.0)

# --- Files --------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default="") or BASE_DIR / "media")
# Job inputs and exports (jobs/): private, never under the public MEDIA_ROOT; web servers and
# workers must share it (a volume in docker-compose.yml).
JOB_FILES_ROOT = Path(env("JOB_FILES_ROOT", default="") or BASE_DIR / "job-files")
# Export files are deleted this many days after their job ended (the job row stays).
JOB_FILES_KEEP_DAYS = env.int("JOB_FILES_KEEP_DAYS", default=7)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "jobs": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": JOB_FILES_ROOT}},
    # Hashed, compressed names need `collectstatic`, which only production runs.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The largest request body, files included (413 above it). The default fits the largest
# legitimate request: a product with a full gallery of images at MAX_UPLOAD_MB each, or
# a catalog import file, plus a megabyte for the rest of the form.
MAX_BODY_MB = env.int("MAX_BODY_MB", default=max(PRODUCT_MAX_IMAGES * MAX_UPLOAD_MB, PRODUCT_IMPORT_MAX_MB) + 1)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_MB * 1024 * 1024

# --- i18n ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (production) ----------------------------------------------------

# "HEADER,value" that the TLS-terminating proxy in front sets on requests that came over HTTPS
# ("HTTP_X_FORWARDED_PROTO,https" behind nginx), so that the HTTPS redirect and secure cookies see
# the client's scheme. Empty: no header is believed, since a client could send it itself.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and (len(_proxy_ssl_header) != 2 or not _proxy_ssl_header[0].startswith("HTTP_")):
    raise ImproperlyConfigured(
        'SECURE_PROXY_SSL_HEADER is "HTTP_<HEADER>,<value>", such as "HTTP_X_FORWARDED_PROTO,https" '
        f"(got {','.join(_proxy_ssl_header)!r})."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

if not DEBUG:
    # Empty, as in a copied .env.example, means the default: on. (docker compose reads empty as 0.)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT") if env("SECURE_SSL_REDIRECT", default="") else True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", default="") or 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The health check answers plain HTTP from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^api/health/?$", r"^metrics$"]

# --- Observability -------------------------------------------------------------

# Prometheus scrapes /metrics with "Authorization: Bearer <METRICS_TOKEN>"; staff signed in to the
# admin may open it too. Empty: staff only.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# Error tracking with sentry-sdk when set; personal data stays out as it does of the JSON logs.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from shop.sentry import sentry_start

    sentry_start(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="") or "production",
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", default="") or 0),
    )

LOG_LEVEL = env("LOG_LEVEL", default="INFO").upper()
# JSON lines on stderr: one per request from `shop.request` (see shop/middleware.py),
# plus warnings, errors and tracebacks, each carrying the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shop.jsonlog.RequestIdFilter"}},
    "formatters": {"json": {"()": "shop.jsonlog.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console and mail handlers would print a second, unformatted copy.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # The request line replaces runserver's and Django's 4xx warnings; 5xx errors stay.
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.request": {"handlers": [], "level": "ERROR", "propagate": True},
    },
}
