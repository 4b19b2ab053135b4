"""Admin of the inspections app, one module per area."""
from . import (
    patrols,  # noqa: F401
    reports,  # noqa: F401
    sites,  # noqa: F401
)
