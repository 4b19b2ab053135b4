"""Admin of the inspections app, one module per area."""
from . import (
    approvals,  # noqa: F401
    campaigns,  # noqa: F401
    patrols,  # noqa: F401
    reports,  # noqa: F401
    rotas,  # noqa: F401
    sites,  # noqa: F401
)
