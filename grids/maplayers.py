"""Overlay layers of the district map. Apps above grids (street commerce's zones, ads, markets, shops) register
a layer from their AppConfig.ready(): a GeoJSON endpoint of theirs, scoped as the rest of their API, and who
sees it. The map asks each endpoint from the page, so grids imports none of them."""
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: str  # a lazy translation
    url_name: str  # a GeoJSON FeatureCollection; each feature's properties may carry name, kind_label, url
    order: int
    visible: Callable  # user -> bool
    colour: str = "#e07b00"


_layers: dict[str, MapLayer] = {}


def register(key, label, url_name, order, visible, colour="#e07b00"):
    _layers[key] = MapLayer(key, label, url_name, order, visible, colour)


def layers_for(user) -> list[dict]:
    out = []
    for layer in sorted(_layers.values(), key=lambda item: item.order):
        if not layer.visible(user):
            continue
        try:
            url = reverse(layer.url_name)
        except NoReverseMatch:
            continue
        out.append({"key": layer.key, "label": str(layer.label), "url": url, "colour": layer.colour})
    return out


GEOJSON_CONTENT_TYPE = "application/geo+json"


def point(lat, lng) -> dict | None:
    """A GeoJSON Point (WGS84, [lng, lat]), or None without a whole point."""
    if lat is None or lng is None:
        return None
    return {"type": "Point", "coordinates": [lng, lat]}


def feature_collection(rows, geometry_of: Callable, properties_of: Callable) -> dict:
    """The body of a layer's answer: a FeatureCollection of `rows` (each with a `pk`), every feature's id and
    `properties.id` the row's pk. A row whose `geometry_of(row)` is empty is left out."""
    features = []
    for row in rows:
        geometry = geometry_of(row)
        if not geometry:
            continue
        features.append({"type": "Feature", "id": row.pk, "geometry": geometry,
                         "properties": {"id": row.pk, **properties_of(row)}})
    return {"type": "FeatureCollection", "features": features}


def geojson_response(rows, geometry_of: Callable, properties_of: Callable):
    """`feature_collection` as a DRF Response with the GeoJSON media type."""
    from rest_framework.response import Response

    return Response(feature_collection(rows, geometry_of, properties_of), content_type=GEOJSON_CONTENT_TYPE)


def layer_schema(properties: str, **extra):
    """`@extend_schema` of a layer's GeoJSON action: an object documented as a FeatureCollection with
    `properties` (a sentence naming the features' properties)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse, extend_schema

    description = f"GeoJSON FeatureCollection (RFC 7946, WGS84). {properties}"
    return extend_schema(responses={200: OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)},
                         **extra)


def street_ref(street) -> dict:
    return {"code": street.code, "name": street.name}


def geojson_action(properties: str, **schema):
    """A viewset's `geojson/` list action (no pagination) documented by `layer_schema`: a map layer's endpoint."""
    from rest_framework.decorators import action

    def decorate(method):
        return layer_schema(properties, **schema)(
            action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)(method))

    return decorate
