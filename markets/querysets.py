"""Reads over street commerce. `visible_to(user)` is the one scoping entry point of every view and page,
the work scope of grids' `Street.objects.visible_to` read through each row's street (`scope_street`):
bureau staff see the district; a street leader their street(s); a grid officer the streets of their cells
(street commerce is managed by street, so no row here is scoped by cell); the API client and the auditor
nothing (their requests are refused with 403 before this)."""
from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from bureau import clock
from bureau.appendonly import AppendOnlyQuerySetMixin
from grids.querysets import PlacedQuerySet, within_scope

from .choices import PERMIT_WARNING_DAYS, RENEWAL_OPENS_DAYS, AdStatus, PermitStatus
from .hours import local

IN_FORCE = (PermitStatus.ACTIVE, PermitStatus.SCHEDULED)


def _in_season(day: date, prefix: str = "") -> Q:
    return ((Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day}))
            & (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})))


class VendorZoneQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)

    def open_at(self, moment: datetime):
        """Active zones with a window open at `moment` (local time) that started on a day in their season:
        a window started today, or one started yesterday that runs past midnight and has not closed yet."""
        from .models import VendorZoneWindow

        at = local(moment)
        today, t = at.date(), at.time()
        yesterday = today - timedelta(days=1)
        windows = VendorZoneWindow.objects.filter(zone=OuterRef("pk"))
        started_today = windows.filter(Q(weekday=today.isoweekday(), opens__lte=t)
                                       & (Q(closes__gt=t) | Q(closes__lte=F("opens"))))
        started_yesterday = windows.filter(weekday=yesterday.isoweekday(), closes__lte=F("opens"), closes__gt=t)
        return self.active().filter(
            (_in_season(today) & Exists(started_today)) | (_in_season(yesterday) & Exists(started_yesterday))
        )


class VendorSlotQuerySet(PlacedQuerySet):
    scope_street = "zone__street"


class VendorQuerySet(PlacedQuerySet):
    # A vendor is seen where they trade or were caught: a permit in, or a case linked in, the user's streets.
    # Their counts stay district-wide (that is the point of the repeat-offender view).
    scope_street = ("case_links__case__street", "permits__zone__street")

    def with_case_counts(self, since=None):
        cond = Q(case_links__case__reported_at__gte=since) if since else Q()
        return self.annotate(
            case_count=Count("case_links", filter=cond, distinct=True),
            street_count=Count("case_links__case__street", filter=cond, distinct=True),
        )

    def repeat_offenders(self, min_cases: int = 2, since=None):
        """Vendors chased from street to street reappear in the next: cases in two or more streets, or min_cases cases."""
        return (
            self.with_case_counts(since)
            .filter(Q(street_count__gte=2) | Q(case_count__gte=min_cases))
            .order_by("-street_count", "-case_count", "pk")
        )


class StallPermitQuerySet(PlacedQuerySet):
    scope_street = "zone__street"

    def current(self, today):
        """Approved permits covering `today`: in force, or a renewal whose first day it is (the daily job
        may not have switched it on yet, but the vendor is covered from midnight)."""
        return self.filter(status__in=IN_FORCE, valid_from__lte=today, valid_to__gte=today)

    def pending(self):
        """Applications waiting for the street's review or the bureau's approval."""
        return self.filter(status__in=(PermitStatus.APPLIED, PermitStatus.REVIEWED))

    def due_for_renewal(self, today):
        """Active permits whose renewal window is open: expiring within RENEWAL_OPENS_DAYS, not yet expired,
        not yet renewed."""
        return self.filter(
            status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=today + timedelta(days=RENEWAL_OPENS_DAYS),
            renewed_by__isnull=True,
        )

    def expiring(self, today):
        """Active, unrenewed permits ending within PERMIT_WARNING_DAYS: their street is warned."""
        return self.filter(
            status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=today + timedelta(days=PERMIT_WARNING_DAYS),
            renewed_by__isnull=True,
        )

    def lapsed(self, today):
        """Still marked active but past valid_to (the expiry job turns these into expired)."""
        return self.filter(status=PermitStatus.ACTIVE, valid_to__lt=today)

    def starting(self, today):
        """Approved permits whose first day has come (the expiry job switches them on)."""
        return self.filter(status=PermitStatus.SCHEDULED, valid_from__lte=today)


class StallPermitEventQuerySet(AppendOnlyQuerySetMixin, PlacedQuerySet):
    scope_street = "permit__zone__street"


class MarketNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class VendorCaseLinkQuerySet(PlacedQuerySet):
    scope_street = "case__street"


class ShopQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)


class FrontageAgreementQuerySet(PlacedQuerySet):
    scope_street = "shop__street"

    def active(self):
        return self.filter(is_active=True)


class OutdoorAdQuerySet(PlacedQuerySet):
    scope_street = "street"

    def problem(self, today=None):
        """The seed's targets: no approval, an expired approval, or a safety hazard (removed ads are done)."""
        today = today or timezone.localdate(clock.now())
        return self.exclude(status=AdStatus.REMOVED).filter(
            Q(approval_number="") | Q(approved_until__isnull=True) | Q(approved_until__lt=today)
            | Q(status=AdStatus.HAZARD)
        )


def streets_in_scope(user):
    """`Street.objects.visible_to(user)` as one `pk IN (subquery)` (none for bureau staff), so the coverage's
    aggregate joins only shops and agreements, never the assignments."""
    from grids.models import Street

    return within_scope(Street.objects.all(), user, street="pk")


def frontage_coverage(streets):
    """Each street with `shop_count` (registered, active shops) and `covered_count` (those with an active
    frontage agreement): one query."""
    return streets.annotate(
        shop_count=Count("shops", filter=Q(shops__is_active=True), distinct=True),
        covered_count=Count(
            "shops", filter=Q(shops__is_active=True, shops__agreements__is_active=True), distinct=True
        ),
    )
