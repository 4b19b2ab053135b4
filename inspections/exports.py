"""Spreadsheet (xlsx) exports of published rankings and bulletins, with Chinese headings, via openpyxl."""
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bureau.spreadsheets import spreadsheet_row

from .choices import OffRotaReason

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

RANKING_HEADINGS = [
    ("名次", lambda r: r["rank"]),
    ("街道代码", lambda r: r["street"]["code"]),
    ("街道", lambda r: r["street"]["name"]),
    ("得分", lambda r: float(r["score"])),
    ("等级", lambda r: r["grade"]),
    ("应结案数", lambda r: r["indicators"]["due_count"]),
    ("结案数", lambda r: r["indicators"]["closed_count"]),
    ("按期结案数", lambda r: r["indicators"]["closed_on_time_count"]),
    ("结案率", lambda r: r["indicators"]["close_rate"]),
    ("按期结案率", lambda r: r["indicators"]["on_time_close_rate"]),
    ("返工率", lambda r: r["indicators"]["rework_rate"]),
    ("延期率", lambda r: r["indicators"]["extension_rate"]),
    ("超时未处置数", lambda r: r["indicators"]["overdue_count"]),
    ("督办数", lambda r: r["indicators"]["bulletin_items"]),
    ("巡查覆盖率", lambda r: r["indicators"]["patrol_coverage"]),
]
BRIGADE_TIME_HEADINGS = ["街道代码", "街道", "城管工作（小时）", *[str(label) for label in OffRotaReason.labels],
                         "其他工作合计", "总时长", "城管工作占比"]
RATE_COLUMNS = {"结案率", "按期结案率", "返工率", "延期率", "巡查覆盖率"}
BULLETIN_COUNT_HEADINGS = [("街道代码", "code"), ("街道", "name"), ("应结案数", "due_count"), ("结案数", "closed_count"),
                           ("按期结案数", "closed_on_time_count"), ("超时未处置数", "overdue_count"),
                           ("督办数", "bulletin_items")]
BULLETIN_ITEM_HEADINGS = ["街道代码", "街道", "案件编号", "类别编码", "类别", "地址", "处置时限", "超时（小时）"]


def _sheet(wb, title, headings, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headings)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(spreadsheet_row(row))  # user text stays text: no formulas, no illegal characters
    for index, heading in enumerate(headings, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, len(heading) * 2 + 4)
    ws.freeze_panes = "A2"
    return ws


def _about(wb, pairs):
    _sheet(wb, "说明", ["项目", "内容"], pairs)


def _bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def ranking_xlsx(payload: dict) -> bytes:
    wb = Workbook()
    ws = _sheet(wb, "排名", [h for h, _ in RANKING_HEADINGS],
                ([get(r) for _, get in RANKING_HEADINGS] for r in payload["results"]), first=True)
    for index, (heading, _) in enumerate(RANKING_HEADINGS, start=1):
        if heading in RATE_COLUMNS:
            for cell in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell[0].number_format = "0.00%"
    annex = (payload.get("annex") or {}).get("brigade_time")
    if annex:
        _sheet(wb, "附表 大队时间去向", BRIGADE_TIME_HEADINGS, (
            [s["street"]["code"], s["street"]["name"], s["urban_hours"],
             *[s["by_reason"].get(r, 0) for r in OffRotaReason.values], s["other_hours"], s["total_hours"],
             s["urban_share"]] for s in [*annex["streets"], {**annex["total"], "street": {"code": "", "name": "合计"}}]))
    _about(wb, [("周期", payload["period"]), ("开始", payload["start"]), ("结束", payload["end"]),
                ("考评方案", f"{payload['scheme']['code']} v{payload['scheme']['version']}"),
                ("修订版次", payload["revision"]), ("发布时间", payload["published_at"]),
                ("导出时间", timezone.localtime().isoformat(timespec="seconds"))])
    return _bytes(wb)


