"""Pages: the case workbench (bureau queues, a leader's street list), the case page with its timeline and
the actions the user may take, the staff intake form, the warning inbox, and the photos behind scope."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bureau import clock

from . import services
from .choices import CaseAction, CaseSource, CaseStatus
from .filtersets import CaseFilterSet
from .forms import CaseIntakeForm, TransitionForm
from .models import Case, CaseEvent, CasePhoto, Category, Notification
from .offenders import duplicate_proposal, duplicate_proposals, repeat_offenders
from .pagination import CachedCountPaginator, count_key
from .permissions import can_read_cases, can_read_repeat_offenders, can_report_cases, may_report

QUEUES = [
    ("all", gettext_lazy("全部"), None),
    ("to_register", gettext_lazy("待立案"), "to_register"),
    ("to_dispatch", gettext_lazy("待派遣"), "to_dispatch"),
    ("dispatched", gettext_lazy("待处置"), None),
    ("to_verify", gettext_lazy("待核查"), "to_verify"),
    ("overdue", gettext_lazy("超时"), "overdue"),
]
LEADER_QUEUES = ("all", "dispatched", "overdue")


def _require_case_reader(user):
    if not can_read_cases(user):
        raise PermissionDenied


def _require_field_staff(user):
    """Orders, penalties and parties are field staff's (a department's account reads only its referrals)."""
    if not can_report_cases(user):
        raise PermissionDenied


def _queue(qs, key):
    if key == "to_register":
        return qs.to_register()
    if key == "to_dispatch":
        return qs.to_dispatch()
    if key == "dispatched":
        return qs.filter(status=CaseStatus.DISPATCHED)
    if key == "to_verify":
        return qs.to_verify()
    if key == "overdue":
        return qs.overdue().open()
    return qs


@login_required
def workbench(request):
    """Bureau staff: the district's queues; a leader: their street's cases; an officer: their cells'."""
    _require_case_reader(request.user)
    user = request.user
    queues = [q for q in QUEUES if user.is_bureau_staff or q[0] in LEADER_QUEUES]
    current = request.GET.get("queue") or "all"
    if current not in {q[0] for q in queues}:
        current = "all"
    base = Case.objects.visible_to(user).for_list().with_repeat_flag()
    params = request.GET.copy()
    for key in list(params):
        if params.get(key) in ("", None):
            del params[key]
    filterset = CaseFilterSet(params, queryset=base)
    try:
        qs = filterset.qs if filterset.is_valid() else base.none()
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        qs = base.none()
    qs = _queue(qs, current)
    number = (request.GET.get("number") or "").replace("\x00", "").strip()  # PostgreSQL refuses NUL (a 500)
    if number:
        qs = qs.filter(number__icontains=number)
    page = CachedCountPaginator(qs, 50, count_key=count_key(request, ignore=("page",))).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if user.is_bureau_staff:
        # at registration: the case each new report most likely repeats (one query for the page)
        proposals = duplicate_proposals([c for c in page.object_list if c.status == CaseStatus.REPORTED])
        for case in page.object_list:
            case.duplicate_proposal = proposals.get(case.pk)
    from grids.models import Street

    return render(request, "enforcement/workbench.html", {
        "page": page, "queues": queues, "current": current,
        "statuses": CaseStatus.choices, "sources": CaseSource.choices,
        "categories": Category.objects.active().only("code", "name"),
        "streets": Street.objects.visible_to(user) if user.is_bureau_staff else Street.objects.led_by(user),
        "can_report": may_report(user),
        "unread": Notification.objects.visible_to(user).unread().count(),
    })


def _case_for(user, pk):
    return get_object_or_404(
        Case.objects.visible_to(user).for_list().with_repeat_flag().select_related(
            "community", "duplicate_of", "party").prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor").prefetch_related("photos"))
        ),
        pk=pk,
    )


@login_required
@require_POST
def reveal_phone(request, pk):
    """Bureau staff see a citizen's full number on request; every reveal is audited (personal data under PIPL)."""
    if not request.user.is_bureau_staff:
        raise PermissionDenied  # the role first, whatever the case
    _require_case_reader(request.user)
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    try:
        phone = services.case_reveal_phone(acting_user=request.user, case=case)
    except services.CaseActionForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.PhoneUnreadable as exc:
        messages.error(request, str(exc))
        return redirect("enforcement:case", pk=pk)
    return case_detail(request, pk, revealed_phone=phone)


