"""Demo history: months of cases made THROUGH THE SERVICES with the clock set back, so every case has its
full event trail (report, register, dispatch, returns, extensions, reworks, handle, close ...) and the
rankings read real history. Deterministic (a fixed seed); a second run changes nothing.

Shares (of the cases reported): about 5 % settled on the spot, 3 % rejected, 3 % duplicates, 5 % returned
once, 8 % asking an extension, 8 % reworked, 10 % handled late, 1 % suspended; the rest on time.
"""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from shapely.geometry import shape

from bureau import clock
from bureau.accounts.choices import Role
from bureau.accounts.models import User
from bureau.workcalendar.services import add_working_seconds, is_workday, limit_seconds

from .choices import CaseSource
from .models import Case, Category
from .services import CaseStateConflict, case_report, case_sweep_deadlines, case_transition

ORDER = 20

FULL_START = datetime(2026, 6, 1, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FULL_COUNT, QUICK_COUNT, QUICK_DAYS = 1800, 40, 21

# The categories the seed's activities produce most, weighted.
WEIGHTS = {
    "09006": 14, "09001": 10, "09005": 10, "06010": 9, "06012": 6, "06036": 6, "07001": 6, "09010": 5,
    "06001": 4, "08004": 4, "07003": 3, "07006": 3, "06029": 3, "09002": 3, "09015": 2, "06042": 2,
    "09009": 2, "08016": 2, "06027": 1, "08007": 1, "09012": 1, "10002": 1, "06020": 1, "09020": 1,
}
DESCRIPTIONS = {
    "09006": "商户占用人行道摆摊经营", "09001": "流动摊贩沿街叫卖", "09005": "店铺超出门窗经营",
    "06010": "路边暴露垃圾未清运", "06012": "路面污渍、落叶未清扫", "06036": "楼道口乱堆杂物",
    "07001": "电线杆上张贴小广告", "09010": "非机动车乱停放堵塞人行道", "06001": "居民楼顶私搭乱建",
    "08004": "工地未覆盖裸土，扬尘严重", "07003": "未经审批设置户外广告", "07006": "店招破损存在安全隐患",
    "06029": "夜间露天烧烤油烟扰民", "09002": "夜市超时经营", "09015": "无证餐饮摊点",
}
ROADS = ["井冈山大道", "吉州大道", "阳明东路", "鹭洲西路", "真君山路", "步行街", "青石街", "城北大道"]


def _backdate_assignments(start):
    """The grids demo assigns leaders and officers 'now'; history before that needs them in office earlier.
    Only assignments still in force and begun after `start` move (idempotent: a rerun finds none)."""
    from grids.models import OfficerAssignment, StreetLeaderAssignment

    StreetLeaderAssignment.objects.filter(end__isnull=True, start__gt=start).update(start=start)
    OfficerAssignment.objects.filter(end__isnull=True, start__gt=start).update(start=start)


def _office_moment(rng, day):
    """A moment in office hours of `day` (reports mostly come in while the bureau works)."""
    minutes = rng.choice([rng.randint(8 * 60, 11 * 60 + 50), rng.randint(14 * 60, 17 * 60 + 50)])
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=FULL_START.tzinfo)


def _report_times(rng, start, end, count):
    days = []
    day = start.date()
    while day < end.date():
        if is_workday(day) or rng.random() < 0.3:
            days.append(day)
        day += timedelta(days=1)
    times = sorted(_office_moment(rng, rng.choice(days)) for _ in range(count))
    return [t for t in times if t < end]


class Walker:
    """Carries one case through the workflow, one step at a time, with the clock set to each step."""

    def __init__(self, case, end):
        self.case, self.end, self.t = case, end, case.reported_at

    def later(self, working_seconds, unit="work_hours"):
        self.t = add_working_seconds(self.t, max(60.0, working_seconds), unit)
        return self.t < self.end

    def act(self, user, action, note="", **params):
        with clock.frozen(self.t):
            self.case = case_transition(acting_user=user, case=self.case, action=action, note=note, **params)


