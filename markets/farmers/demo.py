"""Demo farmers markets, made through the services: one market per street (the seed's 城北, 东门 and 青石街
markets first) with its station and 四定 posts, two cleaning slots, a week of rounds (a few missed), monthly
inspections, complaints (one overdue), repairs and a volunteer point. Deterministic; a second run changes
nothing."""
from datetime import datetime, time, timedelta

from django.utils import timezone

from bureau import clock

from . import services
from .choices import MarketCheck
from .models import FarmersMarket

NAMES = ["城北农贸市场", "东门农贸市场", "青石街农贸市场"]
POSTS = [("站长", "刘建国", "全面负责市场管理和投诉处理", time(7), time(17)),
         ("保洁员", "王秀兰", "上午、下午各保洁一次，垃圾日产日清", time(6), time(14)),
         ("保洁员", "陈玉兰", "下午保洁和收市清扫", time(11), time(20)),
         ("秩序管理员", "赵志明", "划行归市、查处出店经营和占道", time(6, 30), time(18))]


def _leader(street):
    from bureau.accounts.models import User

    return User.objects.filter(username=f"leader-{street.code}").first()


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def seed(*, actor, streets, stdout=None) -> int:
    if FarmersMarket.objects.exists() or actor is None:
        return 0
    today = timezone.localdate(clock.now())
    made = 0
    for n, street in enumerate(streets):
        cells = list(street.cells.order_by("code")[:1])
        if not cells:
            continue
        leader = _leader(street) or actor
        from shapely.geometry import shape

        centre = shape(cells[0].geometry).representative_point()
        station = services.station_create(acting_user=actor, street=street, name=f"{street.name}市场管理站",
                                          head=POSTS[0][1], phone=f"0796-82{n:02d}110")
        name = NAMES[n] if n < len(NAMES) else f"{street.name}农贸市场"
        market = services.farmers_market_register(
            acting_user=actor, street=street, grid=cells[0], name=name, address=f"{street.name}{name[:-4]}路 {n + 1} 号",
            lat=round(centre.y, 6), lng=round(centre.x, 6), operator_name=f"{name[:-4]}市场经营管理有限公司",
            station=station, stall_count=80 + 10 * n)
        posts = [services.station_post_add(acting_user=actor, station=station, market=market, post=p, person=who,
                                           duty=duty, starts=a, ends=b) for p, who, duty, a, b in POSTS]
        services.volunteer_point_add(acting_user=actor, market=market, name="学雷锋志愿服务点",
                                     services="便民咨询、公平秤复秤、失物招领", hours="07:00-11:00", contact="志愿者队长")
        slots = list(market.cleaning_slots.order_by("starts"))
        for back in range(7, 0, -1):
            day = today - timedelta(days=back)
            for i, slot in enumerate(slots):
                if (back + n + i) % 9 == 0:
                    continue  # a missed round now and then
                done = _at(day, slot.ends.hour - 1, 20)
                services.cleaning_round_record(acting_user=leader, slot=slot, date=day, done_at=done, post=posts[1 + i])
        for back in (28, 14, 3):
            day = today - timedelta(days=back)
            checklist = dict.fromkeys(MarketCheck.values, True)
            if (back + n) % 2:
                checklist[MarketCheck.ZONING] = False
            services.market_inspection_record(acting_user=leader, market=market, checklist=checklist,
                                              inspected_at=_at(day, 9, 30), note="")
        first = services.market_complaint_receive(acting_user=leader, market=market, kind="weights",
                                                  content="买菜短斤少两", channel="on_site",
                                                  received_at=_at(today - timedelta(days=6), 10))
        with clock.frozen(_at(today - timedelta(days=6), 15)):
            services.market_complaint_handle(acting_user=actor, complaint=first, reply="已复秤并责令商户整改")
        services.market_complaint_receive(acting_user=leader, market=market, kind="hygiene",
                                          content="水产区地面积水、异味", channel="hotline",
                                          received_at=_at(today - timedelta(days=4), 9))
        repair = services.market_repair_report(acting_user=leader, market=market, facility="排水沟",
                                               description="水产区排水沟堵塞", reported_on=today - timedelta(days=10))
        services.market_repair_fix(acting_user=leader, repair=repair, fixed_on=today - timedelta(days=8),
                                   note="已疏通")
        services.market_repair_report(acting_user=leader, market=market, facility="顶棚",
                                      description="东侧顶棚漏雨", reported_on=today - timedelta(days=2))
        made += 1
    if stdout is not None:
        stdout.write(f"  farmers markets: {made} markets with stations, rounds, inspections, complaints, repairs")
    return made