@login_required
def case_detail(request, pk, form=None, failed_action=None, revealed_phone=None):
    _require_case_reader(request.user)
    case = _case_for(request.user, pk)
    actions = services.available_actions(request.user, case)
    # At registration the nearest standing case of the category reported shortly before is proposed as the one
    # this case repeats (mark_duplicate, prefilled); the registrar decides.
    proposal = (duplicate_proposal(case)
                if case.status == CaseStatus.REPORTED and CaseAction.MARK_DUPLICATE in actions else None)
    forms = []
    for action in actions:
        initial = {"action": action}
        if action == CaseAction.DISPATCH:
            # the category's routing (权责清单) is proposed; the dispatcher may choose another unit
            initial["unit"] = case.category.department.code if case.category.department_id else "brigade"
        if action == CaseAction.MARK_DUPLICATE and proposal is not None:
            initial["duplicate_of"] = proposal.case.number
        f = form if (form is not None and failed_action == action) else TransitionForm(initial=initial)
        forms.append({"action": action, "label": CaseAction(action).label, "form": f})
    return render(request, "enforcement/case_detail.html", {
        "case": case, "events": list(case.events.all()), "action_forms": forms, "proposal": proposal,
        "show_originals": request.user.is_bureau_staff,
        "grid_geometry": case.grid.geometry, "revealed_phone": revealed_phone,
        "can_reveal_phone": request.user.is_bureau_staff and bool(case.reporter_phone_encrypted),
    }, status=400 if form is not None else 200)


@login_required
@require_POST
def case_act(request, pk):
    """The case page's action forms post here; the service decides, the page shows the outcome."""
    _require_case_reader(request.user)
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    form = TransitionForm(request.POST, request.FILES)
    if not form.is_valid():
        return case_detail(request, pk, form=form, failed_action=request.POST.get("action"))
    data = form.cleaned_data
    action = data["action"]
    params = {"photos": data.get("photos") or []}
    if action == CaseAction.DISPATCH and data.get("unit"):
        params["unit"] = data["unit"]
    if action == CaseAction.RELOCATE:
        params["lat"], params["lng"] = data.get("lat"), data.get("lng")
    if action == CaseAction.MARK_DUPLICATE:
        ref = (data.get("duplicate_of") or "").strip()
        original = Case.objects.visible_to(request.user).filter(number=ref).first()
        if original is None and ref.isdigit():
            original = Case.objects.visible_to(request.user).filter(pk=int(ref)).first()
        params["duplicate_of"] = original.pk if original else ref
    try:
        services.case_transition(acting_user=request.user, case=case, action=action, note=data.get("note", ""),
                                 **params)
    except services.CaseActionForbidden as exc:
        raise PermissionDenied(str(exc)) from exc
    except services.CaseStateConflict as exc:
        messages.error(request, exc.message)
        return redirect("enforcement:case", pk=pk)
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return case_detail(request, pk, form=form, failed_action=action)
    messages.success(request, _("已完成：%(action)s") % {"action": CaseAction(action).label})
    if not Case.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("enforcement:workbench")  # no longer theirs (a department's refusal)
    return redirect("enforcement:case", pk=pk)


@login_required
def case_new(request):
    """The staff intake form: the point is picked on the map (a click sets lat/lng)."""
    if not may_report(request.user):
        raise PermissionDenied
    user = request.user
    default_source = (CaseSource.GRID_OFFICER if user.is_grid_officer
                      else CaseSource.PATROL if user.is_street_leader else CaseSource.SUPERVISION)
    form = CaseIntakeForm(request.POST or None, request.FILES or None, initial={"source": default_source})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_report(acting_user=request.user, **data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("案件 %(number)s 已上报") % {"number": case.number})
            return redirect("enforcement:case", pk=case.pk)
    from grids.models import GridCell

    if user.is_bureau_staff:
        cells = GridCell.objects.all()
    elif user.is_street_leader:
        cells = GridCell.objects.led_by(user)
    else:
        cells = GridCell.objects.held_by(user)
    cell_shapes = [{"code": c.code, "geometry": c.geometry} for c in cells.only("code", "geometry")[:3000]]
    return render(request, "enforcement/case_new.html", {
        "form": form, "cells": cell_shapes,
        # the box of standing cases near the point (static/enforcement/nearby.js fills in the numbers)
        "nearby_title": _("附近已有 %(n)s 件同类未结案件（%(m)s 米、%(d)s 天内），请确认是否重复上报："),
    }, status=400 if request.method == "POST" else 200)


