"""xlsx exports of the farmers-market pages, with Chinese headings; user text stays text (no formulas)."""
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from bureau.spreadsheets import spreadsheet_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title, headings, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([str(h) for h in headings])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(spreadsheet_row(row))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _t(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def markets_xlsx(rows) -> bytes:
    """One line per market as the list page shows it (rows: the page's dicts)."""
    return _book(_("农贸市场"), [_("街道"), _("名称"), _("地址"), _("开办单位"), _("管理站"), _("今日保洁"), _("今日漏保洁"),
                                 _("待处理投诉"), _("超期投诉"), _("待维修")], [
        [r["market"].street.name, r["market"].name, r["market"].address,
         r["market"].operator.name if r["market"].operator else "", r["market"].station.name if r["market"].station else "",
         "；".join(f"{slot.name} {status.label}" for slot, status, _found in r["cleaning"]), r["missed"],
         r["open_complaints"], r["overdue_complaints"], r["pending_repairs"]] for r in rows])


def complaints_xlsx(complaints, now) -> bytes:
    return _book(_("市场投诉"), [_("街道"), _("市场"), _("类型"), _("渠道"), _("投诉内容"), _("联系电话"), _("受理时间"),
                                 _("处理时限"), _("状态"), _("处理时间"), _("处理结果"), _("超期")], [
        [c.market.street.name, c.market.name, c.get_kind_display(), c.get_channel_display(), c.content, c.phone_masked,
         _t(c.received_at), _t(c.due_at), c.get_status_display(), _t(c.handled_at), c.reply,
         _("是") if c.is_overdue(now) else _("否")] for c in complaints])
