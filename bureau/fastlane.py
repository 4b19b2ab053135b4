"""The API's fast lane: the hottest reads answered before the middleware chain and DRF, when all is in order.

A token client's `GET` of a few endpoints — the point lookup, a published ranking (200 or 304), a case, a page
of cases — is most of the API's traffic, and the chain (sessions, language, CSRF, authentication, URL
resolution) and DRF's request handling (negotiation, authentication, permissions, throttles, filters) cost
more than the work itself. `FastLaneMiddleware` sits right after the health check, behind the security
headers' middlewares (so every answer carries them), and hands such a request to its endpoint's lane
function (`ROUTES`). A lane answers only the common case, with the same bytes and headers the DRF view gives
(each lane's test compares them), and returns None for anything else — no or a refused token, a session, a
role that may not read, odd parameters, a throttled client, a miss — which then takes the ordinary path, so
every refusal, status code, error body and audit record comes from the one implementation of the API's
rules. `API_FAST_LANE = False` turns the lane off.

What a lane shares is here: the caller from a token kept in this process (grids.authentication's entries,
checked against the shared auth generation), and one round trip to the cache that reads that generation,
the lane's cached entries and counts the throttle's window together (`bureau.cache.get_and_count`).
"""
import logging
import re
from importlib import import_module

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import exceptions

logger = logging.getLogger(__name__)

# (path pattern, "module.function"): the function takes the request and the pattern's named groups.
ROUTES = [
    (r"/api/v1/grid-cells/locate/", "grids.api.fast.lane_locate"),
    (r"/api/v1/rankings/(?P<kind>weekly|monthly)/(?P<period>[^/]+)/", "inspections.api.fast.lane_ranking"),
    (r"/api/v1/cases/(?P<pk>[0-9]{1,18})/", "enforcement.api.fast.lane_case"),
    (r"/api/v1/cases/", "enforcement.api.fast.lane_cases"),
]


class Caller:
    """A token client the lane may answer: its user and the auth generation its token was kept under."""

    __slots__ = ("user", "generation", "key")

    def __init__(self, user, generation, key):
        self.user = user
        self.generation = generation
        self.key = key


def caller(request) -> Caller | None:
    """The token's user, from this process's kept tokens (asking the cache and, on a miss, the database as
    the API's authentication does), or None: no token, a refused one, or a session's request."""
    from grids.authentication import keep_fresh, kept

    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None or "HTTP_COOKIE" in request.META and settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None  # a browser's request: sessions take the ordinary path
    try:  # split as DRF does: the header's Latin-1 bytes, on ASCII whitespace only
        parts = [part.decode("ascii") for part in header.encode("iso-8859-1").split()]
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    if len(parts) != 2 or parts[0] != "Token":
        return None
    try:
        found = kept(parts[1])
        if found is None:
            keep_fresh(parts[1])
            found = kept(parts[1])
    except exceptions.AuthenticationFailed:
        return None
    if found is None:  # no shared cache to check entries against: the ordinary path
        return None
    user, generation = found
    if not user.is_active:
        return None
    request.user = user  # as the API's authentication leaves it
    return Caller(user, generation, parts[1])


def cached_and_allowed(request, call: Caller, throttle, keys=()) -> list | None:
    """The cached values under `keys` if the caller's kept token still holds and the throttle allows the
    request (counted now), in one round trip; None otherwise (the ordinary path then answers, 429 included)."""
    from django.core.cache import cache

    from grids.authentication import GENERATION_KEY

    from .cache import get_and_count

    request.user = call.user
    window = throttle.window(request)
    try:
        if window is None:  # no rate configured: nothing to count
            found = cache.get_many([GENERATION_KEY, *keys])
            values, count, number = [found.get(key) for key in (GENERATION_KEY, *keys)], 0, 0
        else:
            key, number, seconds = window
            values, count = get_and_count([GENERATION_KEY, *keys], key, seconds + 1)
            # counted once: if the ordinary path answers after all, its throttle takes this count, not another
            request._fast_lane_count = (key, count)
    except Exception:  # noqa: BLE001 - the cache not answering: the ordinary path copes with it
        logger.warning("the fast lane's cache did not answer", exc_info=True)
        return None
    if values[0] != call.generation:
        # Moved on (a deactivation, a deleted token, a flushed cache): this process forgets the token, so its
        # next request is authenticated afresh and kept under the generation now published.
        from grids.authentication import forget_token

        forget_token(call.key)
        return None
    if count > number:
        return None
    return values[1:]


class FastLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.routes = []
        for pattern, target in ROUTES:
            module, name = target.rsplit(".", 1)
            self.routes.append((re.compile(pattern), getattr(import_module(module), name)))

    # What the lanes render: JSON, for a client that asks for nothing else (`; indent=4` and the like: DRF).
    ACCEPTED = frozenset({None, "", "*/*", "application/json", "application/*"})

    def __call__(self, request):
        meta = request.META
        if (request.method == "GET" and "HTTP_AUTHORIZATION" in meta and meta.get("HTTP_ACCEPT") in self.ACCEPTED
                and settings.API_FAST_LANE):
            response = self.answer(request)
            if response is not None:
                return response
        return self.get_response(request)

    def answer(self, request):
        path = request.path_info
        for pattern, lane in self.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            try:
                request.get_host()  # a Host not allowed: the ordinary path answers 400
            except DisallowedHost:
                return None
            # The API's language, as BureauLocaleMiddleware chooses it (Accept-Language, Chinese by default).
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            try:
                response = lane(request, **match.groupdict())
            except Exception:  # a value the lane's statement refuses (a NUL in a code): the ordinary path decides
                logger.warning("the fast lane gave %s to the ordinary path", path, exc_info=True)
                return None
            if response is None:
                return None
            # What the chain adds to an API answer: its language, that it depends on it and on cookies, and
            # its length (CommonMiddleware).
            if "Vary" in response:
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
            else:
                response.headers["Vary"] = "Accept-Language, Cookie"
            response.headers.setdefault("Content-Language", language)
            if "Content-Length" not in response.headers:  # the lanes' answers are never streamed
                response.headers["Content-Length"] = str(len(response.content))
            return response
        return None
