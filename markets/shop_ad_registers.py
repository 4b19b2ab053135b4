"""The shop and ad register pages, with their filters and xlsx exports (PII only as its mask). Rows through
`visible_to`, filtered by the API's FilterSets, so a page, an export and the API show the same rows."""
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from bureau import clock
from bureau.spreadsheets import spreadsheet_row
from grids.models import Street

from .choices import SHOP_FLAG_CASES, AdKind, AdStatus, NoticeKind
from .exports import XLSX
from .filtersets import OutdoorAdFilterSet, ShopFilterSet
from .models import MarketNotice, OutdoorAd, Shop
from .permissions import can_read_markets
from .querysets import ad_ratios, streets_in_scope

PAGE_SIZE = 50
NOTICE_LIMIT = 20  # the ads page shows the user's latest expiry messages


def _xlsx(title, headings, rows, filename):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([str(h) for h in headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(spreadsheet_row(row))  # user text stays text: no formulas
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered(request, filterset_class, queryset):
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return filterset, queryset.none()
    try:
        return filterset, filterset.qs
    except ValidationError as exc:  # a method filter's refusal (flagged=maybe): shown, no rows
        for field, errors in exc.message_dict.items():
            filterset.errors.setdefault(field, []).extend(errors)
        return filterset, queryset.none()


def _guard(request):
    if not can_read_markets(request.user):
        raise PermissionDenied


def _yes(value):
    return _("是") if value else _("否")


@require_GET
@login_required
def shops(request):
    _guard(request)
    filterset, rows = _filtered(request, ShopFilterSet, Shop.objects.visible_to(request.user).for_register())
    if request.GET.get("format") == "xlsx":
        headings = [_("店名"), _("地址"), _("营业执照号"), _("街道"), _("单元网格"), _("在营"), _("已签门前包干责任书"),
                    _("签订人"), _("签订人电话"), _("承诺书签订日期"), _("近90天店外经营案件"), _("重点关注")]
        return _xlsx(_("商户"), headings, ([
            s.name, s.address, s.licence_number, s.street.name, s.grid.code if s.grid else "", _yes(s.is_active),
            _yes(s.has_agreement), s.signer_name or "", s.signer_phone_masked or "",
            s.commitment_signed_on.isoformat() if s.commitment_signed_on else "", s.frontage_case_count,
            _yes(s.frontage_case_count >= SHOP_FLAG_CASES)] for s in rows.iterator()), "shops.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "markets/shops.html", {
        "filterset": filterset, "page": page, "flag_cases": SHOP_FLAG_CASES,
        "streets": Street.objects.visible_to(request.user).order_by("code"), "query": _query(request)})


@require_GET
@login_required
def ads(request):
    _guard(request)
    today = timezone.localdate(clock.now())
    filterset, rows = _filtered(request, OutdoorAdFilterSet,
                                OutdoorAd.objects.visible_to(request.user).select_related("street", "removal_order"))
    if request.GET.get("format") == "xlsx":
        headings = [_("设置单位"), _("位置"), _("街道"), _("类型"), _("审批文号"), _("审批有效期起"), _("审批有效期至"),
                    _("状态"), _("拆除整改通知书")]
        return _xlsx(_("户外广告"), headings, ([
            a.owner, a.location, a.street.name, a.get_kind_display(), a.approval_number,
            a.approved_from.isoformat() if a.approved_from else "",
            a.approved_until.isoformat() if a.approved_until else "", a.get_status_display(),
            a.removal_order.number if a.removal_order else ""] for a in rows.iterator()), "outdoor-ads.xlsx")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    ratios = list(ad_ratios(streets_in_scope(request.user)).order_by("code"))
    for s in ratios:
        s.ratio = round(100 * s.public_service_count / s.ad_count) if s.ad_count else None
        s.target_pct = round(100 * s.target) if s.target is not None else None
        s.met = s.target is not None and s.public_service_count >= s.target * s.ad_count
    notices = list(MarketNotice.objects.visible_to(request.user).filter(
        kind__in=(NoticeKind.AD_EXPIRING, NoticeKind.AD_EXPIRED))[:NOTICE_LIMIT])
    return render(request, "markets/ads.html", {
        "filterset": filterset, "page": page, "ratios": ratios, "notices": notices, "today": today, "statuses": AdStatus.choices,
        "kinds": AdKind.choices, "streets": Street.objects.visible_to(request.user).order_by("code"),
        "query": _query(request)})


def _query(request):
    """The filters as a query string, for the export link and the pages."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()
