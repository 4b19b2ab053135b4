"""The case workflow as data (CONTRACT §3): for each action, the statuses it may start from, the status it
leads to, and who may take it. `case_transition` reads only this table to decide 403 / 409.

`to` None means "the same status" (relocate, extension requests and decisions) and SUSPENDED_FROM means
"the status the case was suspended from" (resume).
"""
from .choices import Actor, CaseAction, CaseStatus

A, S = CaseAction, CaseStatus
SUSPENDED_FROM = "suspended_from"

TRANSITIONS: dict[str, dict] = {
    # 立案: intake accepts a report as a case the bureau must get handled.
    A.REGISTER: {"from": (S.REPORTED,), "to": S.REGISTERED, "who": Actor.BUREAU},
    # 不予立案: not the bureau's business or not a problem at all; also allowed after registering, when the
    # dispatcher finds the same.
    A.REJECT: {"from": (S.REPORTED, S.REGISTERED), "to": S.REJECTED, "who": Actor.BUREAU},
    # A repeat of another case: closed as rejected, pointing at the case it repeats, and counted nowhere.
    A.MARK_DUPLICATE: {"from": (S.REPORTED, S.REGISTERED), "to": S.REJECTED, "who": Actor.BUREAU},
    # Mends a point entered wrongly before anybody was sent there; grid and street are derived again.
    A.RELOCATE: {"from": (S.REPORTED, S.REGISTERED), "to": None, "who": Actor.BUREAU},
    # Mends a wrong rejection: back to registered with a fresh dispatch limit.
    A.REOPEN: {"from": (S.REJECTED,), "to": S.REGISTERED, "who": Actor.BUREAU},
    # 派遣: to the street's brigade or, for a referral, another department; the handling clock starts.
    A.DISPATCH: {"from": (S.REGISTERED,), "to": S.DISPATCHED, "who": Actor.BUREAU},
    # 回退: the unit says it is not theirs (with a reason); the bureau must dispatch again.
    A.RETURN: {"from": (S.DISPATCHED,), "to": S.REGISTERED, "who": Actor.HANDLING_UNIT},
    # 处置反馈: the unit reports the work done (photos); the clock stops until verification.
    A.HANDLE: {"from": (S.DISPATCHED,), "to": S.HANDLED, "who": Actor.HANDLING_UNIT},
    # 核查结案: an inspector verified on site.
    A.CLOSE: {"from": (S.HANDLED,), "to": S.CLOSED, "who": Actor.BUREAU},
    # 返工: verification failed; the same unit gets the case again with a fresh handling limit.
    A.REWORK: {"from": (S.HANDLED,), "to": S.DISPATCHED, "who": Actor.BUREAU},
    # 延期申请: asked before the deadline; at most two are ever approved.
    A.REQUEST_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.HANDLING_UNIT},
    # The bureau grants one more handling limit, counted from the old deadline.
    A.APPROVE_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.BUREAU},
    # The bureau refuses; the deadline stands.
    A.DENY_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.BUREAU},
    # 挂账: the case cannot be worked now (court, weather ...); the remaining working time is kept.
    A.SUSPEND: {"from": (S.REGISTERED, S.DISPATCHED), "to": S.SUSPENDED, "who": Actor.BUREAU},
    # The clock restarts with the time that was left, in the status the case left.
    A.RESUME: {"from": (S.SUSPENDED,), "to": SUSPENDED_FROM, "who": Actor.BUREAU},
}

# Actions whose note is required (the reason, the verification, the decision).
NOTE_REQUIRED = {A.REJECT, A.REOPEN, A.RETURN, A.HANDLE, A.CLOSE, A.REWORK, A.REQUEST_EXTENSION, A.SUSPEND}

MAX_EXTENSIONS = 2


def allowed_from(action: str, status: str) -> bool:
    return status in TRANSITIONS[action]["from"]
