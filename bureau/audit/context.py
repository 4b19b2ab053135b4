"""The request a service runs under (client address, acting user), so audit rows can name them."""
import contextvars

current_request = contextvars.ContextVar("bureau_current_request", default=None)


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
