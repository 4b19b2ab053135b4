"""Settings shared by every deployment. One environ.Env() reads the environment (cookiecutter-django)."""
import importlib.util
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "bureau.views.csrf_failure"

# The district itself is configuration (GB/T 2260 code and name).
DISTRICT_CODE = env("DISTRICT_CODE", default="360802")
DISTRICT_NAME = env("DISTRICT_NAME", default="吉州区")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens stored as digests, with an expiry (bureau/accounts/authentication.py)
    "knox",
    # second factor of the administrators: TOTP, and single-use recovery codes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # platform
    "bureau.accounts",
    "bureau.audit",
    "bureau.workcalendar",
    "bureau.jobs",
    "bureau.idempotency",
    "bureau",
    # domain, bottom-up
    "grids",
    "enforcement",
    "enforcement.open311",
    "markets",
    "inspections",
    # the year in figures: above every domain app (it reads them all through the statistics registry)
    "figures",
]

# The API's fast lane (bureau/fastlane.py); False sends every request through the middleware chain and DRF.
API_FAST_LANE = env.bool("API_FAST_LANE", default=True)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The headers every response carries, outermost so they are on the health check's answer too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "bureau.middleware.PermissionsPolicyMiddleware",
    # /healthz answered here, before sessions, locale, CSRF, authentication and URL resolution (half its cost).
    "bureau.middleware.HealthCheckMiddleware",
    # A token client's hottest reads (locate, rankings, a case, a page of cases) answered here when all is in
    # order; anything else takes the chain below (bureau/fastlane.py).
    "bureau.fastlane.FastLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bureau.middleware.BureauLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bureau.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "bureau.accounts.middleware.SessionLimitsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "bureau.urls"
WSGI_APPLICATION = "bureau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bureau.context_processors.platform",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection per request cost more than most requests' own work.
# A connection is checked before reuse, so one the server dropped is replaced rather than failing a request.
# Behind PgBouncer in transaction mode set CONN_MAX_AGE=0 and DISABLE_SERVER_SIDE_CURSORS=true (docs/deployment.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DISABLE_SERVER_SIDE_CURSORS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded deployment runs a web process and a worker on one file: WAL lets readers go on while
    # one writes, IMMEDIATE takes the write lock up front so two writers queue instead of deadlocking.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "bureau.accounts.backends.LockoutModelBackend",
    "bureau.accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# MLPS 2.0 identity rules: at least 10 characters of three of the four classes, not a common password, none of
# the last PASSWORD_HISTORY_COUNT; changed every PASSWORD_MAX_AGE_DAYS (enforced at login).
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "bureau.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bureau.accounts.passwords.PasswordHistoryValidator"},
]
# MLPS 2.0: lock an account after repeated failed logins, end idle and long sessions.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Idle timeout: the session's expiry moves on with every request (SESSION_SAVE_EVERY_REQUEST), so it ends this
# many minutes after the last one; and whatever the activity, it ends SESSION_ABSOLUTE_HOURS after the login.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
# API tokens (django-rest-knox): a new one per login, stored as a SHA-512 digest, valid API_TOKEN_HOURS.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_HOURS", default=10)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
# The administrators' TOTP (django-otp): codes are accepted one 30-second step early or late, never learnt as a
# lasting drift, and each only once.
OTP_TOTP_SYNC = False
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Bureau")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Leaflet's files come from the django-leaflet wheel; its Django app is not installed (it needs GDAL),
# only its static folder is served, found without importing the package.
_leaflet_spec = importlib.util.find_spec("leaflet")
STATICFILES_DIRS = [BASE_DIR / "static"]
if _leaflet_spec and _leaflet_spec.submodule_search_locations:
    STATICFILES_DIRS.append(Path(list(_leaflet_spec.submodule_search_locations)[0]) / "static")
