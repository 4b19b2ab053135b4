"""Demo history of the field work: every street's daily patrol reports over the demo months, and the bureau's
supervision patrols a few times a week whose findings become cases that walk the workflow (some late: they
are what the weekly bulletins list). Deterministic; a second run changes nothing.

Reports without findings are written in bulk (thousands of them; the service would only repeat the same
checks); every report with findings goes through `patrol_report_file`, so each finding is a real case with
its event trail, with the clock set back to when it was filed.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from shapely.geometry import shape

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.models import User

from .choices import PatrolShift, PatrolSource
from .models import PatrolCountField, PatrolReport

ORDER = 40

TZ = ZoneInfo("Asia/Shanghai")
FULL_START = date(2026, 6, 1)
QUICK_DAYS = 14
ROUTES_PER_STREET = 6
# shift -> (start, end) of the usual patrol, and the chance a street files one that day
SHIFTS = {
    PatrolShift.EARLY: ((6, 30), (9, 0), 0.85),
    PatrolShift.DAY: ((9, 30), (11, 30), 0.35),
    PatrolShift.EVENING: ((19, 0), (21, 30), 0.3),
}
SUMMARIES = [
    "巡查主次干道，劝导流动摊贩，规范店外经营。", "重点巡查学校周边及农贸市场，错时管理。",
    "清理电线杆小广告，巡查沿街门店招牌安全。", "夜宵摊点巡查，督促落实五统一要求。",
    "巡查建筑工地围挡、出入口硬化及车辆冲洗情况。", "步行街、世兴庙一带占道经营整治。",
]
SELF_HANDLED = [
    ("09001", "流动摊贩沿街叫卖，已劝离"), ("09005", "店外经营，已责令收回"), ("07001", "小广告，已当场清理"),
    ("09010", "非机动车乱停放，已整理"), ("06036", "乱堆杂物，已督促清理"),
]
SUPERVISION_FINDINGS = [
    ("09006", "占道经营，督查发现未整改"), ("06010", "暴露垃圾未及时清运"), ("07003", "违规户外广告未拆除"),
    ("08004", "工地裸土未覆盖，扬尘明显"), ("06029", "露天烧烤油烟扰民"), ("09002", "夜市超时经营"),
]


def seed(*, stdout=None, quick: bool = False, **kwargs):
    seed_patrols(quick=quick, stdout=stdout)
    seed_field_work(stdout=stdout)
    seed_operation_demolitions(stdout=stdout)
    seed_reports(stdout=stdout)


def seed_operation_demolitions(*, stdout=None) -> None:
    """A demolition in each street of enforcement's demo joint operation, made in it on its day (its results
    count them). Skipped when one was recorded already."""
    from enforcement.models import JointOperation

    from .models import Demolition
    from .services.campaigns import demolition_record

    operation = JointOperation.objects.order_by("pk").first()
    if operation is None or Demolition.objects.filter(operation__isnull=False).exists():
        return
    rng = random.Random(1414)
    for n, street in enumerate(operation.streets.order_by("code")):
        leader = User.objects.filter(username=f"leader-{street.code}").first()
        cell = operation.cells.filter(street=street).order_by("code").last()
        if leader is None or cell is None:
            continue
        lat, lng = _point_in(cell, rng)
        with clock.frozen(_at(operation.date, (15, 0))):
            demolition_record(acting_user=leader, site=f"{street.name}占道违章搭建", lat=lat, lng=lng,
                              party_name="李某", area_m2=36 + 28 * n, demolished_on=operation.date,
                              order_reference=f"联合执法现场{n + 1}号", forced=n == 0, operation=operation)
    if stdout is not None:
        stdout.write(f"  inspections: demolitions in joint operation {operation.number}")


SITES = [("御文府", "吉州置业", "江西建工"), ("江南凤凰城", "凤凰地产", "中建三局"), ("三中教学工地", "区教体局", "吉安建工"),
         ("青春家园", "青春置业", "江西华美"), ("印象城", "印象商业", "中铁十六局"), ("润阳环湖湾", "润阳地产", "江西建工")]
FAILURES = ["wash-platform", "covered-soil", "enclosure"]


def _demo_photo():
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (150, 120, 80)).save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="site.jpg")


def seed_field_work(*, stdout=None) -> None:
    """Construction sites with their monthly inspections (failures only this week, so no finished period the
    rankings compiled changes), squads and a school gate per street, the rural squad's groups and this month's
    rota, a campaign, a few demolitions; through the services. Skipped when sites exist."""
    from grids.models import GridCell, Street

    from .models import ConstructionSite, DustCheckItem, KeyPoint, Squad
    from .services.campaigns import campaign_create, demolition_record
    from .services.rotas import rota_generate
    from .services.sites import muck_approval_issue, site_inspection_record, site_register

    if ConstructionSite.objects.exists():
        if stdout is not None:
            stdout.write("  inspections: construction sites already present, left as they are")
        return
    bureau = User.objects.filter(username="bureau").first()
    streets = list(Street.objects.order_by("code")[:3])
    if bureau is None or not streets:
        return
    rng = random.Random(1313)
    now = clock.now()
    today = now.astimezone(TZ).date()
    monday = today - timedelta(days=today.weekday())
    items = list(DustCheckItem.objects.active())
    sites = []
    with clock.frozen(now - timedelta(days=150)):
        for n, (name, developer, contractor) in enumerate(SITES):
            street = streets[n % len(streets)]
            cell = rng.choice(list(GridCell.objects.filter(street=street).order_by("code")[:20]))
            lat, lng = _point_in(cell, rng)
            sites.append(site_register(
                acting_user=bureau, name=name, developer=developer, contractor=contractor, lat=lat, lng=lng,
                permit_number=f"3608022026{n + 1:04d}", starts_on=today - timedelta(days=150),
                ends_on=today + timedelta(days=400), responsible_persons="项目经理 张伟；安全员 王芳",
                agreement_signed_on=(today - timedelta(days=148)) if n != 3 else None))
    for n, site in enumerate(sites):
        month = today.replace(day=1)
        for back in (3, 2, 1):  # a passed visit in each of the last three months
            day = (month - timedelta(days=28 * back)).replace(day=10)
            with clock.frozen(_at(day, (10, 30))):
                site_inspection_record(acting_user=bureau, site=site, inspected_at=_at(day, (10, 0)),
                                       results=[{"item": i.code, "result": "passed"} for i in items])
        if n < 3 and monday < today:  # this week: two sites with a failure each, one not yet visited this month
            failed = FAILURES[n]
            with clock.frozen(_at(monday, (10, 30))):
                site_inspection_record(acting_user=bureau, site=site, inspected_at=_at(monday, (10, 0)), results=[
                    {"item": i.code, "result": "failed" if i.code == failed else "passed",
                     **({"photos": [_demo_photo()], "note": "整改前照片"} if i.code == failed else {})}
                    for i in items])
    squads = {}
    for street in streets:
        squads[street.pk] = Squad.objects.get_or_create(name="一中队", street=street)[0]
        cell = GridCell.objects.filter(street=street).order_by("code").first()
        KeyPoint.objects.get_or_create(name=f"{street.name}中心小学校门", street=street, defaults={
            "grid": cell, "windows": [["07:10", "07:50"], ["11:30", "12:10"], ["16:30", "17:30"]]})
    groups = [Squad.objects.get_or_create(name=f"农房巡查{n}组", street=None)[0] for n in ("一", "二", "三")]
    towns = list(Street.objects.filter(kind="town").order_by("code")) or streets
    rota_generate(acting_user=bureau, name="农民违章建房巡查中队排班", month=today.strftime("%Y-%m"), squads=groups,
                  towns=towns)
    leader = User.objects.filter(username=f"leader-{streets[0].code}").first()
    if leader is not None:
        street_rota = rota_generate(
            acting_user=leader, name=f"{streets[0].name}错时值守", month=today.strftime("%Y-%m"), street=streets[0],
            key_points=list(KeyPoint.objects.filter(street=streets[0])), key_point_squad=squads[streets[0].pk])
        _take_off_demo_duties(leader, street_rota, today)
    campaign_create(
        acting_user=bureau, name="世兴庙周边超店经营百日攻坚", starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=40), streets=[s.code for s in streets[:2]], categories=["09005", "09006", "09001"],
        units="区城管局、各街道执法大队、区市场监管局", description="规范超店经营、占道经营，取缔流动摊点。", targets=[
            {"label": "规范超店经营", "indicator": "cases", "category": "09005", "target": 500, "unit": "户"},
            {"label": "劝导流动摊贩", "indicator": "patrol_count", "count_code": "vendors_persuaded", "target": 2000,
             "unit": "人"},
            {"label": "拆除违建", "indicator": "demolished_area", "target": 2000, "unit": "m²"}])
    for n, street in enumerate(streets):
        cell = GridCell.objects.filter(street=street).order_by("code").last()
        lat, lng = _point_in(cell, rng)
        demolition_record(acting_user=bureau, site=f"{street.name}违章搭建", lat=lat, lng=lng, party_name="张某",
                          area_m2=80 + 35 * n, demolished_on=today - timedelta(days=3 + 5 * n),
                          order_reference=f"吉城管责改〔{today.year}〕{n + 1}号", forced=n == 0)
    if len(sites) > 1:
        muck_approval_issue(acting_user=bureau, number=f"渣准{today.year}-001", site=sites[0], carrier="吉安顺达运输",
                            vehicles="赣D12345、赣D23456", route=[[sites[0].lat, sites[0].lng], [sites[1].lat, sites[1].lng]],
                            valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=50),
                            hours_from=datetime.strptime("22:00", "%H:%M").time(),  # noqa: DTZ007 - a time of day
                            hours_to=datetime.strptime("05:00", "%H:%M").time(),  # noqa: DTZ007
                            conditions="密闭运输，车轮冲洗后上路，按核准路线行驶")
    _occupation_approvals(bureau, streets, today)
    if stdout is not None:
        stdout.write(f"  inspections: {len(sites)} construction sites, squads, rotas, a campaign, demolitions, "
                     "approvals of temporary occupation")


def _take_off_demo_duties(leader, rota, today):
    """The street took its squad off two of this month's gate duties before today: 防汛 and 创城."""
    from .services.rotas import rota_duty_take_off

    earlier = list(rota.duties.filter(date__lt=today).order_by("date", "starts_at")[:2])
    for duty, reason, note in zip(earlier, ("flood_control", "civilised_city"), ("赣江汛期巡堤", "创文迎检"),
                                  strict=False):
        rota_duty_take_off(acting_user=leader, duty=duty, reason=reason, note=note)


