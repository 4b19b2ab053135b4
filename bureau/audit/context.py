"""The request a service runs under (client address, acting user), so audit rows can name them."""
import contextvars
import ipaddress

from django.conf import settings

current_request = contextvars.ContextVar("bureau_current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies (each appending the address it saw to
    X-Forwarded-For) it is that many entries from the right; entries further left are whatever the client
    sent and are never believed. Without the setting the header is ignored."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies and remote:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return remote
