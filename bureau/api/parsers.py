"""Request body parsers for every API view: bounded in size and in nesting, so bad input is a 4xx.

DRF's own parsers read the whole stream whatever its length (DATA_UPLOAD_MAX_MEMORY_SIZE is only checked
when Django itself reads the body), and a body of a hundred thousand nested brackets makes the JSON
decoder raise RecursionError, a 500. These read at most the limit and count the nesting themselves.
"""
import codecs
import io
import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status
from rest_framework.utils import json as drf_json

# Deeper than any body the API accepts (a GeoJSON polygon is five levels); checked after decoding.
MAX_JSON_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求内容过大。")
    default_code = "request_too_large"


class JSONTooDeep(exceptions.ParseError):
    default_detail = _("请求内容的 JSON 嵌套层数过多。")
    default_code = "json_too_deep"


def read_bounded(stream, parser_context) -> bytes:
    """The body, refused with 413 before reading when its declared length is over the limit, and
    after reading one byte past the limit when it has no (or a false) declared length."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        declared = 0
    if declared > limit:
        raise RequestTooLarge(_("请求内容过大：不能超过 %(limit)s 字节。") % {"limit": limit})
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge(_("请求内容过大：不能超过 %(limit)s 字节。") % {"limit": limit})
    return body


def _depth_exceeds(data, limit) -> bool:
    # Iterative, so a body just under the decoder's own recursion limit cannot exhaust the stack here.
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


class BoundedJSONParser(parsers.JSONParser):
    """JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes and MAX_JSON_DEPTH levels of nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = read_bounded(stream, parser_context)
        try:
            text = codecs.decode(body, encoding)
            parse_constant = drf_json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise JSONTooDeep() from None
        except ValueError as exc:
            # the wording the exception handler recognises and translates
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        if _depth_exceeds(data, MAX_JSON_DEPTH):
            raise JSONTooDeep()
        return data


class BoundedFormParser(parsers.FormParser):
    """URL-encoded form bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes (the token endpoint accepts them)."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = read_bounded(stream, parser_context)
        return super().parse(io.BytesIO(body), media_type, parser_context)
