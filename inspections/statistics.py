"""The figures of patrols, construction sites, demolitions and campaigns (see bureau/statistics.py).

The patrol report's counts (规范超店经营 户, 劝导流动摊贩 人 ...) are configured by staff, so their figures are a
family: one per configured count, the sum of that count over the period's reports, each report carrying
the count being one row.
"""
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bureau.statistics import Figure, in_period, local_date, register, register_family, sum_of

from .models import (
    Campaign,
    CampaignTarget,
    ConstructionSite,
    Demolition,
    OccupationApproval,
    PatrolCountField,
    PatrolReport,
    SiteInspection,
    SiteInspectionItem,
)


def _report_text(report):
    where = report.street.name if report.street_id else None
    return {"text": str(report), "street": where, "date": report.date.isoformat()}


def _reports(query, **extra):
    return query.base(PatrolReport, "street").filter(**in_period("date", query, dates=True), **extra)


def _patrol_count_figure(field):
    code = field.code

    def value(rows, query):
        # one read of the period's counts serves every count's figure
        key = ("patrol-counts", query.period, getattr(query.street, "pk", None), getattr(query.user, "pk", None))
        counts = query.memo(key, lambda: list(_reports(query).values_list("counts", flat=True)))
        return sum(_count_of_body(body, code) for body in counts)

    return Figure(
        code=f"patrol_{code}", name=format_lazy("{}", field.name), unit=field.unit or _("次"),
        definition=format_lazy("{}“{}”", _("期间巡查日报中统计项合计："), field.name), section="patrols",
        rows=lambda q: _reports(q, counts__has_key=code), value=value, amount=lambda r: _count_of_body(r.counts, code),
        describe=_report_text, select_related=("street",), order=20 + field.order, models=(PatrolReport,))


def _count_of_body(body, code):
    """A report's count of `code` (a missing or malformed one counts nothing)."""
    value = (body or {}).get(code)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _patrol_count_figures():
    return [_patrol_count_figure(field) for field in PatrolCountField.objects.order_by("order", "code")]


register_family(30, _patrol_count_figures, models=(PatrolCountField,))


# --- sites and demolitions --------------------------------------------------------------------------------


def _site_text(site):
    return {"text": site.name, "street": site.street.name, "date": local_date(site.agreement_signed_on)}


def _inspection_text(inspection):
    return {"text": f"{inspection.site.name} {inspection.date}", "street": inspection.site.street.name,
            "date": inspection.date.isoformat()}


def _item_text(item):
    inspection = item.inspection
    return {"text": f"{inspection.site.name} {item.item.name}", "street": inspection.site.street.name,
            "date": inspection.date.isoformat()}


def _items(query):
    inspections = query.base(SiteInspection, "site__street")
    return SiteInspectionItem.objects.filter(inspection__in=inspections.values("pk"))


def _demolition_text(demolition):
    return {"text": f"{demolition.site} {demolition.area_m2} m²", "street": demolition.street.name,
            "date": demolition.demolished_on.isoformat()}


def _demolitions(query, **extra):
    return query.base(Demolition, "street").filter(**in_period("demolished_on", query, dates=True), **extra)


_item_select = ("inspection__site__street", "item")

