"""Settings for every environment.

Each difference between environments is an environment variable with a
local-development default; `.env.example` lists them all.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

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
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
REFRESH_COOKIE_NAME = "refresh_token"
REFRESH_COOKIE_PATH = "/api/auth/"
REFRESH_COOKIE_SECURE = env.bool("REFRESH_COOKIE_SECURE", default=not DEBUG)
REFRESH_COOKIE_SAMESITE = env("REFRESH_COOKIE_SAMESITE", default="Lax")

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
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "shop.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="600/min"),
        "user": env("THROTTLE_USER", default="1200/min"),
        "login": env("THROTTLE_LOGIN", default="10/min"),
        "register": env("THROTTLE_REGISTER", default="10/hour"),
        "public_request": env("THROTTLE_PUBLIC_REQUEST", default="10/hour"),
        "assistant": env("THROTTLE_ASSISTANT", default="20/min"),
        "orders": env("THROTTLE_ORDERS", default="10/min"),
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
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a `status` field; name each enum after its owner so they never collide.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "QuoteRequestStatusEnum": "orders.models.QuoteRequestStatus",
        "ProductRequestStatusEnum": "orders.models.ProductRequestStatus",
    },
    "SCHEMA_PATH_PREFIX": r"/api/",
    "PREPROCESSING_HOOKS": ["shop.schema.drop_optional_slash_duplicates"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shop.schema.add_error_responses",
    ],
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"])
CORS_ALLOW_CREDENTIALS = True  # the refresh token travels in a cookie
# Readable by the storefront: when to retry after a 429, and the id to quote to support.
CORS_EXPOSE_HEADERS = ["Retry-After", "X-Request-ID"]

# --- Shop ---------------------------------------------------------------------

SHOP_NAME = env("SHOP_NAME", default="Demo Shop")
SHOP_CURRENCY = env("SHOP_CURRENCY", default="USD")
PRODUCT_MAX_IMAGES = env.int("PRODUCT_MAX_IMAGES", default=4)
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=5)
PRODUCT_IMPORT_MAX_MB = env.int("PRODUCT_IMPORT_MAX_MB", default=20)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)

CLOUDINARY_URL = env("CLOUDINARY_URL", default="")
CLOUDINARY_TIMEOUT_SECONDS = env.float("CLOUDINARY_TIMEOUT_SECONDS", default=30.0)

OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
OPENAI_MODEL = env("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="") or None
OPENAI_TIMEOUT_SECONDS = env.float("OPENAI_TIMEOUT_SECONDS", default=20.0)
ASSISTANT_TOOLS = env.bool("ASSISTANT_TOOLS", default=True)

# --- Files --------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default="") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
