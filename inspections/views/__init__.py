"""Pages of the inspections app, one module per subject (patrols, reports)."""