def _walk(rng, w: Walker, bureau, leader, reported_by_street):
    """The story of one case after its report; stops where 'now' is reached (the case stays open)."""
    case = w.case
    category = case.category
    handle_unit = category.handle_unit
    limit = limit_seconds(category.handle_limit, handle_unit)
    roll = rng.random()
    intake = category.dispatch_unit
    dispatch_limit = limit_seconds(category.dispatch_limit, intake)
    # Intake is mostly quick: register and dispatch within the dispatch limit, now and then late.
    share = (0.2, 0.45) if rng.random() < 0.93 else (0.6, 1.2)
    if not w.later(rng.uniform(*share) * dispatch_limit, intake):
        return
    if roll < 0.03:
        w.act(bureau, "reject", note="经核实不属于城管职责，不予立案")
        if rng.random() >= 0.2 or not w.later(rng.uniform(1, 6) * 3600):
            return
        w.act(bureau, "reopen", note="复核后重新立案")
    elif roll < 0.06 and reported_by_street:
        w.act(bureau, "mark_duplicate", note="同一问题重复上报", duplicate_of=reported_by_street.pk)
        return
    else:
        w.act(bureau, "register")
    if not w.later(rng.uniform(*share) * dispatch_limit, intake):
        return
    w.act(bureau, "dispatch")
    side = bureau if w.case.handling_department_id else leader
    if rng.random() < 0.05:
        if not w.later(rng.uniform(0.2, 1.5) * 3600):
            return
        w.act(side, "return", note="经现场核实不属本单位管辖，申请退回")
        if not w.later(rng.uniform(0.2, 0.8) * dispatch_limit, intake):
            return
        w.act(bureau, "dispatch")
        side = bureau if w.case.handling_department_id else leader
    if rng.random() < 0.01:
        if not w.later(rng.uniform(0.1, 0.4) * limit, handle_unit):
            return
        w.act(bureau, "suspend", note="涉及诉讼，暂时挂账")
        if not w.later(rng.uniform(5, 30) * 8 * 3600):
            return
        w.act(bureau, "resume", note="诉讼结束，恢复处置")
    dispatched_at, due = w.t, w.case.due_at
    if rng.random() < 0.08:
        w.t = add_working_seconds(dispatched_at, 0.3 * limit, handle_unit)
        if w.t >= w.end or w.t >= due:
            return
        w.act(side, "request_extension", note="需协调多部门，申请延期")
        if not w.later(0.1 * limit, handle_unit):
            return
        if rng.random() < 0.8:
            w.act(bureau, "approve_extension", note="同意延期")
        else:
            w.act(bureau, "deny_extension", note="不予延期，请按期处置")
        due = w.case.due_at
    late = rng.random() < 0.10
    for attempt in range(3):
        span = limit * (rng.uniform(1.05, 2.5) if late else rng.uniform(0.2, 0.95))
        start = w.t
        w.t = add_working_seconds(start, span, handle_unit)
        if attempt == 0 and not late and w.t > due:
            w.t = due - timedelta(minutes=rng.randint(5, 60))
            w.t = max(w.t, start + timedelta(minutes=5))
        if w.t >= w.end:
            return
        w.act(side, "handle", note="已现场处置完毕，附整改后照片" if attempt == 0 else "返工整改完毕")
        if not w.later(rng.uniform(0.5, 6) * 3600):
            return
        if attempt < 2 and rng.random() < 0.08:
            w.act(bureau, "rework", note="核查未通过：现场仍有问题，请返工")
            late = rng.random() < 0.2
            continue
        w.act(bureau, "close", note="现场核查，处置到位，予以结案")
        return


def seed(*, stdout=None, quick: bool = False, **kwargs):
    made = _seed_cases(stdout=stdout, quick=quick)
    _seed_sanctions(stdout=stdout)
    _seed_department_accounts(stdout=stdout)
    _seed_referrals(stdout=stdout)
    _seed_operation(stdout=stdout)
    return made


