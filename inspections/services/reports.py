"""Compiling and publishing the weekly bulletin and the weekly / monthly rankings.

A compile computes everything as of the period's end, then compares with what was published last:
- nothing published yet: publish revision 1;
- identical: write nothing (a rerun, a double delivery or a redelivered job changes nothing);
- different (the history before the end changed: a late sync, a corrected record, another scheme version):
  report the difference and write nothing, unless `reissue=True` with a reason, which publishes the next
  revision. What was circulated stays on record.
"""
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, models, transaction
from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from enforcement.history import overdue_orders
from grids.models import GridCell, Street
from grids.querysets import in_service, in_service_q

from .. import scoring
from ..choices import PatrolSource
from ..models import Bulletin, PatrolReport, PatrolReportRevision, Ranking, RankingRow, ScoringScheme
from ..periods import MONTH, WEEK, Period, parse_period
from .patrols import patrol_coverage

log = logging.getLogger(__name__)

UNCHANGED, PUBLISHED, CHANGED = "unchanged", "published", "changed"
CACHE_PREFIX = "reports:v2"  # v2: a period's start and end are its first and last dates


def report_cache_key(document: str, kind: str, period: str) -> str:
    """The cache entry of a published document as the API serves it (inspections/api/views/reports.py)."""
    return f"{CACHE_PREFIX}:{document}:{kind}:{period}"


def report_cache_invalidate(document: str, kind: str, period: str):
    """A new revision was published: the period's entry and `latest` answer afresh."""
    cache.delete_many([report_cache_key(document, kind, period), report_cache_key(document, kind, "latest")])


class PeriodNotFinished(ValidationError):
    """Only a finished period (its end has passed) may be compiled."""


@dataclass
class CompileResult:
    period: str
    kind: str
    status: str = UNCHANGED  # worst of the parts: changed > published > unchanged
    parts: dict = field(default_factory=dict)  # "ranking"/"bulletin" -> {"status", "revision", "differences"}

    @property
    def differences(self) -> list[str]:
        out = []
        for name, part in self.parts.items():
            out.extend(f"{name}: {line}" for line in part.get("differences", []))
        return out

    def as_dict(self) -> dict:
        return {"period": self.period, "kind": self.kind, "status": self.status, "parts": self.parts}


def _local_iso(value):
    return timezone.localtime(value).isoformat() if value else None


def _digest(document) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _period(value, kind) -> Period:
    period = value if isinstance(value, Period) else parse_period(kind, str(value))
    if period.kind != kind:
        raise ValidationError({"period": [_("周期类型不符：%(code)s") % {"code": period.code}]})
    return period


def _may_count_in(period: Period, day, earlier_day) -> bool:
    """Whether a report amended after the period's end may count in it, so its street's coverage must be read
    from the revisions: it is dated in the period now (`day`) or was before an amendment (`earlier_day`, the
    ISO date a revision kept)."""
    if period.first_day <= day <= period.last_day:
        return True
    return bool(earlier_day) and period.first_day.isoformat() <= earlier_day <= period.last_day.isoformat()


