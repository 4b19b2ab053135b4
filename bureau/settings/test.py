"""Test settings: the real PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""
from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Between transactional tests Django empties every table with TRUNCATE, which the history tables'
    # triggers refuse unless the session allows it (bureau/appendonly.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c bureau.allow_truncate=on"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK}  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min", "auth": "100000/min"}
if not env("REDIS_URL", default=""):
    # one process, and no files left between runs
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
