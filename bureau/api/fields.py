"""Serializer fields every app's API can use."""
from rest_framework import serializers


class SafeDateTimeField(serializers.DateTimeField):
    """DRF's field lets an OverflowError escape for naive times at the edge of year 1 (its ambiguity check
    converts to UTC), a 500; answer 400 as it does for aware ones."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")
