"""GeoReport v2's two formats. JSON is the plain mapping of the XML (the Spark convention): a list of
objects, or one object; XML is that list under a root element, one child element per item, lists inside
an item wrapped in their plural ("attributes" → "attribute"). Both UTF-8, the XML with its declaration."""
import re
from xml.sax.saxutils import escape

from rest_framework.renderers import BaseRenderer

from bureau.api.renderers import FastJSONRenderer

# A list inside an item: the wrapper's name and each element's name (the specification's own words).
SINGULAR = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
            "services": "service", "service_requests": "request", "errors": "error"}
# Characters XML 1.0 cannot carry at all (a control character typed into a description).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Open311JSONRenderer(FastJSONRenderer):
    # orjson, the same bytes as DRF's JSONRenderer (bureau/api/renderers.py): a page of 1,000 requests is
    # half a megabyte, which the standard library's encoder takes five times as long to write.
    format = "json"
    media_type = "application/json"
    charset = "utf-8"


def _text(value) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(_NOT_XML.sub("", str(value)))


def _element(out: list, tag: str, value):
    if value is None or value == "":
        out.append(f"<{tag}/>")
    elif isinstance(value, dict):
        out.append(f"<{tag}>")
        for key, item in value.items():
            _element(out, key, item)
        out.append(f"</{tag}>")
    elif isinstance(value, list | tuple):
        out.append(f"<{tag}>")
        child = SINGULAR.get(tag, "item")
        for item in value:
            _element(out, child, item)
        out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{_text(value)}</{tag}>")


class Open311XMLRenderer(BaseRenderer):
    format = "xml"
    media_type = "text/xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view, response = renderer_context.get("view"), renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            root = "errors"
        else:
            root = getattr(view, "xml_root", "service_requests")
        out = ['<?xml version="1.0" encoding="utf-8"?>']
        _element(out, root, data)
        return "".join(out).encode("utf-8")