def _patrol_coverage(streets, period: Period, *, using="default") -> dict:
    """Per street id: cells covered by at least one brigade patrol report in the period / cells in service.

    The patrol engineer's `patrol_coverage(street, start, end, as_of)` defines it. It runs a few queries per
    street; here two grouped queries answer every street at once with the same rules (brigade reports dated
    in the period, recorded before its end, cells of the report's own street in service during it), and the
    streets with a report amended after the end that is or was dated in the period (its date and cells as of
    the end then come from the revisions) are handed to `patrol_coverage` itself.
    """
    first_day, last_day = period.first_day, period.last_day
    totals = dict(GridCell.objects.using(using).in_service_between(first_day, last_day).values("street").annotate(n=Count("id"))
                  .values_list("street", "n"))
    reports = (PatrolReport.objects.using(using).brigade().on_days(first_day, last_day)
               .recorded_before(period.end))
    later = (PatrolReportRevision.objects.using(using)
             .filter(report__in=PatrolReport.objects.using(using).brigade().recorded_before(period.end),
                     amended_at__gte=period.end)
             .values_list("report__street", "report__date", KT("body__date")))
    amended = {street_id for street_id, day, earlier_day in later if _may_count_in(period, day, earlier_day)}
    through = PatrolReport.grid_cells.through
    covered = dict(
        through.objects.using(using)
        .filter(patrolreport__in=reports, gridcell__street=models.F("patrolreport__street"))
        .filter(in_service_q(first_day, last_day, prefix="gridcell__"))
        .values("patrolreport__street").annotate(n=Count("gridcell", distinct=True))
        .values_list("patrolreport__street", "n"))
    coverage = {}
    for street in streets:
        if street.pk in amended:
            value = patrol_coverage(street, period.start, period.end, as_of=period.end)
            covered_n, total = value if isinstance(value, tuple) else (value, 1)
        else:
            covered_n, total = covered.get(street.pk, 0), totals.get(street.pk, 0)
        coverage[street.pk] = Decimal(covered_n) / Decimal(total) if total else Decimal(0)
    return coverage


# Each period's reports first (MATERIALIZED: one range scan of `patrol_report_date_source` per period; a report
# falls in about two periods), then their cells by hashing. Written as one join, the planner crossed every period
# with every cell and merge-joined all the report cells against that, testing the dates as a join filter: periods x
# report cells comparisons (at ten years, 641 periods and 2,500,000 report cells: 1.6 billion, 70-100 s).
COVERAGE_MANY_SQL = """
WITH periods(idx, first_day, last_day, pend) AS (VALUES {values}),
dated AS MATERIALIZED (
  SELECT p.idx, p.first_day, p.last_day, r.id, r.street_id
  FROM periods p
  JOIN {reports} r ON r.date >= p.first_day AND r.date <= p.last_day AND r.recorded_at < p.pend
  WHERE r.source = %(source)s
)
SELECT d.idx, d.street_id, COUNT(DISTINCT t.gridcell_id)
FROM dated d
JOIN {through} t ON t.patrolreport_id = d.id
JOIN {cells} g ON g.id = t.gridcell_id AND g.street_id = d.street_id
-- the cell in service during the period: grids.querysets.in_service_q written in SQL
WHERE (g.valid_from IS NULL OR g.valid_from <= d.last_day) AND (g.valid_to IS NULL OR g.valid_to >= d.first_day)
GROUP BY d.idx, d.street_id
"""


def _patrol_coverage_many(streets, periods, *, using="default") -> dict:
    """{period code: {street id: coverage}} for many periods: `_patrol_coverage`'s rules in one statement
    (the history backfill), the streets with reports amended after a period's end again handed to
    `patrol_coverage` itself."""
    periods = list(periods)
    connection = connections[using]
    ops = connection.ops
    params = {"source": PatrolSource.PATROL}
    for i, p in enumerate(periods):
        params[f"f{i}"], params[f"l{i}"] = ops.adapt_datefield_value(p.first_day), ops.adapt_datefield_value(p.last_day)
        params[f"e{i}"] = ops.adapt_datetimefield_value(p.end)
    through = PatrolReport.grid_cells.through
    sql = COVERAGE_MANY_SQL.format(
        values=", ".join(f"({i}, %(f{i})s, %(l{i})s, %(e{i})s)" for i in range(len(periods))),
        reports=PatrolReport._meta.db_table, through=through._meta.db_table, cells=GridCell._meta.db_table)
    covered = {}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # as enforcement.history's statements: no JIT, room to sort
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        for idx, street_id, n in cursor.fetchall():
            covered[(periods[idx].code, street_id)] = n
    cells = list(GridCell.objects.using(using).values_list("street_id", "valid_from", "valid_to"))
    revisions = list(PatrolReportRevision.objects.using(using).filter(report__source=PatrolSource.PATROL)
                     .values_list("report__street_id", "report__date", KT("body__date"), "report__recorded_at",
                                  "amended_at"))
    out = {}
    for p in periods:
        totals: dict = {}
        for street_id, valid_from, valid_to in cells:
            if in_service(valid_from, valid_to, p.first_day, p.last_day):
                totals[street_id] = totals.get(street_id, 0) + 1
        amended = {street_id for street_id, day, earlier_day, recorded_at, amended_at in revisions
                   if recorded_at < p.end and amended_at >= p.end and _may_count_in(p, day, earlier_day)}
        out[p.code] = {}
        for street in streets:
            if street.pk in amended:
                value = patrol_coverage(street, p.start, p.end, as_of=p.end)
                n, total = value if isinstance(value, tuple) else (value, 1)
            else:
                n, total = covered.get((p.code, street.pk), 0), totals.get(street.pk, 0)
            out[p.code][street.pk] = Decimal(n) / Decimal(total) if total else Decimal(0)
    return out


