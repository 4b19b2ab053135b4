"""Settings for bench/grids_locate.py's server: the local settings, a bare view added, throttling raised.

The throttle is raised (its rate is a setting, which benchmarks may raise if they record it) so that it
counts but never refuses during the run; DEBUG is off so query logging does not slow the server.
"""
from bureau.settings.local import *  # noqa: F403
from bureau.settings.local import REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.grids_urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1000000/min", "user": "1000000/min",
                                                                "auth": "1000000/min"}}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
if not env("REDIS_URL", default=""):  # noqa: F405
    # one server process: its own memory is the shared cache (a deployment uses Redis; the embedded
    # default's file cache would make the bench measure the disk)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
