"""The figures of cases, rectification orders and penalties (see bureau/statistics.py).

Cases are counted by when they were reported (受理); a case's outcome is where it stands now. Closes and
closes on time are read from the cases' history as of the period's end (enforcement/history.py), exactly as
the rankings read them, so the annex and the rankings agree: a case self-handled on the spot is a case
reported, never a close to judge.
"""
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bureau.statistics import (
    Figure,
    in_period,
    local_date,
    register,
    register_family,
    sum_of,
)

from .choices import OPEN_STATUSES, CaseSource, CaseStatus, CircumstanceLevel, PenaltyAction, PenaltyStatus
from .models import (
    Case,
    CaseEvent,
    Category,
    JointOperation,
    Party,
    PenaltyDecision,
    PenaltyStep,
    RectificationOrder,
)

# "figure (qualifier)", e.g. 受理案件（12345 热线）: the brackets as each language writes them
QUALIFIED = _("{}（{}）")

# A decision that stands: approved (legal review included) and on through notice, service and payment.
DECIDED = (PenaltyStatus.APPROVED, PenaltyStatus.NOTIFIED, PenaltyStatus.SERVED, PenaltyStatus.PAID)


def _case_text(case):
    return {"text": f"{case.number} {case.category.name}", "street": case.street.name,
            "date": local_date(case.reported_at)}


def _reported(query, **extra):
    return query.base(Case, "street").filter(**in_period("reported_at", query), **extra)


def _case_figure(code, name, definition, order, rows, section="cases", **kwargs):
    return Figure(code=code, name=name, unit=_("件"), definition=definition, section=section, rows=rows,
                  describe=_case_text, select_related=("category", "street"), order=order,
                  models=(Case, CaseEvent), **{"street_path": "street", **kwargs})


def _reported_figure(code, name, definition, order, subset: Q, section="cases"):
    """A figure counting the period's reported cases of a subset: counted with its siblings in one aggregate."""
    return _case_figure(code, name, definition, order, lambda q: _reported(q).filter(subset), section=section,
                        batch=_reported, batch_filter=subset)


# --- closes, from the history -----------------------------------------------------------------------------


def _closed_index(query):
    """The period's closes as the rankings judge them (every case with a close recorded in the period,
    self-handled cases left out), as {(street id or None, on time only): [case ids]}: read once for the
    district and indexed, so every street's reading is a lookup."""
    from .history import closes_between

    def compute():
        index: dict = {}
        for case_id, street_id, on_time in closes_between(query.period.start_at, query.period.end_at):
            keys = [(None, False), (street_id, False)] + ([(None, True), (street_id, True)] if on_time else [])
            for key in keys:
                index.setdefault(key, []).append(case_id)
        return index
    return query.memo(("closed-index", query.period), compute)


def _closed_ids(query, on_time_only):
    street_id = query.street.pk if query.street is not None else None
    return _closed_index(query).get((street_id, on_time_only), [])


def _closes(on_time_only):
    def rows(query):
        # the same reading as a subquery: a lazy queryset (the annex needs only the values), and no list of
        # a year's ids as parameters
        from django.db.models.expressions import RawSQL

        from .history import closes_subquery

        subquery = closes_subquery(query.period.start_at, query.period.end_at, on_time_only=on_time_only)
        return query.base(Case, "street").filter(pk__in=RawSQL(*subquery))  # noqa: S611 - values are parameters

    def value(rows, query):
        # without a user's scope every listed id is a row: no query to count them
        return len(_closed_ids(query, on_time_only)) if query.user is None else rows.count()
    return rows, value


_closed_rows, _closed_value = _closes(False)
_on_time_rows, _on_time_value = _closes(True)

register(
    _reported_figure("cases_reported", _("受理案件"), _("期间上报（受理）的案件，含当场自处理的案件"), 10, Q()),
    _reported_figure("cases_self_handled", _("当场自处理案件"), _("期间上报、当场处置完毕的巡查发现（自处理）"), 12,
                     Q(self_handled=True)),
    _case_figure("cases_closed", _("结案"), _("期间核查结案的案件（按案件记录，不含自处理），与排名口径相同"), 20,
                 _closed_rows, value=_closed_value),
    _case_figure("cases_closed_on_time", _("按期结案"), _("期间结案、且在处置时限内处置完毕的案件（按记录时的时限）"), 22,
                 _on_time_rows, value=_on_time_value),
    _reported_figure("cases_outcome_closed", _("受理案件中已结案"), _("期间受理的案件中现已结案的（含自处理）"), 30,
                     Q(status=CaseStatus.CLOSED)),
    _reported_figure("cases_outcome_open", _("受理案件中办理中"), _("期间受理的案件中现仍在办理的（已上报、已立案、已派遣、已处置）"),
                     32, Q(status__in=[s for s in OPEN_STATUSES if s != CaseStatus.SUSPENDED])),
    _reported_figure("cases_outcome_suspended", _("受理案件中挂账"), _("期间受理的案件中现处于挂账的"), 34,
                     Q(status=CaseStatus.SUSPENDED)),
    _reported_figure("cases_outcome_rejected", _("受理案件中不予立案"), _("期间受理的案件中不予立案或作为重复案件的"), 36,
                     Q(status=CaseStatus.REJECTED)),
)