def _seed_cases(*, stdout=None, quick: bool = False):
    if Case.objects.exists():
        if stdout is not None:
            stdout.write("  enforcement: cases already present, history left as it is")
        return 0
    from grids.models import GridCell, OfficerAssignment, Street

    end = clock.now()
    start = (end - timedelta(days=QUICK_DAYS)) if quick else FULL_START
    count = QUICK_COUNT if quick else FULL_COUNT
    _backdate_assignments(start - timedelta(days=1))
    bureau = User.objects.filter(username="bureau").first() or User.objects.filter(role=Role.BUREAU).first()
    if bureau is None or not GridCell.objects.exists():
        return 0
    rng = random.Random(2026)
    categories = {c.code: c for c in Category.objects.filter(code__in=WEIGHTS)}
    codes = [c for c in WEIGHTS if c in categories]
    weights = [WEIGHTS[c] for c in codes]
    cells = list(GridCell.objects.select_related("street").only("id", "code", "geometry", "street__code"))
    leaders = {s.code: User.objects.filter(username=f"leader-{s.code}").first() for s in Street.objects.all()}
    officers = {}
    for a in OfficerAssignment.objects.current(end).select_related("officer", "cell"):
        if a.officer.has_usable_password():
            officers.setdefault(a.cell_id, a.officer)
    last_in_street: dict[str, Case] = {}
    made = 0
    for t in _report_times(rng, start, end, count):
        cell = rng.choice(cells)
        minx, miny, maxx, maxy = shape(cell.geometry).bounds
        lat = rng.uniform(miny + (maxy - miny) * 0.1, maxy - (maxy - miny) * 0.1)
        lng = rng.uniform(minx + (maxx - minx) * 0.1, maxx - (maxx - minx) * 0.1)
        leader = leaders.get(cell.street.code)
        code = rng.choices(codes, weights)[0]
        source = rng.choices(
            [CaseSource.SUPERVISION, CaseSource.PATROL, CaseSource.GRID_OFFICER, CaseSource.HOTLINE, CaseSource.OTHER],
            [40, 25, 10, 20, 5])[0]
        reporter = bureau
        if source == CaseSource.PATROL:
            # a patrol case is the brigade's own report; a street without a leader has no patrol
            reporter = leader or bureau
            if leader is None:
                source = CaseSource.SUPERVISION
        elif source == CaseSource.GRID_OFFICER:
            reporter = officers.get(cell.pk) or bureau
            if reporter is bureau:
                source = CaseSource.SUPERVISION
        self_handled = source in (CaseSource.PATROL, CaseSource.SUPERVISION) and rng.random() < 0.06
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if source == CaseSource.HOTLINE else ""
        with transaction.atomic():
            with clock.frozen(t):
                case = case_report(
                    acting_user=reporter, category=categories[code], lat=lat, lng=lng,
                    description=DESCRIPTIONS.get(code, categories[code].name),
                    address=f"{rng.choice(ROADS)}{rng.randint(1, 300)}号", source=source,
                    reporter_name="市民" if phone else "", reporter_phone=phone, self_handled=self_handled,
                )
            made += 1
            if not self_handled and leader is not None:
                # The last days' cases are still under way at 'now': half of them stop part-way.
                stop = end
                if end - t < timedelta(days=4) and rng.random() < 0.5:
                    stop = t + (end - t) * rng.random()
                try:
                    _walk(rng, Walker(case, stop), bureau, leader, last_in_street.get(cell.street.code))
                except CaseStateConflict:
                    pass  # a story that ran into a refused step simply stops there, as in life
            last_in_street[cell.street.code] = case
    sweep = case_sweep_deadlines(now=end)
    if stdout is not None:
        stdout.write(f"  enforcement: {made} cases from {start:%Y-%m-%d} (sweep: {sweep})")
    return made





# ---------------------------------------------------------------------------------------------- sanctions
# A made-up discretion standard (the real one is the district's regulation, entered by its staff), and on the
# cases of street vending and illegal building: parties (one vendor met in several streets), rectification
# orders at every stage and escalation, penalty decisions at every circumstance level and step of the chain.

