"""Farmers markets (农贸市场): the market and its operator, the management station and its staff posts (四定),
cleaning rounds twice a day, inspections with a checklist and photos, complaints with deadlines on the work
calendar, facility repairs and volunteer service points. A sub-package of markets so that street commerce's
other registers and this one grow without editing the same files."""
