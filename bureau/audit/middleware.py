from .context import current_request


class RequestContextMiddleware:
    """Makes the current request known to services, for the audit row's client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