register(
    Figure(code="patrol_reports", name=_("巡查日报"), unit=_("份"), definition=_("期间的巡查日报（大队巡查与督查巡查）"),
           section="patrols", rows=lambda q: _reports(q), describe=_report_text, select_related=("street",),
           order=10, models=(PatrolReport,), street_path="street"),
    Figure(code="site_inspections", name=_("工地扬尘检查"), unit=_("次"), definition=_("期间对建筑工地的扬尘检查"),
           section="construction", rows=lambda q: q.base(SiteInspection, "site__street").filter(
               **in_period("date", q, dates=True)),
           describe=_inspection_text, select_related=("site__street",), order=10, models=(SiteInspection,)),
    Figure(code="sites_inspected", name=_("检查工地"), unit=_("个"), definition=_("期间至少检查过一次的建筑工地"),
           section="construction", rows=lambda q: q.base(ConstructionSite, "street").filter(
               pk__in=SiteInspection.objects.filter(**in_period("date", q, dates=True)).values("site_id")),
           describe=_site_text, select_related=("street",), order=12, models=(SiteInspection, ConstructionSite)),
    Figure(code="site_items_failed", name=_("工地检查不合格项"), unit=_("项"),
           definition=_("期间检查发现的不合格项（每项转为案件，限期整改）"), section="construction",
           rows=lambda q: _items(q).failed().filter(**in_period("inspection__date", q, dates=True)),
           describe=_item_text, select_related=_item_select, order=14, models=(SiteInspectionItem,)),
    Figure(code="site_items_rectified", name=_("工地整改到位"), unit=_("项"),
           definition=_("期间复查确认整改到位的不合格项（按复查日期）"), section="construction",
           rows=lambda q: _items(q).filter(resolved_by__isnull=False,
                                           **in_period("resolved_by__date", q, dates=True)),
           describe=_item_text, select_related=_item_select, order=16, models=(SiteInspectionItem,)),
    Figure(code="site_agreements_signed", name=_("签订文明施工责任书"), unit=_("份"),
           definition=_("期间签订文明施工责任书的建筑工地"), section="construction",
           rows=lambda q: q.base(ConstructionSite, "street").filter(
               **in_period("agreement_signed_on", q, dates=True)),
           describe=_site_text, select_related=("street",), order=18, models=(ConstructionSite,)),
    Figure(code="demolitions", name=_("拆除违建"), unit=_("处"), definition=_("期间拆除的违法建设（含当事人自拆）"),
           section="construction", rows=lambda q: _demolitions(q), describe=_demolition_text,
           select_related=("street",), order=30, models=(Demolition,), street_path="street"),
    Figure(code="demolitions_forced", name=_("强制拆除违建"), unit=_("处"), definition=_("期间强制拆除的违法建设"),
           section="construction", rows=lambda q: _demolitions(q, forced=True), describe=_demolition_text,
           select_related=("street",), order=31, models=(Demolition,)),
    Figure(code="demolished_area", name=_("拆除违建面积"), unit=_("平方米"), definition=_("期间拆除的违法建设面积合计"),
           section="construction", rows=lambda q: _demolitions(q), value=sum_of("area_m2"),
           amount=lambda d: d.area_m2, describe=_demolition_text, select_related=("street",), order=32,
           models=(Demolition,), street_path="street"),
)


# --- campaigns --------------------------------------------------------------------------------------------


def _campaigns(query):
    """Campaigns running at some point of the period; with a street, those whose area takes it in."""
    from django.db.models import Q

    rows = Campaign.objects.visible_to(query.user) if query.user is not None else Campaign.objects.all()
    rows = rows.filter(starts_on__lte=query.period.last, ends_on__gte=query.period.first)
    if query.street is not None:
        everywhere = Q(streets__isnull=True, cells__isnull=True)
        rows = rows.filter(everywhere | Q(streets=query.street) | Q(cells__street=query.street)).distinct()
    return rows


def _campaign_text(campaign):
    return {"text": campaign.name, "street": None, "date": campaign.starts_on.isoformat()}


def target_results(query):
    """Per target of the period's campaigns: (target, result, percent), in the street when one is asked."""
    from .services.campaigns import campaign_progress

    def compute():
        out = []
        for campaign in _campaigns(query).prefetch_related("targets"):
            for row in campaign_progress(campaign)["targets"]:
                total = row["total"]
                if query.street is not None:
                    total = row["by_street"].get(query.street.pk, Decimal(0))
                percent = round(total / row["target"].target * 100, 1)
                out.append((row["target"], total, percent))
        return out
    return query.memo("campaign-targets", compute)


def _target_text(target):
    return {"text": f"{target.campaign.name}：{target}", "street": None, "date": target.campaign.ends_on.isoformat()}


register(
    Figure(code="campaigns", name=_("开展专项整治"), unit=_("项"), definition=_("期间开展（至少一天在期间内）的专项整治"),
           section="campaigns", rows=_campaigns, describe=_campaign_text, order=10, models=(Campaign,)),
    Figure(code="campaign_targets_met", name=_("专项整治目标已完成"), unit=_("项"),
           definition=_("期间开展的专项整治中完成值达到目标值的目标（有街道时按该街道的完成值）"), section="campaigns",
           rows=lambda q: CampaignTarget.objects.filter(
               pk__in=[t.pk for t, _total, percent in target_results(q) if percent >= 100]),
           describe=_target_text, select_related=("campaign",), order=20, models=(Campaign, CampaignTarget)),
)


def _approval_text(approval):
    return {"text": f"{approval.number} {approval.title} {approval.applicant}", "street": None,
            "date": local_date(approval.approved_at)}


register(
    Figure(code="occupation_approvals", name=_("临时占道审批"), unit=_("件"),
           definition=_("期间批准的临时占道（促销、活动、夜市等）审批"), section="patrols",
           rows=lambda q: q.base(OccupationApproval, "streets").filter(**in_period("approved_at", q)),
           describe=_approval_text, order=200, models=(OccupationApproval,), street_path="streets"),
)