@login_required
def inbox(request):
    """Warning messages for the current user (a case of theirs turned yellow or red)."""
    _require_case_reader(request.user)
    items = Notification.objects.visible_to(request.user).select_related("case")
    if request.method == "POST":
        items.unread().update(read_at=clock.now())
        return redirect("enforcement:inbox")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/inbox.html", {"page": page})


@login_required
def photo(request, pk, original=False):
    """A case photo, within the case's scope. The display copy has no EXIF/GPS; originals are bureau-only."""
    _require_case_reader(request.user)
    obj = get_object_or_404(CasePhoto.objects.filter(case__in=Case.objects.visible_to(request.user)), pk=pk)
    if original and not request.user.is_bureau_staff:
        raise Http404
    field = obj.file if original or not obj.display_file else obj.display_file
    response = FileResponse(field.open("rb"), content_type=obj.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Last-Modified"] = http_date(obj.uploaded_at.timestamp())
    return response


# ---------------------------------------------------------------------------------------------- orders, penalties,
# parties: the workbench's two more queues, the order's A4 page and PDF, a party's history across streets.


@login_required
def orders_queue(request):
    """Rectification orders in the user's scope: all, awaiting follow-up, overdue."""
    _require_field_staff(request.user)
    from .choices import OrderStatus
    from .models import RectificationOrder

    qs = RectificationOrder.objects.visible_to(request.user).for_list()
    current = request.GET.get("queue") or "open"
    if current == "open":
        qs = qs.filter(status=OrderStatus.ISSUED)
    elif current == "overdue":
        qs = qs.overdue(clock.now())
    else:
        current = "all"
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/orders.html", {
        "page": page, "current": current, "now": clock.now(),
        "queues": [("open", _("待复查")), ("overdue", _("逾期未整改")), ("all", _("全部"))],
    })


@login_required
def penalties_queue(request):
    """Penalty decisions in the user's scope: those awaiting the user's approval, in progress, all."""
    _require_field_staff(request.user)
    from .choices import PenaltyStatus
    from .models import PenaltyDecision

    qs = PenaltyDecision.objects.visible_to(request.user).for_list()
    current = request.GET.get("queue") or "awaiting"
    if current == "awaiting":
        qs = qs.awaiting(request.user)
    elif current == "open":
        qs = qs.exclude(status__in=(PenaltyStatus.PAID, PenaltyStatus.RETURNED))
    else:
        current = "all"
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/penalties.html", {
        "page": page, "current": current,
        "queues": [("awaiting", _("待我审批")), ("open", _("办理中")), ("all", _("全部"))],
    })


def _order_for(user, pk):
    from .models import RectificationOrder

    return get_object_or_404(RectificationOrder.objects.visible_to(user).for_list(), pk=pk)


@login_required
def order_print(request, pk):
    """The order as an A4 page, to print and seal."""
    _require_field_staff(request.user)
    from .documents import order_lines

    order = _order_for(request.user, pk)
    return render(request, "enforcement/order_print.html", {"order": order, "doc": order_lines(order)})


