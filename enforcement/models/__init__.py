"""Enforcement's models: cases and their trail (cases.py), the parties they name (parties.py), rectification
orders (orders.py), penalty decisions under the discretion standard (penalties.py), departments' accounts
(departments.py), joint operations (operations.py)."""
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
from .departments import DepartmentAccount
from .operations import JointOperation
from .orders import DocumentCounter, RectificationOrder
from .parties import Party
from .penalties import DiscretionStandard, PenaltyDecision, PenaltyStep

__all__ = [
    "Case", "CaseEvent", "CaseNumberCounter", "CasePhoto", "Category", "Department", "DepartmentAccount",
    "JointOperation", "Notification", "Party",
    "DocumentCounter", "RectificationOrder", "DiscretionStandard", "PenaltyDecision", "PenaltyStep",
    "_display_path", "_photo_path",
]
