"""Development and the embedded demo deployment (`make run`): SQLite, filesystem broker, no services."""
from .base import *  # noqa: F403
from .base import env

# `make run` is a real, smaller deployment: errors are the product's own JSON and pages, not Django's
# debug screens (set DEBUG=true while developing). WhiteNoise serves the static files from the
# packages directly, so no collectstatic step is needed.
DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret-2026")  # noqa: S105
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