DEMO_RULES = [
    {"category": code, "level": level, "fine_min": low, "fine_max": high, "measures": measures}
    for code in ("09006", "09001", "09005", "06001")
    for level, low, high, measures in (
        ("slight", "0", "50", "警告，责令改正"), ("general", "50", "200", "责令改正，罚款"),
        ("serious", "200", "1000", "罚款，暂扣经营工具"), ("severe", "1000", "5000", "罚款，没收违法物品"))
]
DEMO_FIRST_OFFENCE = [{"category": "09006", "conditions": "首次占道经营、危害后果轻微并当场改正"},
                      {"category": "09005", "conditions": "首次超出门窗经营并当场改正"}]
BASIS = {"09006": "《城市道路管理条例》第二十七条", "09001": "《江西省城市市容和环境卫生管理办法》第十九条",
         "09005": "《城市市容和环境卫生管理条例》第十四条", "06001": "《中华人民共和国城乡规划法》第四十条"}
LEVELS = ("slight", "general", "serious", "severe")
FINES = {"slight": "0", "general": "100", "serious": "600", "severe": "4000"}
# how far each decision goes along the chain (the last one stays waiting for its approval)
CHAINS = (("approve_brigade", "notify_hearing", "serve"), ("approve_brigade", "notify_hearing", "serve", "pay"),
          ("approve_brigade",), ())


def _seed_sanctions(*, stdout=None):
    from .models import DiscretionStandard
    from .services.orders import order_escalate, order_follow_up, order_issue
    from .services.parties import case_set_party, party_register
    from .services.penalties import discretion_standard_save_version, penalty_draft, penalty_step

    if DiscretionStandard.objects.exists():
        return
    bureau = User.objects.filter(username="bureau").first() or User.objects.filter(role=Role.BUREAU).first()
    if bureau is None:
        return
    end = clock.now()
    with clock.frozen(end - timedelta(days=30)):
        discretion_standard_save_version(acting_user=bureau, name="区城管局行政处罚自由裁量基准（演示）",
                                         rules=DEMO_RULES, first_offence=DEMO_FIRST_OFFENCE,
                                         legal_review_threshold="3000", note="演示数据，幅度为虚构")
    candidates = (Case.objects.filter(category__code__in=BASIS, self_handled=False, reported_at__lt=end - timedelta(days=10),
                                      reported_at__gte=end - timedelta(days=40))
                  .exclude(status="rejected").select_related("street", "category").order_by("reported_at"))
    leaders = {u.username: u for u in User.objects.filter(username__startswith="leader-")}
    wanderer = None  # one vendor met in every street: the repeat offender the district view is for
    orders = decisions = 0
    for n, case in enumerate(candidates[:24]):
        leader = leaders.get(f"leader-{case.street.code}")
        if leader is None:
            continue
        at = case.reported_at + timedelta(hours=2)
        with clock.frozen(at):
            if n % 4 == 0:
                wanderer = wanderer or party_register(acting_user=bureau, name="流动摊贩王某",
                                                      id_number="360802198503150031", phone="13979600031")
                party = wanderer
            else:
                party = party_register(acting_user=bureau, name=f"当事人{n + 1:02d}", phone=f"1397960{n + 100:04d}",
                                       kind="organisation" if case.category.code == "09005" else "person")
            case_set_party(acting_user=leader, case=case, party=party)
            order = order_issue(acting_user=leader, case=case, items=["立即停止违法行为", "清理现场，恢复原状"],
                                legal_basis=BASIS[case.category.code], deadline_days=3)
        orders += 1
        outcome = ("complied", "partly", "not_complied", None)[n % 4]
        if outcome:
            with clock.frozen(order.deadline + timedelta(hours=1)):
                order_follow_up(acting_user=leader, order=order, outcome=outcome, note="复查现场")
                if outcome != "complied":
                    demolition = case.category.code == "06001"
                    order_escalate(acting_user=bureau if demolition else leader, order=order,
                                   kind="demolition" if demolition else ("ban" if n % 3 else "penalty"),
                                   note="逾期未整改，依法处理", area_m2="24.5" if demolition else None)
        level = LEVELS[n % 4]
        with clock.frozen(order.deadline + timedelta(hours=2)):
            decision = penalty_draft(acting_user=leader, case=case, level=level, fine=FINES[level],
                                     first_offence=level == "slight" and case.category.code in ("09006", "09005"),
                                     legal_basis=BASIS[case.category.code], order=order)
        decisions += 1
        for i, action in enumerate(CHAINS[n % len(CHAINS)]):
            if decision.status == "pending_legal":
                action_user, action = bureau, "approve_legal"
            else:
                action_user = leader
            if action == "pay" and decision.fine == 0:
                break
            with clock.frozen(order.deadline + timedelta(days=1 + i)):
                decision = penalty_step(acting_user=action_user, decision=decision, action=action)
    if stdout is not None:
        stdout.write(f"  enforcement: discretion standard v1, {orders} rectification orders, {decisions} penalty decisions")


