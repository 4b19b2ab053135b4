"""Writes and reads of patrol reports (巡查日报) and supervision patrols (督查巡查).

`patrol_report_file` records a report and turns each finding into a case through the case service, all in
one transaction: the report and every one of its cases, or nothing. `patrol_report_amend` keeps the full
previous body in an append-only revision. `patrol_coverage` is what the rankings read.
"""
import base64
import binascii
from datetime import date as date_cls
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import clock
from bureau.audit.services import audit_record
from enforcement import party_sources
from enforcement.models import Category
from enforcement.photos import CheckedPhoto, photo_check
from grids.models import GridCell, Street

from ..choices import PatrolShift, PatrolSource
from ..models import PatrolCountField, PatrolFinding, PatrolReport, PatrolReportRevision
from ..permissions import may_amend, may_file

# Limits: a phone on a weak connection must not be able to send a request the server chokes on.
MAX_FINDINGS = getattr(settings, "PATROL_MAX_FINDINGS", 30)
MAX_PHOTOS_PER_FINDING = getattr(settings, "PATROL_MAX_PHOTOS_PER_FINDING", 4)
MAX_PHOTO_BYTES = getattr(settings, "PATROL_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
MAX_CELLS = 300
MAX_TRACK_POINTS = 5000
MAX_COUNT_VALUE = 100_000
# Phones' clocks drift: an end time this far ahead of the server is still accepted.
CLOCK_SKEW = timedelta(minutes=10)

AMENDABLE_FIELDS = ("date", "shift", "grid_cells", "started_at", "ended_at", "summary", "squad", "team", "track",
                    "counts")


class PatrolReportForbidden(PermissionDenied):
    """The user's role may not file or amend this report (403)."""


class PatrolReportLocked(Exception):
    """The amendment period is over (409): the report stays as it is unless bureau staff correct it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- whose report


def source_for(user) -> str:
    return PatrolSource.SUPERVISION if user.is_bureau_staff else PatrolSource.PATROL


# ---------------------------------------------------------------------------------------------- checks


def decode_photo(value, *, index: int):
    """A photo from the JSON body: a data URL or plain base64 → a named file; uploads pass through."""
    if hasattr(value, "read"):
        return value
    if not isinstance(value, str):
        raise ValidationError(_("第 %(n)d 张照片格式无效") % {"n": index})
    text = value.split(",", 1)[1] if value.startswith("data:") else value
    if len(text) > MAX_PHOTO_BYTES * 4 // 3 + 8:
        raise ValidationError(_("第 %(n)d 张照片超过 %(mb)d MB") % {"n": index, "mb": MAX_PHOTO_BYTES // (1024 * 1024)})
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("第 %(n)d 张照片不是有效的 base64 编码") % {"n": index}) from exc
    return ContentFile(content, name=f"photo-{index}.jpg")


def _photo_size(photo) -> int:
    size = getattr(photo, "size", None)
    return size if size is not None else len(photo)


def _as_aware(value):
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _led_streets(user):
    return list(Street.objects.led_by(user))


def _check(acting_user, values, errors, *, led=None):
    """Validate the report body (not its findings); returns the cells. Appends to `errors` (field → list).
    `led`: the acting leader's streets when the caller has them already."""
    now = clock.now()
    today = timezone.localtime(now).date()
    day = values.get("date")
    if not isinstance(day, date_cls):
        errors.setdefault("date", []).append(_("请填写巡查日期"))
    elif day > today:
        errors.setdefault("date", []).append(_("巡查日期 %(date)s 晚于今天，不能预先填报") % {"date": day.isoformat()})
    if values.get("shift") not in PatrolShift.values:
        errors.setdefault("shift", []).append(
            _("班次须为 %(choices)s 之一") % {"choices": ", ".join(PatrolShift.values)}
        )
    started, ended = _as_aware(values.get("started_at")), _as_aware(values.get("ended_at"))
    if not isinstance(started, datetime):
        errors.setdefault("started_at", []).append(_("请填写开始时间"))
    if not isinstance(ended, datetime):
        errors.setdefault("ended_at", []).append(_("请填写结束时间"))
    if isinstance(started, datetime) and isinstance(ended, datetime):
        if ended <= started:
            errors.setdefault("ended_at", []).append(_("结束时间须晚于开始时间"))
        elif ended > now + CLOCK_SKEW:
            errors.setdefault("ended_at", []).append(_("结束时间晚于当前时间"))
    values["started_at"], values["ended_at"] = started, ended

    codes = values.get("grid_cells") or []
    if not isinstance(codes, list | tuple) or not codes:
        errors.setdefault("grid_cells", []).append(_("请至少选择一个巡查网格"))
        codes = []
    codes = list(dict.fromkeys(str(c).strip() for c in codes))
    if len(codes) > MAX_CELLS:
        errors.setdefault("grid_cells", []).append(_("一份日报最多 %(n)d 个网格") % {"n": MAX_CELLS})
        codes = []
    cells = list(GridCell.objects.filter(code__in=codes).order_by("code"))
    unknown = sorted(set(codes) - {c.code for c in cells})
    if unknown:
        errors.setdefault("grid_cells", []).append(_("未知的网格：%(codes)s") % {"codes": "、".join(unknown)})
    if not acting_user.is_bureau_staff:
        led = {s.pk for s in (_led_streets(acting_user) if led is None else led)}
        foreign = [c.code for c in cells if c.street_id not in led]
        if foreign:
            errors.setdefault("grid_cells", []).append(
                _("以下网格不属于您所在的街道：%(codes)s") % {"codes": "、".join(foreign)}
            )

    counts = values.get("counts") or {}
    if not isinstance(counts, dict):
        errors.setdefault("counts", []).append(_("统计须为 {代码: 数量}"))
    else:
        active = set(PatrolCountField.objects.active().values_list("code", flat=True))
        unknown_fields = sorted(set(counts) - active)
        if unknown_fields:
            errors.setdefault("counts", []).append(_("未知或已停用的统计项：%(codes)s") % {"codes": "、".join(unknown_fields)})
        bad = sorted(k for k, v in counts.items()
                     if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_COUNT_VALUE)
        if bad:
            errors.setdefault("counts", []).append(
                _("统计数量须为 0 到 %(max)d 的整数：%(codes)s") % {"max": MAX_COUNT_VALUE, "codes": "、".join(bad)}
            )
        values["counts"] = {k: v for k, v in counts.items() if v}

    track = values.get("track") or []
    values["track"] = _clean_track(track, errors)
    for field, limit in (("summary", 2000), ("team", 255), ("squad", 64)):
        text = (values.get(field) or "").strip()
        if len(text) > limit:
            errors.setdefault(field, []).append(_("最多 %(n)d 个字") % {"n": limit})
        values[field] = text
    return cells


def _clean_track(track, errors):
    if not isinstance(track, list):
        errors.setdefault("track", []).append(_("轨迹须为坐标点列表"))
        return []
    if len(track) > MAX_TRACK_POINTS:
        errors.setdefault("track", []).append(_("轨迹最多 %(n)d 个点") % {"n": MAX_TRACK_POINTS})
        return []
    points = []
    for point in track:
        if isinstance(point, dict):
            point = [point.get("lat"), point.get("lng")]
        try:
            lat, lng = float(point[0]), float(point[1])
        except (TypeError, ValueError, IndexError, KeyError):
            errors.setdefault("track", []).append(_("轨迹中有无效的坐标点"))
            return []
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            errors.setdefault("track", []).append(_("轨迹中有无效的坐标点"))
            return []
        points.append([round(lat, 7), round(lng, 7)])
    return points


def patrol_photos_check(findings) -> list[dict]:
    """The findings with their photos checked (count, size, type, pixels, decoded): each finding's `photos`
    becomes a list of CheckedPhoto. Raises ValidationError({"findings": [...]}) naming every bad photo.

    Decoding takes long: the API calls this before its transaction begins, and `patrol_report_file` calls
    it (a no-op for checked photos) before its own, so no finding's case-number lock is held meanwhile."""
    if findings is None or not isinstance(findings, list | tuple) or len(findings) > MAX_FINDINGS:
        return findings  # the body's own check names these
    errors: list[str] = []
    out = []
    for n, finding in enumerate(findings, start=1):
        if not isinstance(finding, dict):
            out.append(finding)
            continue
        photos = list(finding.get("photos") or [])
        if len(photos) > MAX_PHOTOS_PER_FINDING:
            errors.append(_("第 %(n)d 项发现的照片超过 %(max)d 张") % {"n": n, "max": MAX_PHOTOS_PER_FINDING})
            continue
        checked = []
        for i, photo in enumerate(photos, start=1):
            if isinstance(photo, CheckedPhoto):
                checked.append(photo)
                continue
            try:
                photo = decode_photo(photo, index=i)
            except ValidationError as exc:
                errors.append(_("第 %(n)d 项发现：") % {"n": n} + "；".join(exc.messages))
                continue
            if _photo_size(photo) > MAX_PHOTO_BYTES:
                errors.append(_("第 %(n)d 项发现的第 %(i)d 张照片超过 %(mb)d MB")
                              % {"n": n, "i": i, "mb": MAX_PHOTO_BYTES // (1024 * 1024)})
                continue
            try:
                checked.append(photo_check(photo))
            except ValidationError as exc:
                errors.append(_("第 %(n)d 项发现：") % {"n": n} + "；".join(exc.messages))
        out.append({**finding, "photos": checked})
    if errors:
        raise ValidationError({"findings": errors})
    return out


def _check_findings(findings, errors):
    if findings is None:
        return []
    if len(findings) > MAX_FINDINGS:
        errors.setdefault("findings", []).append(_("一份日报最多 %(n)d 项巡查发现") % {"n": MAX_FINDINGS})
        return []
    cleaned = []
    for n, finding in enumerate(findings, start=1):
        decoded = list(finding.get("photos") or [])  # checked by patrol_photos_check
        description = (finding.get("description") or "").strip()
        if not description:
            errors.setdefault("findings", []).append(_("第 %(n)d 项发现：请填写问题描述") % {"n": n})
        elif len(description) > 1000:
            errors.setdefault("findings", []).append(_("第 %(n)d 项发现：描述最多 1000 字") % {"n": n})
        vendor = finding.get("vendor")
        if vendor in ("", None):
            vendor = None
        elif isinstance(vendor, bool) or not isinstance(vendor, int) or vendor < 1:
            errors.setdefault("findings", []).append(_("第 %(n)d 项发现：无效的摊贩编号") % {"n": n})
        cleaned.append({**finding, "description": description, "photos": decoded, "vendor": vendor})
    return cleaned


def _check_duty_squad(acting_user, duty_squad, errors):
    """The rota's squad named by a report: an active squad in the user's scope, else a 400 on `duty_squad`."""
    from ..models import Squad

    if duty_squad in (None, ""):
        return None
    pk = duty_squad.pk if isinstance(duty_squad, Squad) else duty_squad
    found = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        found = Squad.objects.visible_to(acting_user).active().filter(pk=pk).first()
    if found is None:
        errors.setdefault("duty_squad", []).append(_("未知的中队，或不属于您所在的街道"))
    return found


def _street_of(acting_user, cells, *, led=None):
    if not acting_user.is_bureau_staff:
        led = _led_streets(acting_user) if led is None else led
        return led[0] if led else None
    streets = {c.street_id for c in cells}
    return cells[0].street if len(streets) == 1 else None


def _approvals_of(report, finding, n, in_force):
    """What the district approvals make of a finding (`approval_check`), at its `found_at` (within the patrol)
    or, without one, at the patrol's start and then its end; None when its point is not a number (the case's
    own check then says so)."""
    from .approvals import approval_check

    try:
        lat, lng = float(finding.get("lat")), float(finding.get("lng"))
    except (TypeError, ValueError):
        return None
    found_at = finding.get("found_at")
    if isinstance(found_at, str):
        from django.utils.dateparse import parse_datetime

        found_at = parse_datetime(found_at)
        if found_at is None:
            raise ValidationError({"findings": [_("第 %(n)d 项发现：发现时间格式无效") % {"n": n}]})
    if found_at is not None:
        if timezone.is_naive(found_at):
            found_at = timezone.make_aware(found_at)
        if not report.started_at - CLOCK_SKEW <= found_at <= report.ended_at + CLOCK_SKEW:
            raise ValidationError({"findings": [_("第 %(n)d 项发现：发现时间须在巡查时间内") % {"n": n}]})
    moments = [found_at] if found_at is not None else [report.started_at, report.ended_at]
    check = None
    for moment in moments:
        check = approval_check(lat=lat, lng=lng, moment=moment, category=finding.get("category"),
                               plate=str(finding.get("plate") or "").strip(), approvals=in_force())
        if check.approved or check.muck_approval is not None:
            break
    return check


def _finding_error(n, exc):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    return ValidationError({"findings": [_("第 %(n)d 项发现：") % {"n": n} + "；".join(messages)]})


# ---------------------------------------------------------------------------------------------- writes


def patrol_report_file(*, acting_user, date, shift, grid_cells, started_at, ended_at, summary="", findings=(),
                       squad="", team="", track=None, counts=None, duty_squad=None) -> PatrolReport:
    """File a patrol report with its findings; every finding becomes a case (or nothing is stored).

    `duty_squad` (a Squad or its id) names the squad from the rota; it must be one the user may see.

    Photos not yet checked (`patrol_photos_check`) are checked first, before the transaction begins."""
    if not may_file(acting_user):
        raise PatrolReportForbidden(_("只有街道执法大队长和区局督查人员可以填报巡查日报"))
    findings = patrol_photos_check(list(findings or []))
    with transaction.atomic():
        return _patrol_report_file(acting_user=acting_user, date=date, shift=shift, grid_cells=grid_cells,
                                   started_at=started_at, ended_at=ended_at, summary=summary, findings=findings,
                                   squad=squad, team=team, track=track, counts=counts, duty_squad=duty_squad)


def _patrol_report_file(*, acting_user, date, shift, grid_cells, started_at, ended_at, summary, findings, squad,
                        team, track, counts, duty_squad) -> PatrolReport:
    from enforcement.services import case_report

    led = None if acting_user.is_bureau_staff else _led_streets(acting_user)  # read once for every check below
    if led is not None and not led:
        raise PatrolReportForbidden(_("您当前没有负责的街道，不能填报巡查日报"))
    values = {"date": date, "shift": shift, "grid_cells": list(grid_cells or []), "started_at": started_at,
              "ended_at": ended_at, "summary": summary, "squad": squad, "team": team, "track": track or [],
              "counts": counts or {}}
    errors: dict[str, list] = {}
    cells = _check(acting_user, values, errors, led=led)
    findings = _check_findings(list(findings or []), errors)
    duty_squad = _check_duty_squad(acting_user, duty_squad, errors)
    if errors:
        raise ValidationError(errors)
    if duty_squad is not None and not values["squad"]:
        values["squad"] = duty_squad.name[:64]

    now = clock.now()
    report = PatrolReport(duty_squad=duty_squad,
        source=source_for(acting_user), street=_street_of(acting_user, cells, led=led), squad=values["squad"],
        leader=acting_user, date=values["date"], shift=values["shift"], team=values["team"],
        started_at=values["started_at"], ended_at=values["ended_at"], track=values["track"],
        summary=values["summary"], counts=values["counts"], recorded_at=now, updated_at=now,
    )
    # The street, the leader and the squad are rows in hand, and _check compared the times (the table's one
    # check): validating those again would cost five statements a report.
    report.full_clean(exclude=["street", "leader", "duty_squad"], validate_constraints=False)
    report.save(force_insert=True)
    through = PatrolReport.grid_cells.through
    through.objects.bulk_create([through(patrolreport=report, gridcell=cell) for cell in cells])

    # Every finding's category in one query (an unknown or inactive code is left to case_report to refuse).
    codes = {str(f.get("category") or "").strip() for f in findings if not isinstance(f.get("category"), Category)}
    categories = {c.code: c for c in Category.objects.filter(code__in=codes, is_active=True)} if codes else {}
    # The district approvals in force during the patrol, read once for all its findings (on the first asking).
    read = []

    def in_force():
        if not read:
            from .approvals import approvals_in_force

            read.append(approvals_in_force(timezone.localtime(report.started_at).date(),
                                           timezone.localtime(report.ended_at).date()))
        return read[0]

    rows = []
    for n, finding in enumerate(findings, start=1):
        handled = bool(finding.get("handled_on_spot"))
        category = finding.get("category")
        vendor, party = finding.get("vendor"), None
        check = _approvals_of(report, finding, n, in_force)
        note = _("巡查日报 %(date)s 发现") % {"date": report.date.isoformat()}
        try:
            if vendor is not None:
                # a finding against a registered vendor: the case is against the vendor's party, district-wide
                party = party_sources.resolve("vendor", vendor, acting_user=acting_user)
            case = case_report(
                acting_user=acting_user, category=categories.get(str(category or "").strip(), category),
                lat=finding.get("lat"),
                lng=finding.get("lng"), description=finding["description"], source=report.source,
                photos=finding["photos"], self_handled=handled, address=(finding.get("address") or "")[:255],
                note=f"{note}；{check.note}" if check and check.note else note, party=party,
            )
        except ValidationError as exc:
            raise _finding_error(n, exc) from exc
        if vendor is not None:
            party_sources.case_reported("vendor", vendor, case, acting_user=acting_user)
        rows.append(PatrolFinding(
            report=report, seq=n, category=case.category, lat=case.lat, lng=case.lng, grid=case.grid,
            description=finding["description"], handled_on_spot=handled, photo_count=len(finding["photos"]),
            case=case, plate=str(finding.get("plate") or "").strip()[:16],
            occupation_approval=check.occupation if check else None,
            muck_approval=check.muck_approval if check else None, approval_note=check.note if check else "",
        ))
    PatrolFinding.objects.bulk_create(rows)
    audit_record(actor=acting_user, action="patrol_report.file", obj=report, detail={
        "date": report.date.isoformat(), "source": report.source, "cells": [c.code for c in cells],
        "findings": len(rows), "cases": [r.case.number for r in rows],
    })
    return report


def patrol_report_body(report) -> dict:
    """The amendable body of a report, as JSON (what a revision keeps)."""
    return {
        "date": report.date.isoformat(),
        "shift": report.shift,
        "grid_cells": sorted(report.grid_cells.values_list("code", flat=True)),
        # Local time, like every datetime the API shows: ISO 8601 with the Asia/Shanghai offset
        "started_at": timezone.localtime(report.started_at).isoformat(),
        "ended_at": timezone.localtime(report.ended_at).isoformat(),
        "summary": report.summary,
        "squad": report.squad,
        "team": report.team,
        "track": report.track,
        "counts": report.counts,
        "updated_at": timezone.localtime(report.updated_at).isoformat(),
    }


@transaction.atomic
def patrol_report_amend(*, acting_user, report, reason="", **changes) -> PatrolReport:
    """Amend a report's body. Same day (plus the grace hours) for its leader; bureau staff at any time."""
    unknown = sorted(set(changes) - set(AMENDABLE_FIELDS))
    if unknown:
        raise ValidationError({k: [_("巡查发现已转为案件，不能在日报中修改；请在案件中处理")
                                   if k == "findings" else _("此字段不能修改")] for k in unknown})
    report = PatrolReport.objects.select_for_update().get(pk=report.pk)
    if not may_amend(acting_user, report):
        raise PatrolReportForbidden(_("只有填报人或区局督查人员可以修改此日报"))
    now = clock.now()
    if not acting_user.is_bureau_staff and now > report.amendable_until():
        raise PatrolReportLocked(
            _("日报已于 %(until)s 锁定，不能再修改；如需更正请联系区局督查科")
            % {"until": timezone.localtime(report.amendable_until()).strftime("%Y-%m-%d %H:%M")}
        )
    previous = patrol_report_body(report)
    values = {
        "date": report.date, "shift": report.shift, "grid_cells": previous["grid_cells"],
        "started_at": report.started_at, "ended_at": report.ended_at, "summary": report.summary,
        "squad": report.squad, "team": report.team, "track": report.track, "counts": report.counts,
        **changes,
    }
    errors: dict[str, list] = {}
    # A leader's amendment is checked against the leader's streets; bureau staff amend anything.
    checker = acting_user if acting_user.is_bureau_staff else report.leader
    cells = _check(checker, values, errors)
    if errors:
        raise ValidationError(errors)
    PatrolReportRevision.objects.create(
        report=report, number=report.revision_count + 1, body=previous, amended_by=acting_user, amended_at=now,
        reason=(reason or "").strip()[:255],
    )
    for field in ("date", "shift", "started_at", "ended_at", "summary", "squad", "team", "track", "counts"):
        setattr(report, field, values[field])
    if report.source == PatrolSource.SUPERVISION:
        report.street = _street_of(acting_user, cells) if acting_user.is_bureau_staff else report.street
    report.updated_at = now
    report.revision_count += 1
    report.full_clean()
    report.save()
    report.grid_cells.set(cells)
    audit_record(actor=acting_user, action="patrol_report.amend", obj=report,
                 detail={"revision": report.revision_count, "changed": sorted(changes), "reason": reason[:255]})
    return report


# ---------------------------------------------------------------------------------------------- coverage


def _local_day(moment):
    return timezone.localtime(moment).date()


def street_cells(street, first_day, last_day):
    """The street's cells in service at some point between the two days (inclusive)."""
    return GridCell.objects.filter(street=street).in_service_between(first_day, last_day).order_by("code")


def patrolled_codes(street, first_day, last_day, *, as_of=None) -> set[str]:
    """Codes of the street's cells named by a brigade patrol report dated between the two days.

    Supervision patrols are the bureau's own checks and do not count as the street's coverage. With `as_of`,
    each report is read as it stood then: only reports the server had recorded before it count, each with the
    date and cells it had then (an amendment made afterwards is read back from its revision), so a published
    period never moves, whether a later amendment changed a report's cells or moved it to another day.
    """
    reports = PatrolReport.objects.brigade().filter(street=street)
    if as_of is None:
        return _codes_of(reports.on_days(first_day, last_day), street)
    reports = reports.recorded_before(as_of)
    earlier = bodies_as_of(reports, as_of)
    covered = _codes_of(reports.on_days(first_day, last_day).exclude(pk__in=list(earlier)), street)
    in_period = [cells for day, cells in earlier.values() if first_day <= day <= last_day]
    if in_period:
        street_codes = set(GridCell.objects.filter(street=street).values_list("code", flat=True))
        for cells in in_period:
            covered |= cells & street_codes
    return covered


def _codes_of(reports, street) -> set[str]:
    through = PatrolReport.grid_cells.through
    return set(through.objects.filter(patrolreport__in=reports, gridcell__street=street)
               .values_list("gridcell__code", flat=True))


def bodies_as_of(reports, as_of) -> dict:
    """{report id: (date, cell codes)} as they stood at `as_of`, for those of `reports` amended at or after it.

    A revision keeps the body a report had before the amendment it records, so the first revision made at or
    after `as_of` holds the body in force at `as_of`; reports without one are as they are now."""
    out: dict[int, tuple] = {}
    revisions = (PatrolReportRevision.objects.filter(report__in=reports, amended_at__gte=as_of)
                 .order_by("report_id", "number").values_list("report_id", "report__date", "body"))
    for report_id, current_date, body in revisions:
        if report_id in out:
            continue
        day = date_cls.fromisoformat(body["date"]) if body.get("date") else current_date
        out[report_id] = (day, set(body.get("grid_cells", [])))
    return out


def patrol_coverage(street, start_dt, end_dt, as_of=None) -> tuple[int, int]:
    """(cells covered by at least one brigade patrol report in [start_dt, end_dt), cells of the street)."""
    first_day = _local_day(start_dt)
    last_day = _local_day(end_dt - timedelta(microseconds=1))
    codes = set(street_cells(street, first_day, last_day).values_list("code", flat=True))
    covered = patrolled_codes(street, first_day, last_day, as_of=as_of) & codes
    return len(covered), len(codes)


def patrol_coverage_detail(street, first_day, last_day, *, as_of=None) -> dict:
    """What the coverage page and API show: the street's cells split into patrolled and missed."""
    codes = list(street_cells(street, first_day, last_day).values_list("code", flat=True))
    covered = patrolled_codes(street, first_day, last_day, as_of=as_of)
    patrolled = [c for c in codes if c in covered]
    missed = [c for c in codes if c not in covered]
    return {
        "cells_total": len(codes),
        "cells_patrolled": patrolled,
        "cells_missed": missed,
        "rate": round(len(patrolled) / len(codes), 4) if codes else 0.0,
    }