for _i, (_source, _label) in enumerate(CaseSource.choices):
    register(_reported_figure(
        f"cases_source_{_source}", format_lazy(QUALIFIED, _("受理案件"), _label), _("期间受理的案件中来源为此项的"), 50 + _i,
        Q(source=_source)))


def _category_figures():
    """One figure per major category (大类) that has categories: the cases reported in it."""
    majors = Category.objects.order_by("major_code").values_list("major_code", "major_name").distinct()
    return [
        _reported_figure(f"cases_major_{code}", name, _("期间受理的案件中属于此大类的"), int(code),
                         Q(category__major_code=code), section="categories")
        for code, name in majors
    ]


register_family(20, _category_figures, models=(Category,))


# --- orders and penalties ---------------------------------------------------------------------------------


def _order_text(order):
    return {"text": f"{order.number} {order.party.name}", "street": order.case.street.name,
            "date": local_date(order.issued_at)}


def _orders(query, **extra):
    return query.base(RectificationOrder, "case__street").filter(**extra)


def _penalty_text(decision):
    return {"text": f"{decision.number} {decision.party.name} {decision.get_level_display()}",
            "street": decision.case.street.name, "date": local_date(decision.drafted_at)}


def _decided(query, **extra):
    return query.base(PenaltyDecision, "case__street").filter(
        status__in=DECIDED, **in_period("drafted_at", query), **extra)


def _penalty_figure(code, name, unit, definition, order, rows, **kwargs):
    return Figure(code=code, name=name, unit=unit, definition=definition, section="enforcement", rows=rows,
                  describe=_penalty_text, select_related=("party", "case__street"), order=order,
                  models=(PenaltyDecision, PenaltyStep), street_path="case__street", **kwargs)


def _order_figure(code, name, definition, order, rows):
    return Figure(code=code, name=name, unit=_("份"), definition=definition, section="enforcement", rows=rows,
                  describe=_order_text, select_related=("party", "case__street"), order=order,
                  models=(RectificationOrder,), street_path="case__street")


register(
    _order_figure("orders_issued", _("下达责令限期整改通知书"), _("期间下达的整改通知书"), 10,
                  lambda q: _orders(q, **in_period("issued_at", q))),
    _order_figure("orders_complied", _("整改通知书复查已整改"), _("期间复查、结果为已整改的整改通知书"), 12,
                  lambda q: _orders(q, outcome="complied", **in_period("followed_up_at", q))),
    _order_figure("orders_escalated", _("整改通知书升级处理"), _("期间升级处理（处罚、取缔、强拆）的整改通知书"), 14,
                  lambda q: _orders(q, **in_period("escalated_at", q)).exclude(escalation="")),
    _penalty_figure("penalties_decided", _("行政处罚决定"), _("件"),
                    _("期间拟定、已批准（含其后告知、送达、缴纳）的处罚决定"), 20, lambda q: _decided(q)),
    _penalty_figure("penalties_first_offence", _("首违不罚"), _("件"),
                    _("期间决定的处罚中按首违不罚清单不予罚款的"), 21, lambda q: _decided(q, first_offence=True)),
    _penalty_figure("fines_total", _("罚款金额"), _("元"), _("期间决定的处罚的罚款合计"), 40,
                    lambda q: _decided(q), value=sum_of("fine"), amount=lambda d: d.fine),
    _penalty_figure("fines_paid", _("已缴纳罚款"), _("元"), _("期间记录缴纳的罚款合计（按缴纳记录的时间）"), 50,
                    lambda q: q.base(PenaltyDecision, "case__street").filter(
                        status=PenaltyStatus.PAID, pk__in=PenaltyStep.objects.filter(
                            action=PenaltyAction.PAY, **in_period("recorded_at", q)).values("decision_id")),
                    value=sum_of("paid_amount"), amount=lambda d: d.paid_amount),
)

