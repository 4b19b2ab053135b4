"""The API's JSON renderer: orjson (drf-orjson-renderer) writing the same bytes as DRF's JSONRenderer.

Every value orjson does not write the way DRF does is handed to DRF's own encoder: datetimes (`Z` for UTC),
dates and times, Decimals, lazy translated strings, querysets, bytes. Like DRF's (UNICODE_JSON, COMPACT_JSON)
the output is compact UTF-8 with Chinese unescaped, and U+2028/U+2029 escaped so it stays a JavaScript subset.
The one number orjson writes otherwise is a float below 1e-4 in magnitude (`0.00001` where Python writes
`1e-05`): a body that may hold one (a quick scan of the bytes) is rendered again by DRF's renderer, as is a
request for `application/json; indent=4`. What remains different is NaN, written `null` where DRF fails the
request; no field of this API can hold it.
"""
import re

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_drf_encoder = JSONEncoder()
_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()
# How orjson writes a float below 1e-4 in magnitude: `0.00003195` or `3.966e-6` (Python: `3.195e-05`, `3.966e-06`).
# Text that merely looks like it only costs the slower renderer.
_SMALL_FLOAT = re.compile(rb"(?<![\d.])0\.0000\d|\de-\d")


class FastJSONRenderer(ORJSONRenderer):
    # Datetimes go to DRF's encoder (orjson would write `+00:00`); integer dict keys become strings as in json.
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    default = staticmethod(_drf_encoder.default)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if accepted_media_type and "indent" in accepted_media_type:
            return JSONRenderer().render(data, accepted_media_type, renderer_context)
        body = super().render(data, accepted_media_type, renderer_context)
        if (b"e-" in body or b"0.0000" in body) and _SMALL_FLOAT.search(body):
            return JSONRenderer().render(data, accepted_media_type, renderer_context)
        if _LINE_SEPARATOR in body or _PARAGRAPH_SEPARATOR in body:
            body = body.replace(_LINE_SEPARATOR, b"\\u2028").replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return body