def _slowdown():
    """Test-only: stretch a compile so a worker can be killed in the middle of it (REPORTS_COMPILE_SLOWDOWN_SECONDS)."""
    seconds = float(getattr(settings, "REPORTS_COMPILE_SLOWDOWN_SECONDS", 0) or 0)
    if seconds:
        time.sleep(seconds)


def compute_ranking(period: Period, scheme: ScoringScheme, *, streets=None, using="default", indicators=None,
                    coverage=None):
    """The ranking rows of a period (not saved) and the per-street indicators they came from. `indicators`
    (street id -> StreetIndicators, patrol coverage not yet filled) when computed in bulk beforehand (see
    report_compile_history)."""
    streets = list(streets if streets is not None else Street.objects.using(using).order_by("code"))
    if coverage is None:
        coverage = _patrol_coverage(streets, period, using=using)
    if indicators is None:
        indicators = scoring.period_indicators(period, [s.pk for s in streets], using=using, coverage=coverage)
    else:
        for street_id, value in coverage.items():
            if street_id in indicators:
                indicators[street_id].patrol_coverage = Decimal(str(value))
    scored = []
    for street in streets:
        ind = indicators[street.pk]
        value = scoring.score(ind, scheme)
        scored.append((scoring.rank_key(value, ind, street.code), street, value, ind))
    scored.sort(key=lambda item: item[0])
    rows = [
        {"rank": rank, "street": {"code": street.code, "name": street.name}, "score": f"{value:.2f}",
         "grade": scoring.grade(value, scheme), "indicators": ind.as_json(), "_street": street}
        for rank, (_key, street, value, ind) in enumerate(scored, start=1)
    ]
    return rows, indicators


def _rows_document(rows, scheme):
    return {
        "scheme": {"code": scheme.code, "version": scheme.version},
        "results": [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows],
    }


def _compare_rankings(old_payload, new_document) -> list[str]:
    diffs = []
    old_scheme, new_scheme = old_payload.get("scheme", {}), new_document["scheme"]
    if old_scheme != new_scheme:
        diffs.append(_("考评方案 %(old)s → %(new)s") % {
            "old": f"{old_scheme.get('code')} v{old_scheme.get('version')}",
            "new": f"{new_scheme['code']} v{new_scheme['version']}"})
    old_rows = {r["street"]["code"]: r for r in old_payload.get("results", [])}
    for row in new_document["results"]:
        code = row["street"]["code"]
        old = old_rows.pop(code, None)
        if old is None:
            diffs.append(_("街道 %(code)s：新增") % {"code": code})
            continue
        for key in ("rank", "score", "grade"):
            if old.get(key) != row[key]:
                diffs.append(f"{code} {key}: {old.get(key)} → {row[key]}")
        for key, value in row["indicators"].items():
            if old.get("indicators", {}).get(key) != value:
                diffs.append(f"{code} {key}: {old.get('indicators', {}).get(key)} → {value}")
    for code in old_rows:
        diffs.append(_("街道 %(code)s：已不存在") % {"code": code})
    return diffs


