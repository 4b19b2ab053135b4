"""Production: PostgreSQL, Redis, Celery workers on other hosts. Secrets have no default."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PRODUCTION = True
# Demo accounts made here (seed_demo --force-demo) get no usable password: none is known to anyone.
DEMO_PASSWORD = None
DEMO_TOTP_SECRET = None
try:
    SECRET_KEY = env("SECRET_KEY")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production refuses to start without it. "
        "Set the SECRET_KEY environment variable to a long random value. / 生产环境必须设置 SECRET_KEY 环境变量。"
    ) from exc
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long. / SECRET_KEY 至少 50 个字符。")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# Citizens' personal data has its own keys, never SECRET_KEY's: rotating SECRET_KEY (sessions, signing) must
# neither make stored phone numbers unreadable nor stop repeat offenders being recognised (bureau/pii.py).
for _name in ("FIELD_ENCRYPTION_KEY", "PII_HASH_KEY"):
    _keys = env.list(_name, default=[])
    if not _keys:
        raise ImproperlyConfigured(
            f"{_name} is not set: production refuses to start without it. Set it to a long random value "
            f"(several, comma-separated, newest first, while rotating; see docs/security.md). / "
            f"生产环境必须设置 {_name} 环境变量。"
        )
    # The current (first) key: older ones after it may be anything values were made with, SECRET_KEY included.
    if len(_keys[0]) < 32 or _keys[0] == SECRET_KEY:
        raise ImproperlyConfigured(f"{_name}: its first key must be at least 32 characters and not the SECRET_KEY. "
                                   f"/ {_name} 的第一个密钥至少 32 个字符，且不能与 SECRET_KEY 相同。")
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY")
PII_HASH_KEY = env.list("PII_HASH_KEY")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# A load balancer probes the health check over plain HTTP, straight to each web host: answer it, not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
