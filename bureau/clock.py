"""The platform's clock. Services read the time here, so `seed_demo` can make history with the clock set back.

Event rows record `clock.now()`; in production that is the server's time. Tests and the demo generator
use `clock.frozen(dt)` (a context variable, so threads and other requests are unaffected).
"""
import contextlib
import contextvars
from datetime import datetime

from django.utils import timezone

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("bureau_clock", default=None)


def now() -> datetime:
    value = _frozen.get()
    return value if value is not None else timezone.now()


@contextlib.contextmanager
def frozen(at: datetime):
    if timezone.is_naive(at):
        raise ValueError("clock.frozen needs an aware datetime")
    token = _frozen.set(at)
    try:
        yield at
    finally:
        _frozen.reset(token)


def set_for_current_context(at: datetime | None):
    """Move the frozen clock forward inside an open `frozen()` block (the demo generator walks time)."""
    _frozen.set(at)
