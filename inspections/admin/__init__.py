"""Admin of the inspections app, one module per area."""
from . import reports  # noqa: F401