def _compare_bulletins(old_content, new_content) -> list[str]:
    diffs = []
    old_streets = {s["street"]["code"]: s for s in old_content.get("streets", [])}
    for entry in new_content["streets"]:
        code = entry["street"]["code"]
        old = old_streets.pop(code, {"counts": {}, "items": []})
        street_diffs = [f"{code} {key}: {old['counts'].get(key)} → {value}"
                        for key, value in entry["counts"].items() if old["counts"].get(key) != value]
        old_numbers = {i["case"]["number"] for i in old["items"]}
        new_numbers = {i["case"]["number"] for i in entry["items"]}
        for number in sorted(new_numbers - old_numbers):
            street_diffs.append(_("%(code)s 新增督办案件 %(number)s") % {"code": code, "number": number})
        for number in sorted(old_numbers - new_numbers):
            street_diffs.append(_("%(code)s 不再督办案件 %(number)s") % {"code": code, "number": number})
        if not street_diffs and entry["items"] != old["items"]:
            # the same cases, told differently (a corrected address, a later handle changing how late it was)
            street_diffs.append(_("%(code)s 督办案件内容变化") % {"code": code})
        diffs.extend(street_diffs)
    for code in old_streets:
        diffs.append(_("街道 %(code)s：已不存在") % {"code": code})
    old_departments = {d["department"]["code"]: d for d in old_content.get("departments", [])}
    for entry in new_content.get("departments", []):
        code = entry["department"]["code"]
        old = old_departments.pop(code, {"rank": None, "counts": {}})
        if old["rank"] != entry["rank"]:
            diffs.append(f"{code} rank: {old['rank']} → {entry['rank']}")
        diffs.extend(f"{code} {key}: {old['counts'].get(key)} → {value}"
                     for key, value in entry["counts"].items() if old["counts"].get(key) != value)
    for code in old_departments:
        diffs.append(_("部门 %(code)s：已不在通报中") % {"code": code})
    return diffs


def _bulletin_cases(case_ids, *, using="default") -> dict:
    from enforcement.models import Case

    return (Case.objects.using(using).select_related("category")
            .only("id", "number", "address", "category__code", "category__name").in_bulk(list(case_ids)))


def _bulletin_content(period: Period, rows, indicators, *, using="default", cases=None) -> dict:
    if cases is None:
        cases = _bulletin_cases([f.case_id for ind in indicators.values() for f in ind.bulletin_cases], using=using)
    orders = overdue_orders(period.start, period.end, using=using) if period.kind == "week" else {}
    streets = []
    for row in sorted(rows, key=lambda r: r["street"]["code"]):
        ind = indicators[row["_street"].pk]
        items = []
        for fact in sorted(ind.bulletin_cases, key=lambda f: (f.deadline, f.case_id)):
            case = cases[fact.case_id]
            late_until = fact.handle_at if fact.handle_at is not None else period.end
            items.append({
                "case": {"id": case.pk, "number": case.number},
                "category": {"code": case.category.code, "name": case.category.name},
                "address": case.address,
                "due_at": _local_iso(fact.deadline),
                "overdue_hours": round((late_until - fact.deadline).total_seconds() / 3600, 1),
                "handled_at": _local_iso(fact.handle_at),
            })
        counts = {k: row["indicators"][k] for k in
                  ("due_count", "closed_count", "closed_on_time_count", "overdue_count", "bulletin_items")}
        entry = {"street": row["street"], "counts": counts, "items": items}
        if row["_street"].pk in orders:  # only when there are some: bulletins published before orders read the same
            entry["orders"] = [{
                "order": {"id": o.pk, "number": o.number}, "case": {"id": o.case_id, "number": o.case.number},
                "party": o.party.name, "deadline": _local_iso(o.deadline),
                "outcome": o.outcome,
            } for o in orders[row["_street"].pk]]
        streets.append(entry)
    content = {"streets": streets}
    departments = scoring.department_ranking(period, using=using) if period.kind == "week" else []
    if departments:  # only when there are some: bulletins published before referrals were ranked read the same
        content["departments"] = departments
    return content