def bulletin_xlsx(payload: dict) -> bytes:
    wb = Workbook()
    _sheet(wb, "汇总", [h for h, _ in BULLETIN_COUNT_HEADINGS],
           ([s["street"]["code"], s["street"]["name"], *[s["counts"].get(k, 0) for _, k in BULLETIN_COUNT_HEADINGS[2:]]]
            for s in payload["streets"]), first=True)
    _sheet(wb, "督办案件", BULLETIN_ITEM_HEADINGS, (
        [s["street"]["code"], s["street"]["name"], i["case"]["number"], i["category"]["code"], i["category"]["name"],
         i["address"], i["due_at"], i["overdue_hours"]]
        for s in payload["streets"] for i in s["items"]))
    if payload.get("departments"):
        _sheet(wb, "协办部门", ["名次", "部门代码", "部门", "本周转办", "拒收退回", "应处置数", "按期处置数", "按期处置率"], (
            [d["rank"], d["department"]["code"], d["department"]["name"], d["counts"]["received"],
             d["counts"]["refused"], d["counts"]["due_count"], d["counts"]["on_time_count"], d["counts"]["on_time_rate"]]
            for d in payload["departments"]))
    _about(wb, [("周期", payload["period"]), ("开始", payload["start"]), ("结束", payload["end"]),
                ("修订版次", payload["revision"]), ("发布时间", payload["published_at"])])
    return _bytes(wb)


# ---------------------------------------------------------------------------------------------- campaigns


def campaign_report_xlsx(progress) -> bytes:
    """A campaign's closing report: one row per target, its value in each street of the area and in total."""
    campaign, streets = progress["campaign"], progress["streets"]
    wb = Workbook()
    headings = ["目标", "目标值", "单位", "完成率（%）"] + [s.name for s in streets] + ["合计"]
    rows = [[row["target"].label, float(row["target"].target), row["target"].unit, float(row["percent"])]
            + [_number(row["by_street"][s.pk]) for s in streets] + [_number(row["total"])]
            for row in progress["targets"]]
    _sheet(wb, "整治成效", headings, rows, first=True)
    _about(wb, [("专项整治", campaign.name), ("时间", f"{campaign.starts_on} 至 {campaign.ends_on}"),
                ("参与单位", campaign.units), ("整治街道", "、".join(s.name for s in streets)),
                ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))])
    return _bytes(wb)


def _number(value):
    """Whole numbers as integers, areas with their decimals."""
    return int(value) if value == int(value) else float(value)


def illegal_building_xlsx(week, first, last, rows, totals) -> bytes:
    """The rural squad's weekly bulletin: one row per town, and the total."""
    wb = Workbook()
    headings = ["街道（镇）", "新发现违建（处）", "制止（处）", "拆除（处）", "拆除面积（m²）"]
    body = [[r["street"].name, r["found"], r["stopped"], r["demolished"], _number(r["demolished_m2"])] for r in rows]
    body.append(["合计", totals["found"], totals["stopped"], totals["demolished"], _number(totals["demolished_m2"])])
    _sheet(wb, "违建巡查情况", headings, body, first=True)
    _about(wb, [("周", week), ("时间", f"{first} 至 {last}"),
                ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))])
    return _bytes(wb)


# ---------------------------------------------------------------------------------------------- approvals


def approvals_xlsx(occupations, muck) -> bytes:
    """District approvals in a user's scope: temporary occupation on one sheet, muck transport on another."""
    def streets(a):
        return "、".join(s.name for s in sorted(a.streets.all(), key=lambda s: s.code))

    wb = Workbook()
    _sheet(wb, "临时占道审批", ["审批编号", "类型", "名称", "申请单位", "涉及街道", "有效期起", "有效期止", "每日时段起",
                          "每日时段止", "审批条件"],
           ([a.number, str(a.get_kind_display()), a.title, a.applicant, streets(a), a.valid_from.isoformat(),
             a.valid_to.isoformat(), a.hours_from.strftime("%H:%M"), a.hours_to.strftime("%H:%M"), a.conditions]
            for a in occupations), first=True)
    _sheet(wb, "渣土运输核准", ["核准编号", "运输单位", "车辆号牌", "途经街道", "有效期起", "有效期止", "运输时段起",
                          "运输时段止", "路线说明", "核准条件"],
           ([a.number, a.carrier, a.vehicles, streets(a), a.valid_from.isoformat(), a.valid_to.isoformat(),
             a.hours_from.strftime("%H:%M"), a.hours_to.strftime("%H:%M"), a.route_description, a.conditions]
            for a in muck))
    return _bytes(wb)