def _occupation_approvals(bureau, streets, today):
    """A promotion in front of a mall in the first street (an area) and a night market along a road from the
    first street into the second (a route), both in force now."""
    from datetime import time

    from grids.models import GridCell

    from .services.approvals import occupation_approval_issue

    cells = [GridCell.objects.filter(street=s).order_by("code").first() for s in streets[:2]]
    if None in cells or len(cells) < 2:
        return
    centres = [_centre(c) for c in cells]
    lat, lng = centres[0]
    d = 0.0004
    occupation_approval_issue(
        acting_user=bureau, number=f"占审{today.year}-001", kind="road_promotion", title="商场门前周末促销",
        applicant="悦景商业管理有限公司", valid_from=today - timedelta(days=3), valid_to=today + timedelta(days=30),
        hours_from=time(9), hours_to=time(21), conditions="不得占用盲道和消防通道，活动结束后恢复原状",
        geometry={"type": "Polygon", "coordinates": [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d],
                                                      [lng - d, lat + d], [lng - d, lat - d]]]})
    occupation_approval_issue(
        acting_user=bureau, number=f"占审{today.year}-002", kind="night_market", title="鹭洲西路夜市",
        applicant=f"{streets[0].name}办事处", valid_from=today - timedelta(days=30), valid_to=today + timedelta(days=90),
        hours_from=time(18), hours_to=time(2), conditions="统一摊位、统一收摊时间，凌晨 2 点前清场",
        geometry={"type": "LineString", "coordinates": [[c[1], c[0]] for c in centres]})