def _next_revision(queryset) -> int:
    last = queryset.order_by("-revision").values_list("revision", flat=True).first()
    return (last or 0) + 1


def _ranking_annex(period: Period, rows, *, using="default") -> dict:
    """The monthly ranking's annex: where each ranked street's brigade time went that month (urban management
    against other street work). Published with the ranking, outside its digest: what the streets are scored
    on decides whether a rerun publishes, and a reissue brings the annex up to date."""
    if period.kind != MONTH:
        return {}
    from .rotas import brigade_time

    report = brigade_time([row["_street"] for row in rows], period.first_day, period.last_day, using=using)
    return {"annex": {"brigade_time": {"streets": report["streets"], "total": report["total"]}}}


def _publish_ranking(period, scheme, rows, document, *, acting_user, reason, now, using):
    revision = _next_revision(Ranking.objects.using(using).filter(kind=period.kind, period=period.code, scheme=scheme))
    payload = {
        "period": period.code, "kind": period.kind, "start": period.first_day.isoformat(),
        "end": period.last_day.isoformat(),
        "revision": revision, "published_at": _local_iso(now), **document,
        **_ranking_annex(period, rows, using=using),
    }
    ranking = Ranking(kind=period.kind, period=period.code, start=period.start, end=period.end, scheme=scheme,
                      revision=revision, published_at=now, published_by=acting_user if getattr(
                          acting_user, "is_authenticated", False) else None,
                      reason=reason, digest=_digest(document), payload=payload)
    ranking.full_clean()
    ranking.save(using=using)
    transaction.on_commit(lambda: report_cache_invalidate("ranking", period.kind, period.code), using=using)
    RankingRow.objects.using(using).bulk_create([
        RankingRow(ranking=ranking, street=row["_street"], rank=row["rank"], score=row["score"], grade=row["grade"],
                   indicators=row["indicators"])
        for row in rows
    ])
    return ranking


def _publish_bulletin(period, content, *, acting_user, reason, now, using):
    revision = _next_revision(Bulletin.objects.using(using).filter(period=period.code))
    bulletin = Bulletin(period=period.code, start=period.start, end=period.end, revision=revision, published_at=now,
                        published_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                        reason=reason, content=content, digest=_digest(content))
    bulletin.full_clean()
    bulletin.save(using=using)
    transaction.on_commit(lambda: report_cache_invalidate("bulletin", WEEK, period.code), using=using)
    return bulletin


