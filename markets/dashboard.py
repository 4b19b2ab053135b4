"""Dashboard tiles for street commerce (permits due for renewal, problem ads, frontage coverage), in scope."""
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock

from .choices import PermitStatus as StallPermitStatus
from .models import FrontageAgreement, OutdoorAd, Shop, StallPermit
from .permissions import can_read_markets


def market_tiles(request):
    user = request.user
    if not can_read_markets(user):
        return []
    today = timezone.localdate(clock.now())
    url = reverse("markets:index")
    due = StallPermit.objects.visible_to(user).due_for_renewal(today).count()
    # applications waiting for the user's step: a leader's review, the bureau's approval
    waiting = StallPermitStatus.REVIEWED if user.is_bureau_staff else StallPermitStatus.APPLIED
    pending = StallPermit.objects.visible_to(user).filter(status=waiting).count()
    problem = OutdoorAd.objects.visible_to(user).problem(today).count()
    shops_qs = Shop.objects.visible_to(user).active()
    shops = shops_qs.count()
    covered = shops_qs.filter(pk__in=FrontageAgreement.objects.values("shop_id")).count()
    coverage = round(100 * covered / shops) if shops else None
    return [
        {"key": "markets-permits-pending", "label": _("待办摊位申请"), "value": pending, "note": "",
         "url": reverse("markets:permits") + f"?status={waiting}", "tone": "yellow" if pending else "green"},
        {"key": "markets-permits-due", "label": _("待续期摊位许可"), "value": due, "note": "", "url": url,
         "tone": "yellow" if due else "green"},
        {"key": "markets-problem-ads", "label": _("问题户外广告"), "value": problem, "note": "", "url": url,
         "tone": "red" if problem else "green"},
        {"key": "markets-frontage", "label": _("门前五包覆盖率"), "value": "—" if coverage is None else f"{coverage}%",
         "note": _("%(covered)d / %(shops)d 户") % {"covered": covered, "shops": shops}, "url": url,
         "tone": "" if coverage is None else ("green" if coverage >= 95 else "yellow" if coverage >= 80 else "red")},
    ]
