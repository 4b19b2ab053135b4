"""Spreadsheet (xlsx) exports of the street-commerce registers: zones, vendors, stall permits. Every cell goes
through bureau/spreadsheets.py (user text stays text), and a vendor's phone and ID number leave only as their
masks: the registers store nothing else."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bureau.spreadsheets import spreadsheet_row

from .choices import Trade

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _trades(codes) -> str:
    labels = dict(Trade.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])


def windows_text(windows) -> str:
    """A zone's windows as one line: "18:00–次日02:00" once when every day has the same hours."""
    parts, seen = [], set()
    for w in windows:
        key = (w.opens, w.closes)
        if key in seen:
            continue
        seen.add(key)
        parts.append(f"{w.opens:%H:%M}–{_('次日') if w.crosses_midnight else ''}{w.closes:%H:%M}")
    return "；".join(parts)


def _workbook(title, headings, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([str(h) for h in headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(spreadsheet_row(row))
    for index, heading in enumerate(headings, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, len(str(heading)) * 2 + 4)
    ws.freeze_panes = "A2"
    about = wb.create_sheet(_("说明"))
    about.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zones_xlsx(zones) -> bytes:
    headings = [_("编号"), _("名称"), _("街道"), _("类型"), _("道路"), _("营业时段"), _("季节起"), _("季节止"),
                _("允许经营品类"), _("摊位数"), _("责任人"), _("投诉电话"), _("启用")]
    rows = ([z.pk, z.name, z.street.name, str(z.get_kind_display()), z.road, windows_text(z.windows.all()),
             z.valid_from, z.valid_to, _trades(z.allowed_trades) or z.trades, z.capacity, z.responsible_person,
             z.complaint_phone, _("是") if z.is_active else _("否")] for z in zones)
    return _workbook(_("摊点区域"), headings, rows)


def vendors_xlsx(vendors) -> bytes:
    headings = [_("编号"), _("姓名/名称"), _("类别"), _("营业执照号"), _("电话"), _("身份证号"), _("经营品类"),
                _("登记时间")]
    rows = ([v.pk, v.name, str(v.get_kind_display()), v.licence_number, v.phone_masked, v.id_number_masked,
             _trades(v.trades), timezone.localtime(v.created_at).strftime("%Y-%m-%d %H:%M")] for v in vendors)
    return _workbook(_("摊贩"), headings, rows)


def permits_xlsx(permits) -> bytes:
    headings = [_("编号"), _("街道"), _("摊点区域"), _("摊位号"), _("摊贩"), _("电话"), _("身份证号"), _("有效期起"),
                _("有效期止"), _("状态"), _("申请方式"), _("吊销原因")]
    rows = ([p.pk, p.zone.street.name, p.zone.name, p.slot.number, p.vendor.name, p.vendor.phone_masked,
             p.vendor.id_number_masked, p.valid_from, p.valid_to, str(p.get_status_display()),
             str(p.get_applicant_display()), p.revoke_reason] for p in permits)
    return _workbook(_("摊位许可"), headings, rows)
