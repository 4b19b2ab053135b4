"""A zone's public face: the sign hung at the zone (area, hours, trades, the five unified rules of a night-snack
zone, the responsible person and the complaint phone: all public, none of it personal data), printable on A4
with a QR code, and the public page that code opens, which needs no login and shows only those fields."""
import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from bureau import clock

from .choices import NightSnackRule, Trade, ZoneKind
from .hours import hours_lines
from .models import VendorZone
from .registers import _require_reader, _zone_for


def _public_facts(zone) -> dict:
    """The fields a sign and the public page show, and nothing else."""
    labels = dict(Trade.choices)
    return {
        "zone": zone,
        "hours": hours_lines(zone.windows.all()),
        "trades": [str(labels.get(c, c)) for c in zone.allowed_trades or []],
        "rules": [label for _, label in NightSnackRule.choices] if zone.kind == ZoneKind.NIGHT_SNACK else [],
    }


def public_url(request, zone) -> str:
    return request.build_absolute_uri(reverse("markets:zone-public", kwargs={"pk": zone.pk}))


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline SVG element (no file, no request)."""
    return segno.make(text, error="m").svg_inline(scale=5, border=2, title="QR", omitsize=True)


@login_required
@require_GET
def zone_sign(request, pk):
    """The zone's sign, A4 (the print stylesheet hides everything else)."""
    _require_reader(request.user)
    zone = _zone_for(request.user, pk)
    url = public_url(request, zone)
    return render(request, "markets/zone_sign.html", {
        **_public_facts(zone), "public_url": url, "qr": mark_safe(qr_svg(url)),  # noqa: S308 - segno's own SVG
    })


@require_GET
def zone_public(request, pk):
    """The page the sign's QR code opens: public, no login; an unknown zone is a 404."""
    zone = (VendorZone.objects.filter(pk=pk).select_related("street").prefetch_related("windows")
            .only("pk", "name", "kind", "road", "street__name", "street__code", "valid_from", "valid_to", "trades",
                  "allowed_trades", "responsible_person", "complaint_phone", "is_active", "half_width_m").first())
    if zone is None:
        raise Http404
    return render(request, "markets/zone_public.html", {
        **_public_facts(zone), "open_now": zone.is_open_at(clock.now()),
    })