@login_required
def order_pdf(request, pk):
    _require_field_staff(request.user)
    from django.http import HttpResponse

    from .documents import order_pdf as make_pdf

    order = _order_for(request.user, pk)
    response = HttpResponse(make_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="order-{order.pk}.pdf"'
    return response


@login_required
def party_detail(request, pk):
    """A party's whole history across streets, as far as the user's scope reaches (all of it for the bureau)."""
    _require_field_staff(request.user)
    from .models import Party, PenaltyDecision, RectificationOrder

    party = get_object_or_404(Party.objects.visible_to(request.user), pk=pk)
    cases = Case.objects.visible_to(request.user).filter(party=party).for_list()
    return render(request, "enforcement/party_detail.html", {
        "party": party, "cases": cases[:500],
        "orders": RectificationOrder.objects.visible_to(request.user).filter(party=party).for_list()[:500],
        "penalties": PenaltyDecision.objects.visible_to(request.user).filter(party=party).for_list()[:500],
        "streets": sorted({c.street.name for c in cases[:500]}),
    })


@login_required
def repeat_offenders_page(request):
    """The district view of repeat offenders: parties and spots met in two or more streets within the window,
    each party's cases per month. Bureau staff only (it crosses every street)."""
    if not can_read_repeat_offenders(request.user):
        raise PermissionDenied
    report = repeat_offenders()
    return render(request, "enforcement/repeat_offenders.html", {"report": report})
# ---------------------------------------------------------------------------------------------- joint operations


def _require_operation_reader(user):
    from .permissions import may_read_operations

    if not may_read_operations(user):
        raise PermissionDenied


@login_required
def operations_list(request):
    """Joint operations: bureau staff all, a leader those their street takes part in."""
    _require_operation_reader(request.user)
    from .models import JointOperation

    page = Paginator(JointOperation.objects.visible_to(request.user).for_list(), 50).get_page(request.GET.get("page"))
    return render(request, "enforcement/operations.html", {"page": page, "can_plan": request.user.is_bureau_staff})


@login_required
def operation_new(request):
    """The bureau plans a joint operation (the area drawn on the map)."""
    if not request.user.is_bureau_staff:
        raise PermissionDenied
    from grids.models import GridCell

    from .forms import JointOperationForm
    from .services.operations import operation_create

    form = JointOperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = operation_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("联合执法行动 %(number)s 已部署") % {"number": operation.number})
            return redirect("enforcement:operation", pk=operation.pk)
    cells = [{"code": c.code, "geometry": c.geometry} for c in GridCell.objects.only("code", "geometry")[:3000]]
    return render(request, "enforcement/operation_new.html", {"form": form, "cells": cells},
                  status=400 if request.method == "POST" else 200)


@login_required
def operation_detail(request, pk):
    """An operation's plan and its results, counted from what was recorded inside it; the leaders of its streets
    (and bureau staff) record cases and orders into it here."""
    _require_operation_reader(request.user)
    from .forms import OperationRecordForm
    from .models import JointOperation, RectificationOrder
    from .services import operations as op_services

    operation = get_object_or_404(JointOperation.objects.visible_to(request.user).for_list(), pk=pk)
    form = OperationRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number_case, number_order = form.cleaned_data["case"].strip(), form.cleaned_data["order"].strip()
        try:
            if number_case:
                case = Case.objects.visible_to(request.user).filter(number=number_case).first()
                if case is None:
                    raise ValidationError({"case": [_("未知的案件")]})
                op_services.operation_record_case(acting_user=request.user, operation=operation, case=case)
            elif number_order:
                order = RectificationOrder.objects.visible_to(request.user).filter(number=number_order).first()
                if order is None:
                    raise ValidationError({"order": [_("未知的整改通知书")]})
                op_services.operation_record_order(acting_user=request.user, operation=operation, order=order)
            else:
                raise ValidationError(_("请指定一个案件或一份整改通知书"))
        except op_services.OperationForbidden as exc:
            form.add_error(None, str(exc))
        except op_services.OperationConflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("已登记到本次行动"))
            return redirect("enforcement:operation", pk=pk)
    results = op_services.operation_results(operation)
    return render(request, "enforcement/operation_detail.html", {
        "operation": operation, "results": results, "form": form,
        "cells": [{"code": c.code, "geometry": c.geometry} for c in operation.cells.all()],
        "cases": Case.objects.visible_to(request.user).filter(operation=operation).for_list()[:500],
        "orders": RectificationOrder.objects.visible_to(request.user).filter(operation=operation).for_list()[:500],
    }, status=400 if request.method == "POST" else 200)
