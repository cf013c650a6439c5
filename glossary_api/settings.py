"""Settings for the glossary API.

Every deploy-time value comes from an environment variable; `.env.example`
and the README list them. Nobody edits this file to deploy. A value that is
missing or wrong raises SettingsError, whose message says what to set: the
entry points print it as one line (glossary_api/startup.py).
"""

import os
import re
import tempfile
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers

from glossary_api.startup import SettingsError

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}.")


def env_count(name: str, default: int) -> int:
    value = os.environ.get(name, "") or str(default)
    if not value.isdigit():
        raise SettingsError(f"{name} must be 0 or more, not {value!r}.")
    return int(value)


def env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "") or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if not 0 <= seconds < float("inf"):
        raise SettingsError(f"{name} must be a number of seconds, not {value!r}.")
    return seconds


def env_database(name: str, default: str, **options) -> dict:
    """The database an address such as postgres://user:password@host:5432/name
    names (dj-database-url), of the two this site runs on."""
    url = os.environ.get(name) or default
    example = f"as in {name}=postgres://user:password@host:5432/name"
    supported = (
        "this site runs on PostgreSQL (postgres:// or postgresql://) or SQLite "
        f"(sqlite:///path/to/file), {example}"
    )
    scheme, separator, _ = url.partition("://")
    # Only the scheme is repeated: the rest may hold a password.
    if not (separator and re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*", scheme)):
        raise SettingsError(f"{name} has no scheme: {supported}.")
    if scheme.lower() not in ("postgres", "postgresql", "sqlite"):
        raise SettingsError(f"{name} starts with {scheme}://, but {supported}.")
    try:
        return dj_database_url.parse(url, **options)
    except ValueError as error:
        raise SettingsError(
            f"{name} is not a database address ({error}): write it {example}."
        ) from error


def env_list(name: str, default: str = "") -> list[str]:
    items = os.environ.get(name, default).split(",")
    return [item.strip() for item in items if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not DEBUG:
    # No server ever starts in production with the development key below.
    new_key = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    if os.environ.get("DJANGO_DEBUG"):
        raise SettingsError(
            "DJANGO_DEBUG is off, so DJANGO_SECRET_KEY must be set: to a long "
            f"random string of your own (`{new_key}` makes one)."
        )
    raise SettingsError(
        "Set DJANGO_DEBUG=true for local development, or DJANGO_SECRET_KEY "
        f"(a long random string: `{new_key}` makes one) in production."
    )
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "terms.apps.GlossaryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "terms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Vary on every API answer, Cache-Control on its errors too.
    "terms.api.answers.AnswerHeadersMiddleware",
    # Addresses over 4096 characters: a JSON 414 (terms/api/limits.py).
    "terms.api.limits.AddressLengthMiddleware",
    # Repeat anonymous reads of the API are answered here (terms/api/replay.py),
    # inside CORS and the security headers, before everything else.
    "terms.api.replay.ReplayMiddleware",
    # A view that cannot reach the database answers 503, not 500.
    "terms.api.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # With DEBUG on, unknown addresses under /api/ still answer a JSON 404.
    "terms.api.errors.DebugNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "glossary_api.urls"
WSGI_APPLICATION = "glossary_api.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# Unset: an SQLite file beside manage.py; postgres://… selects PostgreSQL.
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer: a 503 within seconds
    # (terms/api/unavailable.py), not a worker stuck until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the write lock when their transaction begins, so they queue
    # (up to `timeout` seconds) instead of failing when one upgrades a read;
    # WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not shared memory, so locking behaves as in production.
    DATABASES["default"]["TEST"] = {
        "NAME": Path(tempfile.gettempdir()) / f"glossary-test-{os.getpid()}.sqlite3"
    }
    # The letter index's included column (Term.Meta) is PostgreSQL's; SQLite's
    # index does without it, and Django need not say so on every migrate.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
# The admin's dates follow LANGUAGE_CODE's formats; the project's own make
# en-GB's read one way (glossary_api/formats).
FORMAT_MODULE_PATH = ["glossary_api.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The app serves its own static files (admin, API docs) with WhiteNoise, so
# /api/docs/ works with no CDN and no internet. `collectstatic` fills
# STATIC_ROOT for production; until then files are found in the apps.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True

# Where a term's page lives on the front-end: the `permalink` in the API.
GLOSSARY_TERM_URL = os.environ.get(
    "GLOSSARY_TERM_URL", "http://localhost:3000/glossary/{slug}/"
)
if "{slug}" not in GLOSSARY_TERM_URL:
    raise SettingsError("GLOSSARY_TERM_URL must contain {slug}.")

# The front-end's preview route, opened by the admin's "Preview" button with a
# signed token (terms/preview.py) that GET /api/v1/preview/?token= accepts
# for GLOSSARY_PREVIEW_SECONDS.
GLOSSARY_PREVIEW_URL = os.environ.get(
    "GLOSSARY_PREVIEW_URL",
    "http://localhost:3000/api/preview?slug={slug}&token={token}",
)
if "{token}" not in GLOSSARY_PREVIEW_URL:
    raise SettingsError("GLOSSARY_PREVIEW_URL must contain {token}.")
GLOSSARY_PREVIEW_SECONDS = env_count("GLOSSARY_PREVIEW_SECONDS", 3600)

# A term is due for review this many days after it was last reviewed.
GLOSSARY_REVIEW_INTERVAL_DAYS = int(
    os.environ.get("GLOSSARY_REVIEW_INTERVAL_DAYS", "180")
)
# A term is "due soon" this many days before its review is due.
GLOSSARY_REVIEW_DUE_SOON_DAYS = int(
    os.environ.get("GLOSSARY_REVIEW_DUE_SOON_DAYS", "30")
)

# The change log behind the sync feed keeps this many days of changes:
# `manage.py prune_changes`, run from cron, deletes older ones, and a sync
# cursor from before them answers 410 (its client resyncs from scratch).
GLOSSARY_CHANGE_LOG_RETENTION_DAYS = env_count("GLOSSARY_CHANGE_LOG_RETENTION_DAYS", 30)

# The site's public address (scheme, host, port): absolute URLs in what the
# outbox sends, which has no request to take them from.
GLOSSARY_PUBLIC_URL = os.environ.get("GLOSSARY_PUBLIC_URL", "http://127.0.0.1:8000")

# Webhooks (terms/outbox/, sent by `manage.py run_outbox`): the seconds each
# request may take in all; attempts before a delivery is marked failed; the wait
# before the first retry, doubling after each (with jitter); requests in
# flight at once (at most half of them to one endpoint).
GLOSSARY_WEBHOOK_TIMEOUT = env_seconds("GLOSSARY_WEBHOOK_TIMEOUT", 5)
GLOSSARY_WEBHOOK_MAX_ATTEMPTS = max(1, env_count("GLOSSARY_WEBHOOK_MAX_ATTEMPTS", 8))
GLOSSARY_WEBHOOK_BACKOFF_SECONDS = env_seconds("GLOSSARY_WEBHOOK_BACKOFF_SECONDS", 10)
GLOSSARY_WEBHOOK_CONCURRENCY = max(1, env_count("GLOSSARY_WEBHOOK_CONCURRENCY", 4))
# Private, loopback and other internal addresses are refused (SSRF) unless
# this is true; only https endpoints are accepted unless that is false. Both
# default to what a developer's machine needs when DJANGO_DEBUG is on.
GLOSSARY_WEBHOOK_ALLOW_PRIVATE = env_bool("GLOSSARY_WEBHOOK_ALLOW_PRIVATE", DEBUG)
GLOSSARY_WEBHOOK_REQUIRE_HTTPS = env_bool("GLOSSARY_WEBHOOK_REQUIRE_HTTPS", not DEBUG)

# Where the outbox purges changed responses from a CDN (terms/outbox/purge.py):
# "log" (no CDN), "fastly" or "cloudflare", at GLOSSARY_PURGE_URL with
# GLOSSARY_PURGE_TOKEN.
GLOSSARY_PURGE_BACKEND = os.environ.get("GLOSSARY_PURGE_BACKEND", "log")
GLOSSARY_PURGE_URL = os.environ.get("GLOSSARY_PURGE_URL", "")
GLOSSARY_PURGE_TOKEN = os.environ.get("GLOSSARY_PURGE_TOKEN", "")
if GLOSSARY_PURGE_BACKEND not in ("log", "fastly", "cloudflare"):
    raise SettingsError(
        "GLOSSARY_PURGE_BACKEND must be log, fastly or cloudflare, "
        f"not {GLOSSARY_PURGE_BACKEND!r}."
    )
if GLOSSARY_PURGE_BACKEND != "log" and not (
    GLOSSARY_PURGE_URL and GLOSSARY_PURGE_TOKEN
):
    raise SettingsError(
        f"GLOSSARY_PURGE_BACKEND={GLOSSARY_PURGE_BACKEND} needs GLOSSARY_PURGE_URL "
        "and GLOSSARY_PURGE_TOKEN."
    )

# Writes must send If-Match (else 428) when true; otherwise it is checked
# when sent.
GLOSSARY_REQUIRE_IF_MATCH = env_bool("GLOSSARY_REQUIRE_IF_MATCH")

# Throttle counters live in this cache: several app processes need a shared
# one (Redis) for the limits to hold across them. While Redis is unreachable
# the site serves without it and rate limits are not enforced (terms/cache.py);
# a Redis that takes over a second to connect or answer counts as unreachable.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_BACKENDS = "django.core.cache.backends"
redis_cache = {
    "BACKEND": "terms.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
}
CACHES = {
    "default": (
        redis_cache
        if REDIS_URL
        else {"BACKEND": f"{CACHE_BACKENDS}.locmem.LocMemCache"}
    ),
    # Rendered read responses (terms/api/replay.py, keys in freshness.py):
    # shared through Redis when there is one, else each process keeps its own.
    "responses": (
        redis_cache | {"KEY_PREFIX": "responses", "TIMEOUT": 600}
        if REDIS_URL
        else {
            # Bounded by bytes too: a worker stays under 200 MB at 100,000
            # terms (terms/memory_cache.py).
            "BACKEND": "terms.memory_cache.BoundedLocMemCache",
            "LOCATION": "responses",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 2000, "MAX_BYTES": 32 * 2**20},
        }
    ),
}

# Cache-Control of public read responses: browsers keep them a minute; a CDN
# a day, since the outbox purges exactly the changed ones by their
# Surrogate-Key (GLOSSARY_PURGE_BACKEND). With no purging CDN in front, lower
# s-maxage.
GLOSSARY_CACHE_CONTROL = os.environ.get(
    "GLOSSARY_CACHE_CONTROL",
    "public, max-age=60, s-maxage=86400, stale-while-revalidate=300",
)
# How often each process rechecks the change log's head when it replays a
# cached read to an anonymous reader (terms/api/replay.py): such a reader may
# see content up to this many seconds old. 0 checks on every request.
GLOSSARY_VERSION_RECHECK_SECONDS = float(
    os.environ.get("GLOSSARY_VERSION_RECHECK_SECONDS", "1")
)
# Responses to signed-in users may show drafts: never in a shared cache.
GLOSSARY_CACHE_CONTROL_PRIVATE = "private, no-cache"
# The glossary as a whole, for JSON-LD's DefinedTermSet.
GLOSSARY_NAME = os.environ.get("GLOSSARY_NAME", "Glossary")
GLOSSARY_INDEX_URL = os.environ.get(
    "GLOSSARY_INDEX_URL", "http://localhost:3000/glossary/"
)
# Up to this many published terms GET /api/v1/index/ holds every term; past
# it, the letters and their counts, each letter's terms at its own address.
GLOSSARY_INDEX_INLINE_MAX = env_count("GLOSSARY_INDEX_INLINE_MAX", 1000)
# A search counts its matches up to this many; past it, `count` is this
# number and `count_is_estimate` is true (terms/api/search_pagination.py).
GLOSSARY_SEARCH_COUNT_CAP = max(1, env_count("GLOSSARY_SEARCH_COUNT_CAP", 1000))

# Browsers on these origins may call the API ("*" allows any origin).
CORS_ALLOWED_ORIGINS = [o for o in env_list("CORS_ALLOWED_ORIGINS") if o != "*"]
CORS_ALLOW_ALL_ORIGINS = "*" in env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# A browser may send what a conditional write needs (Authorization is among
# the defaults), and read the validators and where a new resource is.
CORS_ALLOW_HEADERS = (*default_headers, "if-match", "if-none-match")
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Location", "Retry-After"]

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Tokens for editors' tools (`manage.py drf_create_token USER`), the session
    # for people signed in to the admin. Token first: anonymous writes get 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "terms.api.throttling.AnonymousReadThrottle",
        "terms.api.throttling.UserReadThrottle",
        "terms.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous_read": os.environ.get("GLOSSARY_THROTTLE_ANON_READS", "300/minute"),
        "user_read": os.environ.get("GLOSSARY_THROTTLE_USER_READS", "1200/minute"),
        "write": os.environ.get("GLOSSARY_THROTTLE_WRITES", "60/minute"),
    },
    # The proxies in front of the app that add to X-Forwarded-For: the rate
    # limits take a client's address from that header only this many entries
    # from its end. 0 (the default) uses the connecting address alone, which a
    # client cannot forge; DRF's own default (None) trusts the whole header.
    "NUM_PROXIES": env_count("DJANGO_NUM_PROXIES", 0),
    "DEFAULT_PERMISSION_CLASSES": [
        "terms.api.permissions.ReadOrModelPermissions",
    ],
    "DEFAULT_PARSER_CLASSES": ["terms.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "terms.api.negotiation.ContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "terms.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "terms.api.schema.AutoSchema",
    # Every error an API view answers is an RFC 9457 problem.
    "EXCEPTION_HANDLER": "terms.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Glossary API",
    "DESCRIPTION": "A headless content API for a glossary.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "terms.api.openapi.nullable_references",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AliasKindEnum": "terms.models.Alias.Kind",
        "SourceKindEnum": "terms.models.Source.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": "glossary_api.logs.OneLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": "one_line",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # gunicorn's access log has one line per request; Django adds lines
        # only for server errors.
        "django.request": {"level": "ERROR"},
        # A Host header outside DJANGO_ALLOWED_HOSTS (a 400): one line naming
        # the host, not a traceback, as any client can send one per request.
        "django.security.DisallowedHost": {
            "handlers": ["console_one_line"],
            "propagate": False,
        },
    },
}

# HTTPS in production. The values for `check --deploy` to pass are in the
# README; behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