def _centre(cell):
    """(lat, lng) of a point inside a cell's polygon."""
    point = shape(cell.geometry).representative_point()
    return point.y, point.x


def seed_reports(*, stdout=None) -> dict:
    """Compile the bulletins and rankings of every finished week and month of the demo history, so `latest`
    answers at once. A rerun finds them published and unchanged and writes nothing."""
    from .services.reports import report_compile_history

    summary = report_compile_history(stdout=stdout)
    if stdout is not None:
        stdout.write(f"  inspections: bulletins and rankings: {summary['published']} published, "
                     f"{summary['unchanged']} unchanged, {summary['changed']} changed (not reissued)")
    return summary


def _at(day: date, hm) -> datetime:
    return datetime.combine(day, time(*hm), tzinfo=TZ)


def _point_in(cell, rng):
    minx, miny, maxx, maxy = shape(cell.geometry).bounds
    return (rng.uniform(miny + (maxy - miny) * 0.2, maxy - (maxy - miny) * 0.2),
            rng.uniform(minx + (maxx - minx) * 0.2, maxx - (maxx - minx) * 0.2))


def _routes(cells):
    """A street's cells cut into routes (runs of neighbouring codes), the way a brigade walks its beat."""
    size = max(1, -(-len(cells) // ROUTES_PER_STREET))
    return [cells[i:i + size] for i in range(0, len(cells), size)]


def seed_patrols(*, quick: bool = False, stdout=None) -> int:
    from grids.models import GridCell, Street

    if PatrolReport.objects.exists():
        if stdout is not None:
            stdout.write("  inspections: patrol reports already present, left as they are")
        return 0
    now = clock.now()
    today = now.astimezone(TZ).date()
    first = today - timedelta(days=QUICK_DAYS) if quick else FULL_START
    bureau = User.objects.filter(username="bureau").first() or User.objects.filter(role=Role.BUREAU).first()
    leaders = {s.pk: User.objects.filter(username=f"leader-{s.code}", role=Role.LEADER).first()
               for s in Street.objects.all()}
    cells_by_street: dict[int, list] = {}
    for cell in GridCell.objects.only("id", "code", "street_id", "geometry").order_by("code"):
        cells_by_street.setdefault(cell.street_id, []).append(cell)
    streets = [s for s in Street.objects.order_by("code") if leaders.get(s.pk) and cells_by_street.get(s.pk)]
    if not streets:
        return 0
    rng = random.Random(4040)
    count_codes = list(PatrolCountField.objects.active().values_list("code", flat=True))
    # Each street's diligence: how likely it walks its last routes (the outskirts), so coverage differs.
    diligence = {s.pk: rng.uniform(0.45, 1.0) for s in streets}
    routes = {s.pk: _routes(cells_by_street[s.pk]) for s in streets}

    bulk, cells_of, with_findings = [], [], []
    day = first
    while day < today:
        for street in streets:
            for shift, (start_hm, end_hm, chance) in SHIFTS.items():
                if rng.random() > chance:
                    continue
                # The town centre's routes are walked every time they come up; the outskirts when diligent.
                walked = [r for i, r in enumerate(routes[street.pk])
                          if i < 3 or rng.random() < diligence[street.pk] * 0.3]
                walked = rng.sample(walked, k=min(len(walked), rng.randint(1, 2)))
                cells = sorted({c for r in walked for c in r}, key=lambda c: c.code)
                started, ended = _at(day, start_hm), _at(day, end_hm)
                counts = {c: rng.randint(1, 12) for c in rng.sample(count_codes, k=min(3, len(count_codes)))}
                if rng.random() < 0.07:
                    with_findings.append((street, shift, day, started, ended, cells, counts))
                    continue
                bulk.append(PatrolReport(
                    source=PatrolSource.PATROL, street=street, squad=f"{rng.choice('一二三')}中队",
                    leader=leaders[street.pk], date=day, shift=shift, team="、".join(rng.sample(
                        ["张伟", "王芳", "李强", "刘洋", "陈杰", "杨敏", "赵磊", "黄丽"], 3)),
                    started_at=started, ended_at=ended, summary=rng.choice(SUMMARIES), counts=counts,
                    recorded_at=ended + timedelta(minutes=rng.randint(10, 90)), updated_at=ended + timedelta(minutes=95),
                ))
                cells_of.append(cells)
        day += timedelta(days=1)

    with transaction.atomic():
        made = PatrolReport.objects.bulk_create(bulk, batch_size=500)
        through = PatrolReport.grid_cells.through
        rows = [through(patrolreport_id=r.pk, gridcell_id=c.pk) for r, cells in zip(made, cells_of, strict=True)
                for c in cells]
        through.objects.bulk_create(rows, batch_size=2000)

    filed = _file_with_findings(with_findings, leaders, rng, now)
    supervised = _supervision_patrols(first, today, streets, routes, bureau, leaders, rng, now) if bureau else 0
    try:
        from enforcement.services import case_sweep_deadlines

        case_sweep_deadlines(now=now)
    except ImportError:  # pragma: no cover - the sweep belongs to the cases issue
        pass
    if stdout is not None:
        stdout.write(f"  inspections: {len(made) + filed} patrol reports ({filed} with findings) and "
                     f"{supervised} supervision patrols from {first:%Y-%m-%d}")
    return len(made) + filed + supervised


def _file_with_findings(plans, leaders, rng, now) -> int:
    from .services.patrols import patrol_report_file

    done = 0
    for street, shift, day, started, ended, cells, counts in plans:
        cell = rng.choice(cells)
        code, text = rng.choice(SELF_HANDLED)
        lat, lng = _point_in(cell, rng)
        moment = min(ended + timedelta(minutes=30), now)
        with clock.frozen(moment):
            patrol_report_file(
                acting_user=leaders[street.pk], date=day, shift=shift, grid_cells=[c.code for c in cells],
                started_at=started, ended_at=ended, summary=rng.choice(SUMMARIES), counts=counts,
                squad="一中队", team="张伟、王芳",
                findings=[{"category": code, "lat": lat, "lng": lng, "description": text, "handled_on_spot": True}],
            )
        done += 1
    return done


def _supervision_patrols(first, today, streets, routes, bureau, leaders, rng, now) -> int:
    """Monday, Wednesday and Friday mornings the bureau patrols one street; its findings are dispatched to
    the street and mostly handled in time; some late, some not at all (the weekly bulletin's items)."""
    from enforcement.services import CaseStateConflict

    from .services.patrols import patrol_report_file

    done = 0
    day = first
    while day < today:
        if day.weekday() in (0, 2, 4):
            street = rng.choice(streets)
            cells = sorted(rng.choice(routes[street.pk]), key=lambda c: c.code)
            started, ended = _at(day, (9, 0)), _at(day, (11, 0))
            findings = []
            for _ in range(rng.randint(1, 3)):
                code, text = rng.choice(SUPERVISION_FINDINGS)
                lat, lng = _point_in(rng.choice(cells), rng)
                findings.append({"category": code, "lat": lat, "lng": lng, "description": text,
                                 "handled_on_spot": rng.random() < 0.15})
            with clock.frozen(ended + timedelta(minutes=20)):
                report = patrol_report_file(
                    acting_user=bureau, date=day, shift=PatrolShift.DAY, grid_cells=[c.code for c in cells],
                    started_at=started, ended_at=ended, summary="区局督查科例行督查巡查", findings=findings,
                    team="督查一组",
                )
            done += 1
            for finding in report.findings.select_related("case"):
                if finding.handled_on_spot:
                    continue
                try:
                    _walk(finding.case, ended + timedelta(minutes=40), bureau, leaders[street.pk], rng, now)
                except CaseStateConflict:
                    pass  # a step refused from the state it found: the story stops there
        day += timedelta(days=1)
    return done


def _walk(case, moment, bureau, leader, rng, now):
    from enforcement.choices import CaseAction
    from enforcement.services import case_transition

    state = {"case": case}

    def act(user, action, at, **params):
        if at >= now:
            return None
        with clock.frozen(at):
            state["case"] = case_transition(acting_user=user, case=state["case"], action=action, **params)
        return state["case"]

    if act(bureau, CaseAction.REGISTER, moment, note="督查发现，予以立案") is None:
        return
    case = act(bureau, CaseAction.DISPATCH, moment + timedelta(minutes=10), note="派遣街道执法大队")
    if case is None:
        return
    dispatched = moment + timedelta(minutes=10)
    due = case.due_at or dispatched + timedelta(days=1)
    fate = rng.random()
    if fate < 0.1:
        return  # never handled: overdue, and listed in the bulletin
    if fate < 0.3:
        handled = due + timedelta(hours=rng.randint(2, 30))  # late
    else:
        handled = dispatched + (due - dispatched) * rng.uniform(0.2, 0.9)
    if act(leader, CaseAction.HANDLE, handled, note="已整改到位，附现场照片") is None:
        return
    act(bureau, CaseAction.CLOSE, handled + timedelta(hours=rng.randint(2, 20)), note="复查属实，结案")
