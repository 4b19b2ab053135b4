"""The navigation bar. Each app registers its own entries in AppConfig.ready(), so the platform
needs to know no domain app; each entry says which roles see it."""
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str  # a lazy translation
    url_name: str
    order: int
    visible: Callable  # user -> bool


_items: dict[str, NavItem] = {}


def register(key, label, url_name, order, visible):
    _items[key] = NavItem(key, label, url_name, order, visible)


def navigation_for(user):
    out = []
    for item in sorted(_items.values(), key=lambda i: i.order):
        if not item.visible(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        out.append({"key": item.key, "label": item.label, "url": url})
    return out


def field_staff(user):
    return user.is_field_staff


def bureau_staff(user):
    return user.is_bureau_staff  # superusers included