for _i, (_level, _label) in enumerate(CircumstanceLevel.choices):
    register(
        _penalty_figure(f"penalties_{_level}", format_lazy(QUALIFIED, _("行政处罚决定"), _label), _("件"), _("期间决定的处罚中情节为此等级的"), 22 + _i,
                        lambda q, lv=_level: _decided(q, level=lv)),
        _penalty_figure(f"fines_{_level}", format_lazy(QUALIFIED, _("罚款金额"), _label), _("元"), _("期间决定的此等级处罚的罚款合计"), 41 + _i,
                        lambda q, lv=_level: _decided(q, level=lv), value=sum_of("fine"), amount=lambda d: d.fine),
    )



# --- referrals, joint operations, repeat offenders --------------------------------------------------------


def _referred(query):
    """Cases dispatched to another department (a referral: the dispatch names a unit other than the street's
    brigade) within the period, as the referral counts of enforcement/history.py read them."""
    from .history import BRIGADE_UNIT, UNIT_SETTING

    dispatch = (CaseEvent.objects.filter(case=OuterRef("pk"), action__in=UNIT_SETTING,
                                         **in_period("recorded_at", query))
                .filter(data__has_key="unit").exclude(data__unit=BRIGADE_UNIT))
    return query.base(Case, "street").filter(Exists(dispatch))


def _referrals_due(on_time_only):
    """Referrals whose handling deadline in force fell within the period (and, `on_time_only`, those handled
    by it), as of the period's end: the departments' due and on-time counts of the rankings, case by case."""
    def rows(query):
        from .history import referrals_due

        due = query.memo(("referrals-due", query.period),
                         lambda: referrals_due(query.period.start_at, query.period.end_at))
        return query.base(Case, "street").filter(pk__in=[case_id for case_id, _unit, on_time in due
                                                         if on_time or not on_time_only])
    return rows


def _operation_text(operation):
    # an operation spans streets: the rows list names none (no extra query per row)
    return {"text": str(operation), "street": None, "date": local_date(operation.date)}


def _party_text(party):
    return {"text": party.name, "street": None, "date": None}


def _repeat_offenders(query):
    """Parties named by findings (cases not rejected) reported in the period in two streets or more: the
    repeat offenders of enforcement/offenders.py over the period. A street's reading keeps those of them with
    such a case in the street."""
    findings = Case.objects.findings().filter(party__isnull=False, **in_period("reported_at", query))
    repeat = (findings.order_by().values("party_id").annotate(n=Count("street_id", distinct=True))
              .filter(n__gte=2).values("party_id"))
    rows = query.base(Party, None).filter(pk__in=repeat)
    if query.street is not None:
        rows = rows.filter(Exists(findings.filter(party=OuterRef("pk"), street=query.street)))
    return rows


register(
    _case_figure("referrals_received", _("转办部门案件"), _("期间派遣给其他部门办理（转办）的案件"), 60, _referred),
    _case_figure("referrals_due", _("转办案件到期"), _("处置时限在期间内届满的转办案件（按期末时的时限）"), 62,
                 _referrals_due(False)),
    _case_figure("referrals_on_time", _("转办案件按时处置"), _("处置时限在期间内届满、且由部门按时处置的转办案件"), 64,
                 _referrals_due(True)),
    Figure(code="joint_operations", name=_("联合执法行动"), unit=_("次"), definition=_("期间开展的联合执法行动"),
           section="campaigns", rows=lambda q: q.base(JointOperation, "streets").filter(
               **in_period("date", q, dates=True)),
           describe=_operation_text, order=40, models=(JointOperation,), street_path="streets"),
    _case_figure("operation_cases", _("联合执法行动中受理案件"), _("期间受理、记入联合执法行动的案件"), 42,
                 lambda q: _reported(q, operation__isnull=False), section="campaigns"),
    Figure(code="operation_orders", name=_("联合执法行动中下达整改通知书"), unit=_("份"),
           definition=_("期间下达、记入联合执法行动的整改通知书"), section="campaigns",
           rows=lambda q: _orders(q, operation__isnull=False, **in_period("issued_at", q)), describe=_order_text,
           select_related=("party", "case__street"), order=44, models=(RectificationOrder,),
           street_path="case__street"),
    Figure(code="repeat_offenders", name=_("跨街道多次违法当事人"), unit=_("人"),
           definition=_("期间在两个及以上街道被发现违法（案件不含不予立案）的当事人"), section="enforcement",
           rows=_repeat_offenders, describe=_party_text, order=60, models=(Case, Party)),
)