# ---------------------------------------------------------------------------------------------- departments
# Each department's account (dept-<code>, the demo password), linked by the security administrator; referrals
# of the last six weeks answered by them: most accepted with a plan and handled with a photo on time, some late,
# some refused; and one joint operation of two streets' brigades with two departments, with its results.

REFERRAL_DAYS, REFERRAL_COUNT = 42, 36


def _demo_photo():
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 140, 90)).save(out, format="JPEG")
    return ContentFile(out.getvalue(), name="handled.jpg")


def _seed_department_accounts(*, stdout=None):
    from bureau.demo import ensure_user

    from .models import Department
    from .services.departments import department_account_link

    security = User.objects.filter(username="security", role=Role.SECURITY).first()
    if security is None:
        return
    made = []
    for department in Department.objects.filter(is_active=True).order_by("code"):
        user, _created = ensure_user(f"dept-{department.code}", Role.DEPARTMENT, first_name=department.name)
        department_account_link(acting_user=security, user=user, department=department)
        made.append(user.username)
    if stdout is not None and made:
        stdout.write("  enforcement: department accounts " + ", ".join(made))


def _seed_referrals(*, stdout=None):
    from grids.models import GridCell

    from .models import CaseEvent, DepartmentAccount

    if CaseEvent.objects.filter(action__in=("accept", "refuse")).exists():
        return
    bureau = User.objects.filter(username="bureau").first()
    accounts = {a.department_id: a.user for a in DepartmentAccount.objects.select_related("user")}
    categories = list(Category.objects.filter(department_id__in=list(accounts), is_active=True).order_by("code"))
    cells = list(GridCell.objects.only("id", "geometry").order_by("code")[:200])
    if bureau is None or not categories or not cells:
        return
    rng = random.Random(612)
    end = clock.now()
    answered = 0
    for t in _report_times(rng, end - timedelta(days=REFERRAL_DAYS), end - timedelta(days=1), REFERRAL_COUNT):
        category = rng.choice(categories)
        department_user = accounts[category.department_id]
        minx, miny, maxx, maxy = shape(rng.choice(cells).geometry).bounds
        lat, lng = (miny + maxy) / 2, (minx + maxx) / 2
        with clock.frozen(t):
            case = case_report(acting_user=bureau, category=category, lat=lat, lng=lng,
                               description=DESCRIPTIONS.get(category.code, category.name), source=CaseSource.SUPERVISION)
        w = Walker(case, end)
        if not w.later(600):
            continue
        w.act(bureau, "register")
        if not w.later(600):
            continue
        w.act(bureau, "dispatch", unit=category.department.code)
        limit = limit_seconds(category.handle_limit, category.handle_unit)
        roll = rng.random()
        if not w.later(0.1 * limit, category.handle_unit):
            continue
        if roll < 0.15:
            w.act(department_user, "refuse", note="经核实不属本部门职责，请重新派遣")
            answered += 1
            continue
        w.act(department_user, "accept", note="已受理，安排人员现场处置")
        answered += 1
        span = rng.uniform(1.1, 1.8) if roll > 0.8 else rng.uniform(0.3, 0.8)
        if not w.later(span * limit, category.handle_unit):
            continue
        w.act(department_user, "handle", note="已处置完毕，附现场照片", photos=[_demo_photo()])
        if w.later(rng.uniform(1, 4) * 3600):
            w.act(bureau, "close", note="现场核查，处置到位，予以结案")
    if stdout is not None:
        stdout.write(f"  enforcement: {answered} referrals answered by departments")


