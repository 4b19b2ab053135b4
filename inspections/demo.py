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
    seed_reports(stdout=stdout)


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
    from enforcement.services import case_transition

    state = {"case": case}

    def act(user, action, at, **params):
        if at >= now:
            return None
        with clock.frozen(at):
            state["case"] = case_transition(acting_user=user, case=state["case"], action=action, **params)
        return state["case"]

    if act(bureau, "register", moment, note="督查发现，予以立案") is None:
        return
    case = act(bureau, "dispatch", moment + timedelta(minutes=10), note="派遣街道执法大队")
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
    if act(leader, "handle", handled, note="已整改到位，附现场照片") is None:
        return
    act(bureau, "close", handled + timedelta(hours=rng.randint(2, 20)), note="复查属实，结案")