def _compile(period: Period, *, acting_user, reissue, reason, scheme_code, using, indicators=None,
             streets=None, coverage=None, bulletin_cases=None) -> CompileResult:
    now = clock.now()
    if not period.is_finished(now):
        raise PeriodNotFinished({"period": [
            _("周期 %(code)s 尚未结束（结束于 %(end)s），不能编制") % {"code": period.code, "end": _local_iso(period.end)}]})
    reason = (reason or "").strip()
    if reissue and not reason:
        raise ValidationError({"reason": [_("重发新版次必须说明原因")]})
    scheme = ScoringScheme.objects.using(using).current(scheme_code or getattr(settings, "REPORTS_SCHEME_CODE", "default"))
    if scheme is None:
        raise ValidationError({"scheme": [_("没有考评方案 %(code)s") % {"code": scheme_code}]})

    rows, indicators = compute_ranking(period, scheme, using=using, indicators=indicators, streets=streets,
                                       coverage=coverage)
    _slowdown()
    document = _rows_document(rows, scheme)
    result = CompileResult(period=period.code, kind=period.kind)

    plans = []  # (name, latest, differences, publish-callable)
    latest_ranking = Ranking.objects.using(using).of_period(period.kind, period.code).first()
    ranking_diffs = [] if latest_ranking is None else (
        [] if latest_ranking.digest == _digest(document) and latest_ranking.scheme_id == scheme.pk
        else _compare_rankings(latest_ranking.payload, document) or [_("内容变化")])
    plans.append(("ranking", latest_ranking, ranking_diffs,
                  lambda: _publish_ranking(period, scheme, rows, document, acting_user=acting_user, reason=reason,
                                           now=now, using=using)))
    if period.kind == WEEK:
        content = _bulletin_content(period, rows, indicators, using=using, cases=bulletin_cases)
        latest_bulletin = Bulletin.objects.using(using).filter(period=period.code).order_by("-revision").first()
        bulletin_diffs = [] if latest_bulletin is None or latest_bulletin.digest == _digest(content) else (
            _compare_bulletins(latest_bulletin.content, content) or [_("内容变化")])
        plans.append(("bulletin", latest_bulletin, bulletin_diffs,
                      lambda: _publish_bulletin(period, content, acting_user=acting_user, reason=reason, now=now,
                                                using=using)))

    changed = any(latest is not None and diffs for _name, latest, diffs, _pub in plans)
    with transaction.atomic(using=using):
        for name, latest, diffs, publish in plans:
            if latest is not None and not diffs:
                result.parts[name] = {"status": UNCHANGED, "revision": latest.revision}
            elif latest is not None and not reissue:
                result.parts[name] = {"status": CHANGED, "revision": latest.revision, "differences": diffs}
            elif changed and not reissue:
                # another part changed: publish nothing, so the bulletin and ranking of a week stay a pair
                result.parts[name] = {"status": CHANGED, "revision": None, "differences": []}
            else:
                obj = publish()
                result.parts[name] = {"status": PUBLISHED, "revision": obj.revision, "differences": diffs}
                audit_record(actor=acting_user, action=f"report.publish_{name}", obj=obj,
                             detail={"period": period.code, "revision": obj.revision, "reason": reason,
                                     "differences": diffs[:50]})
    statuses = {p["status"] for p in result.parts.values()}
    result.status = CHANGED if CHANGED in statuses else PUBLISHED if PUBLISHED in statuses else UNCHANGED
    return result


def _compile_guarded(period, **kwargs) -> CompileResult:
    """Two compiles of one period at once (a redelivered job beside the original): the unique constraints
    let one publish; the other sees the published rows on its second look and finds them identical."""
    try:
        return _compile(period, **kwargs)
    except IntegrityError:
        log.info("compile of %s raced another publisher; comparing again", period.code)
        return _compile(period, **kwargs)


def report_compile_week(period, *, acting_user=None, reissue=False, reason="", scheme_code=None,
                        using="default") -> CompileResult:
    """Compile and publish one finished ISO week's bulletin and ranking (`2026-W47` or a Period)."""
    return _compile_guarded(_period(period, WEEK), acting_user=acting_user, reissue=reissue, reason=reason,
                            scheme_code=scheme_code, using=using)


def report_compile_month(period, *, acting_user=None, reissue=False, reason="", scheme_code=None,
                         using="default") -> CompileResult:
    """Compile and publish one finished month's ranking (`2026-10` or a Period)."""
    return _compile_guarded(_period(period, MONTH), acting_user=acting_user, reissue=reissue, reason=reason,
                            scheme_code=scheme_code, using=using)