def _seed_operation(*, stdout=None):
    """One joint operation of the first two streets' brigades with 市场监管 and 环卫, ten days back: cases found
    and recorded by the leaders, orders issued in it (the demolitions come with inspections' demo)."""
    from grids.models import GridCell, Street

    from .models import JointOperation
    from .services.operations import operation_create, operation_record_case, operation_record_order
    from .services.orders import order_issue
    from .services.parties import case_set_party, party_register

    if JointOperation.objects.exists():
        return
    bureau = User.objects.filter(username="bureau").first()
    streets = list(Street.objects.order_by("code")[:2])
    leaders = {s.pk: User.objects.filter(username=f"leader-{s.code}").first() for s in streets}
    if bureau is None or len(streets) < 2 or None in leaders.values():
        return
    end = clock.now()
    day = (end - timedelta(days=10)).astimezone(FULL_START.tzinfo).date()
    while not is_workday(day):
        day -= timedelta(days=1)
    cells = {s.pk: list(GridCell.objects.filter(street=s).order_by("code")[:4]) for s in streets}
    with clock.frozen(datetime.combine(day - timedelta(days=3), time(9), tzinfo=FULL_START.tzinfo)):
        operation = operation_create(
            acting_user=bureau, name="城区占道经营联合整治行动", date=day, streets=[s.code for s in streets],
            departments=["SC", "HW"], cells=[c.code for s in streets for c in cells[s.pk]],
            targets=[{"indicator": "cases", "target": "8"}, {"indicator": "orders", "target": "2"},
                     {"indicator": "demolished_m2", "target": "100"}],
            description="区城管局牵头，街道执法大队与市场监管、环卫联合行动，整治占道经营、流动摊贩和乱堆杂物。")
    made = 0
    for s in streets:
        leader = leaders[s.pk]
        for n, cell in enumerate(cells[s.pk][:3]):
            minx, miny, maxx, maxy = shape(cell.geometry).bounds
            t = datetime.combine(day, time(9, 30 + 10 * n), tzinfo=FULL_START.tzinfo)
            with clock.frozen(t):
                case = case_report(acting_user=leader, category=("09006", "09001", "06036")[n], lat=(miny + maxy) / 2,
                                   lng=(minx + maxx) / 2, description=DESCRIPTIONS[("09006", "09001", "06036")[n]],
                                   source=CaseSource.PATROL)
                operation_record_case(acting_user=leader, operation=operation, case=case)
            made += 1
            if n == 0:
                with clock.frozen(t + timedelta(minutes=20)):
                    party = party_register(acting_user=leader, name=f"占道商户{s.code}", phone=f"1397961{s.code}0",
                                           kind="organisation")
                    case_set_party(acting_user=leader, case=case, party=party)
                    order = order_issue(acting_user=leader, case=case, items=["立即撤除占道物品"],
                                        legal_basis="《城市道路管理条例》第二十七条", deadline_days=3)
                    operation_record_order(acting_user=leader, operation=operation, order=order)
            elif n == 1:
                w = Walker(case, end)
                for user, action, note in ((bureau, "register", ""), (bureau, "dispatch", ""),
                                           (leader, "handle", "行动现场劝离"), (bureau, "close", "现场核查，予以结案")):
                    if not w.later(900):
                        break
                    w.act(user, action, note=note)
    if stdout is not None:
        stdout.write(f"  enforcement: joint operation {operation.number} with {made} cases recorded")
