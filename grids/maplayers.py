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
