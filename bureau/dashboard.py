"""Dashboard tiles. Apps register a function (request -> list of tile dicts or None) in ready()."""
from collections.abc import Callable

_providers: list[tuple[int, Callable]] = []


def register(order: int, provider: Callable):
    _providers.append((order, provider))


def tiles_for(request):
    tiles = []
    for _, provider in sorted(_providers, key=lambda p: p[0]):
        tiles.extend(provider(request) or [])
    return tiles
