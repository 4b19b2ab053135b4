"""Enforcement's models: cases and their trail (cases.py), the parties they name (parties.py), rectification
orders (orders.py)."""
from .cases import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CasePhoto,
    Category,
    Department,
    Notification,
    _display_path,
    _photo_path,
)
from .orders import DocumentCounter, RectificationOrder
from .parties import Party

__all__ = [
    "Case", "CaseEvent", "CaseNumberCounter", "CasePhoto", "Category", "Department", "Notification", "Party",
    "DocumentCounter", "RectificationOrder",
    "_display_path", "_photo_path",
]
