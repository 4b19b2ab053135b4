"""Reads over street commerce. `visible_to(user)` is the one scoping entry point of every view and page,
the work scope of grids' `Street.objects.visible_to` read through each row's street (`scope_street`):
bureau staff see the district; a street leader their street(s); a grid officer the streets of their cells
(street commerce is managed by street, so no row here is scoped by cell); the API client and the auditor
nothing (their requests are refused with 403 before this)."""
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from bureau import clock
from grids.querysets import PlacedQuerySet, within_scope

from .choices import RENEWAL_OPENS_DAYS, AdStatus, PermitStatus


def local_time(moment: datetime):
    return timezone.localtime(moment).time() if timezone.is_aware(moment) else moment.time()


class VendorZoneQuerySet(PlacedQuerySet):
    scope_street = "street"

    def active(self):
        return self.filter(is_active=True)

    def open_at(self, moment: datetime):
        """Zones whose hours contain `moment` (local time). A window with closes_at < opens_at crosses midnight
        (night snacks 18:00 -> 02:00): open from opens_at to midnight and from midnight to closes_at."""
        t = local_time(moment)
        same_day = Q(opens_at__lt=F("closes_at"), opens_at__lte=t, closes_at__gt=t)
        overnight = Q(opens_at__gt=F("closes_at")) & (Q(opens_at__lte=t) | Q(closes_at__gt=t))
        return self.filter(same_day | overnight)


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
        return self.filter(status=PermitStatus.ACTIVE, valid_from__lte=today, valid_to__gte=today)

    def due_for_renewal(self, today):
        """Active permits whose renewal window is open: expiring within RENEWAL_OPENS_DAYS, not yet expired."""
        return self.filter(
            status=PermitStatus.ACTIVE, valid_to__gte=today, valid_to__lte=today + timedelta(days=RENEWAL_OPENS_DAYS)
        )

    def lapsed(self, today):
        """Still marked active but past valid_to (the expiry sweep turns these into expired)."""
        return self.filter(status=PermitStatus.ACTIVE, valid_to__lt=today)


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
