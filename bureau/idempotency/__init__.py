"""Idempotency-Key support: the stored first response of each (user, key).

The mechanism that uses these rows lives in `bureau/api/idempotency.py`, so any app's create endpoint
(patrol reports, cases) can offer exactly-once submission to phones that retry after losing the signal.
"""