# plotly.js for the rankings charts, from the plotly wheel's package_data, served at /static/plotly/plotly.min.js.
_plotly_spec = importlib.util.find_spec("plotly")
if _plotly_spec and _plotly_spec.submodule_search_locations:
    STATICFILES_DIRS.append(("plotly", Path(list(_plotly_spec.submodule_search_locations)[0]) / "package_data"))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Django's Redis backend with one client per pool instead of one per call (bureau/cache.py)
    CACHES = {"default": {"BACKEND": "bureau.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The embedded deployment runs a web process and a worker: a cache they share (files under var/) keeps
    # the published rankings, the grid index version and the calendar version the same in both.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Map tiles: none by default, so the map draws on a blank background with no request leaving the machine.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
# Chinese tiles (Amap, Tencent) are drawn in GCJ-02: the map then shifts our WGS84 geometry for display only.
MAP_TILE_GCJ02 = env.bool("MAP_TILE_GCJ02", default=False)


# The headers an assessor checks. Scripts come from this site only (no inline script or handler anywhere);
# styles may be inline (the templates' <style> blocks, Leaflet and plotly set them); images also from the
# map's tile server; nothing may frame a page.
_tile_origin = []
if MAP_TILE_URL:
    _scheme, _, _rest = MAP_TILE_URL.partition("://")
    _tile_origin = [f"{_scheme}://{_rest.split('/')[0].replace('{s}.', '*.')}"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_tile_origin],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Geolocation for the phone forms' "current position"; nothing else a page may ask the browser for.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

# Reverse proxies in front of the web processes that append the client's address to X-Forwarded-For; 0 (the
# default) ignores the header, which any client can set.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

REST_FRAMEWORK = {
    # Token first, so a request without credentials gets 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bureau.accounts.authentication.ActiveTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "bureau.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["bureau.api.renderers.FastJSONRenderer"],
    # Bodies bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (413) and JSON nesting bounded (400), anonymous or not.
    "DEFAULT_PARSER_CLASSES": [
        "bureau.api.parsers.BoundedJSONParser",
        "bureau.api.parsers.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="600/min"),
        "user": env("THROTTLE_USER", default="6000/min"),
        # the token endpoint, per client address
        "auth": env("THROTTLE_AUTH", default="30/min"),
    },
    "EXCEPTION_HANDLER": "bureau.api.exceptions.exception_handler",
    # throttles tell clients apart by the same address as the audit log and the lockout
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bureau API",
    "DESCRIPTION": "城管综合执法与网格化管理平台 / District urban-management platform",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: Swagger UI would fetch it from validator.swagger.io (nothing leaves the machine).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per shared choice set (the time units appear on several models).
    "ENUM_NAME_OVERRIDES": {"TimeUnitEnum": "bureau.workcalendar.choices.TimeUnit",
                            "VendorZoneKindEnum": "markets.choices.ZoneKind",
                            "OutdoorAdKindEnum": "markets.choices.AdKind",
                            "StreetKindEnum": "grids.choices.StreetKind",
                            "VendorKindEnum": "markets.choices.VendorKind",
                            "TradeEnum": "markets.choices.Trade",
                            "StallPermitStatusEnum": "markets.choices.PermitStatus",
                            "AdStatusEnum": "markets.choices.AdStatus",
                            "MarketComplaintKindEnum": "markets.farmers.choices.ComplaintKind",
                            "FrontageKindEnum": "markets.choices.FrontageKind",
                            "OperationIndicatorEnum": "enforcement.choices.OperationIndicator"},
}

# Celery: JSON only; a job is acknowledged after it ran, and given back if its worker process dies.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
# Redis redelivers an unacknowledged job after this many seconds (the worker test shortens it through the env).
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded deployment's queue: files in var/broker (another folder keeps a second one apart).
    _broker_dir = env.path("CELERY_FILESYSTEM_BROKER_DIR", default=str(BASE_DIR / "var" / "broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_broker_dir),
            "data_folder_out": str(_broker_dir),
            "processed_folder": str(_broker_dir) + "-processed",
            "store_processed": False,
            # the exchange tables, kept with the broker files rather than in the working directory
            "control_folder": str(_broker_dir) + "-control",
        }
    )
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 660
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queues per kind of job, so a long compile never delays a deadline sweep and each can have its own workers:
# `reports` the bulletin and ranking compiles; `sweeps` the periodic upkeep (deadlines, retention, calendar);
# `celery` (the default) everything short and user-facing (point lookups, pings, notifications).
# A worker started without -Q consumes all three (the embedded deployment's); production hosts pick with -Q.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("reports"), Queue("sweeps")]
CELERY_TASK_ROUTES = {
    "inspections.compile_*": {"queue": "reports"},
    "enforcement.sweep_deadlines": {"queue": "sweeps"},
    "audit.purge_expired": {"queue": "sweeps"},
    "idempotency.purge_expired": {"queue": "sweeps"},
    "workcalendar.check_coverage": {"queue": "sweeps"},
    "accounts.purge_expired_tokens": {"queue": "sweeps"},
    "markets.*_daily": {"queue": "sweeps"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Periodic jobs, by task name. Apps add theirs here, so the schedule is in one place.
CELERY_BEAT_SCHEDULE = {
    "audit-retention": {
        "task": "audit.purge_expired",
        "schedule": crontab(hour=3, minute=17),
    },
    "calendar-year-check": {
        "task": "workcalendar.check_coverage",
        "schedule": crontab(hour=6, minute=5),
    },
    # Case deadlines: overdue flags and warning colours (idempotent; the beat, never a broker ETA).
    "cases-sweep-deadlines": {
        "task": "enforcement.sweep_deadlines",
        "schedule": crontab(minute="*/5"),
    },
    # The weekly bulletin and ranking of the week before, Mondays 08:00 Asia/Shanghai (CELERY_TIMEZONE).
    "reports-compile-week": {
        "task": "inspections.compile_week",
        "schedule": crontab(hour=8, minute=0, day_of_week=1),
    },
    # The monthly scores of the month before, on the 1st at 08:00.
    "reports-compile-month": {
        "task": "inspections.compile_month",
        "schedule": crontab(hour=8, minute=0, day_of_month=1),
    },
    # Catch-up: a week or month of the last few left unpublished (the scheduler was down at 08:00, or a compile
    # was killed and the embedded broker lost it) is compiled within the hour; published ones are left alone.
    "reports-compile-missing": {
        "task": "inspections.compile_missing",
        "schedule": crontab(minute=35),
    },
    "idempotency-retention": {
        "task": "idempotency.purge_expired",
        "schedule": crontab(hour=3, minute=41),
    },
    "job-log-retention": {
        "task": "jobs.purge_expired",
        "schedule": crontab(hour=3, minute=53),
    },
    "tokens-purge-expired": {
        "task": "accounts.purge_expired_tokens",
        "schedule": crontab(hour=4, minute=13),
    },
    # Stall permits: end those past their last day and start their renewals just after midnight (the day
    # they lapse), and warn the streets of those ending within 30 days.
    "markets-permits-daily": {
        "task": "markets.permits_daily",
        "schedule": crontab(hour=0, minute=5),
    },
    # Outdoor ads: approvals move to expiring 30 days before their end and to expired the day after it, just
    # after midnight; the streets get inbox messages.
    "markets-ads-daily": {
        "task": "markets.ads_daily",
        "schedule": crontab(hour=0, minute=10),
    },
    "sessions-clear-expired": {
        "task": "sessions.clear_expired",
        "schedule": crontab(hour=4, minute=7),
    },
}
# The job log (bureau/jobs) keeps finished runs this long.
JOB_LOG_RETENTION_DAYS = env.int("JOB_LOG_RETENTION_DAYS", default=90)

# Idempotency-Key records: kept this long for replays. A request in progress holds a lock that ends with its
# transaction or connection (bureau/api/idempotency.py), never a timer.
IDEMPOTENCY_RETENTION_DAYS = env.int("IDEMPOTENCY_RETENTION_DAYS", default=30)
# Duplicates found where they are made: open cases of the same category within this distance (metres) of a new
# report, reported within this many days before it, are offered to the reporter and proposed at registration.
DUPLICATE_DISTANCE_M = env.float("DUPLICATE_DISTANCE_M", default=50.0)
DUPLICATE_WINDOW_DAYS = env.int("DUPLICATE_WINDOW_DAYS", default=7)
# Repeat offenders across streets: a party, or a spot (cases of one category within this distance, metres), met
# in two or more streets within this many days (enforcement/offenders.py).
REPEAT_OFFENDER_DISTANCE_M = env.float("REPEAT_OFFENDER_DISTANCE_M", default=50.0)
REPEAT_OFFENDER_WINDOW_DAYS = env.int("REPEAT_OFFENDER_WINDOW_DAYS", default=90)
# Patrol reports: amendable on their own day and this many hours after it; bureau staff always.
PATROL_AMEND_GRACE_HOURS = env.int("PATROL_AMEND_GRACE_HOURS", default=6)

# Assessment (inspections/services/reports.py): the scheme rankings are compiled under, and a test-only pause
# in the middle of a compile so the worker test can kill the pool process while the job runs.
REPORTS_SCHEME_CODE = env("REPORTS_SCHEME_CODE", default="default")
REPORTS_COMPILE_SLOWDOWN_SECONDS = env.float("REPORTS_COMPILE_SLOWDOWN_SECONDS", default=0.0)
# Published rankings and bulletins answer from the cache (Redis when configured) for this long.
REPORTS_CACHE_SECONDS = env.int("REPORTS_CACHE_SECONDS", default=3600)
# The hourly catch-up looks this many finished weeks and months back for one left unpublished.
REPORTS_CATCH_UP_WEEKS = env.int("REPORTS_CATCH_UP_WEEKS", default=8)
REPORTS_CATCH_UP_MONTHS = env.int("REPORTS_CATCH_UP_MONTHS", default=3)

AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=184)
# Office hours for 工作时; editable in the admin, these are the defaults.
WORK_PERIODS_DEFAULT = [("08:00", "12:00"), ("14:00", "18:00")]

# PIPL: the master secrets of citizens' phone and ID numbers, newest first (comma-separated): the first of
# FIELD_ENCRYPTION_KEY encrypts and any decrypts; the first of PII_HASH_KEY hashes and any finds. Required in
# production; unset here, values are made as before these existed, from SECRET_KEY (bureau/pii.py).
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
PII_HASH_KEY = env.list("PII_HASH_KEY", default=[])

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bureau@localhost")

DEMO_PASSWORD = env("DEMO_PASSWORD", default="bureau-demo-2026")
DEMO_OPEN311_KEY = env("DEMO_OPEN311_KEY", default="bureau-demo-open311")
# The authenticator secret (base32) seed_demo enrols the demo administrators with (admin, security, auditor).
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="JBSWY3DPEHPK3PXP")
# seed_demo refuses to run where this is true (production) unless told --force-demo.
PRODUCTION = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
