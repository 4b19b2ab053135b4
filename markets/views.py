"""The street-commerce page: per street in the user's scope, zones open now, permits due for renewal,
frontage coverage, problem ads, and the district's repeat offenders who appear there."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from bureau import clock

from .models import OutdoorAd, StallPermit, Vendor, VendorCaseLink, VendorZone
from .permissions import can_read_markets
from .querysets import frontage_coverage, streets_in_scope

LIST_LIMIT = 50


@login_required
def index(request):
    user = request.user
    if not can_read_markets(user):
        raise PermissionDenied
    now = clock.now()
    today = timezone.localdate(now)
    streets = list(frontage_coverage(streets_in_scope(user)).order_by("code"))

    zones = list(VendorZone.objects.visible_to(user).active().select_related("street").prefetch_related("windows"))
    due = list(StallPermit.objects.visible_to(user).due_for_renewal(today)
               .select_related("zone__street", "vendor", "slot"))
    ads = list(OutdoorAd.objects.visible_to(user).problem(today).select_related("street")[:LIST_LIMIT])
    problem_counts = {}
    for street_id in OutdoorAd.objects.visible_to(user).problem(today).values_list("street_id", flat=True):
        problem_counts[street_id] = problem_counts.get(street_id, 0) + 1
    links = VendorCaseLink.objects.select_related("case__street").only("vendor_id", "case__street__code",
                                                                       "case__street__name")
    offenders = list(
        Vendor.objects.visible_to(user).repeat_offenders().prefetch_related(Prefetch("case_links", queryset=links))
        [:LIST_LIMIT]
    )
    for v in offenders:
        v.street_names = sorted({link.case.street.name for link in v.case_links.all()})

    for z in zones:
        z.open_now = z.is_open_at(now)
    rows = []
    for s in streets:
        s_zones = [z for z in zones if z.street_id == s.pk]
        rows.append({
            "street": s,
            "zones": len(s_zones),
            "open_zones": sum(1 for z in s_zones if z.open_now),
            "due": sum(1 for p in due if p.zone.street_id == s.pk),
            "coverage": round(100 * s.covered_count / s.shop_count) if s.shop_count else None,
            "problem_ads": problem_counts.get(s.pk, 0),
        })
    return render(request, "markets/index.html", {
        "rows": rows, "zones": zones, "due": due, "ads": ads, "offenders": offenders, "now": now,
    })