def report_compile_missing(*, weeks: int | None = None, months: int | None = None, acting_user=None,
                           using="default") -> list[CompileResult]:
    """Compile every finished week and month among the last `weeks` weeks and `months` months (default
    REPORTS_CATCH_UP_WEEKS / _MONTHS) that has nothing published yet, oldest first: the catch-up for a
    compile that never ran (the scheduler was down on Monday morning) or never finished (its worker was killed
    and the embedded broker lost the job). A period published already is left alone (a reissue is a person's
    decision), so a second run compiles nothing; each compile compares before it writes as always. Periods
    that ended before the first recorded case event (no data yet) are not compiled."""
    from django.db.models import Min

    from enforcement.models import CaseEvent

    from ..periods import last_finished

    first = CaseEvent.objects.using(using).aggregate(first=Min("recorded_at"))["first"]
    if first is None:
        return []
    counts = {WEEK: weeks if weeks is not None else settings.REPORTS_CATCH_UP_WEEKS,
              MONTH: months if months is not None else settings.REPORTS_CATCH_UP_MONTHS}
    results = []
    for kind in (WEEK, MONTH):
        candidates, period = [], last_finished(kind)
        while len(candidates) < counts[kind] and period.end > first:
            candidates.append(period)
            period = period.previous()
        codes = [p.code for p in candidates]
        done = set(Ranking.objects.using(using).filter(kind=kind, period__in=codes).values_list("period", flat=True))
        if kind == WEEK:
            done &= set(Bulletin.objects.using(using).filter(period__in=codes).values_list("period", flat=True))
        for period in reversed(candidates):
            if period.code not in done:
                results.append(_compile_guarded(period, acting_user=acting_user, reissue=False, reason="",
                                                scheme_code=None, using=using))
    return results


def report_compile_history(*, acting_user=None, since=None, using="default", stdout=None) -> dict:
    """Compile every finished week and month from `since` (default: the first recorded case event) to now,
    weeks first. Idempotent: what is published already and unchanged is left alone, a changed one is reported
    (never reissued here). Used by `seed_demo` so `latest` answers at once, and by the backfill benchmark.

    The same compile and publication as one period at a time, with the indicators of every period computed
    beforehand in one ordered pass over the events (scoring.history_indicators)."""
    from django.db.models import Min

    from enforcement.models import CaseEvent

    from ..periods import finished_between

    since = since or CaseEvent.objects.using(using).aggregate(first=Min("recorded_at"))["first"]
    summary = {UNCHANGED: 0, PUBLISHED: 0, CHANGED: 0}
    if since is None:
        return summary
    streets = list(Street.objects.using(using).order_by("code"))
    weeks, months = finished_between(WEEK, since), finished_between(MONTH, since)
    week_ind, month_ind = scoring.history_indicators(weeks, months, [s.pk for s in streets], using=using)
    coverage = _patrol_coverage_many(streets, weeks + months, using=using)
    cases = _bulletin_cases({f.case_id for per_street in week_ind.values() for ind in per_street.values()
                             for f in ind.bulletin_cases}, using=using)
    for period, table in [(w, week_ind) for w in weeks] + [(m, month_ind) for m in months]:
        result = _compile_guarded(period, acting_user=acting_user, reissue=False, reason="", scheme_code=None,
                                  using=using, indicators=table.pop(period.code), streets=streets,
                                  coverage=coverage.pop(period.code), bulletin_cases=cases)
        summary[result.status] += 1
        if stdout is not None and result.status == CHANGED:
            stdout.write(f"{period.code}: history changed since publication, not reissued\n")
    return summary


@transaction.atomic
def scheme_save_version(*, acting_user, code, name, weights, deductions, grade_bands, extra_indicators=(),
                        note="") -> ScoringScheme:
    """Save an edit of a scheme as its next version; earlier versions (and rankings under them) stay as they were."""
    last = ScoringScheme.objects.select_for_update().filter(code=code).order_by("-version").first()
    scheme = ScoringScheme(
        code=code, version=(last.version + 1) if last else 1, name=name, weights=weights, deductions=deductions,
        grade_bands=grade_bands, extra_indicators=list(extra_indicators or []), note=note, created_at=clock.now(),
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    scheme.full_clean()
    scheme.save()
    audit_record(actor=acting_user, action="report.scheme_version", obj=scheme,
                 detail={"code": code, "version": scheme.version})
    return scheme

