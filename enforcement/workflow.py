"""The case workflow as data: for each action, the statuses it may start from, the status it leads to, who
may take it, what it does to the case (`effect`, in enforcement/effects.py) and what it does to the handling
deadline (`deadline`). `case_transition` reads only this table to decide 403 / 409 and what to change;
enforcement/history.py reads the `deadline` column to tell, from the events alone, which handling deadline
stood at any moment.

`to` None means "the same status" (relocate, extension requests and decisions) and SUSPENDED_FROM means
"the status the case was suspended from" (resume).

`deadline`, what the action does to the handling deadline (the limit the handling unit works against, stored
on each event as `handling_due_at`):
- SET: a new handling deadline is in force from this event (the event's `handling_due_at`);
- RESTORE: in force again, with the working time that was left, when the case goes back to a status that a
  SET action leads to (resume into dispatched); otherwise none;
- FREEZE: the unit reports the work done; the deadline in force stays, and is judged against this event's
  time (the standing handle, until the next deadline-changing event);
- PAUSE: no deadline runs while the case waits; the case is in the action's `to` status meanwhile;
- CLEAR: no deadline: the case is no longer the unit's;
- KEEP: unchanged.
"""
from . import effects
from .choices import Actor, CaseAction, CaseStatus

A, S = CaseAction, CaseStatus
SUSPENDED_FROM = "suspended_from"
SET, RESTORE, FREEZE, PAUSE, CLEAR, KEEP = "set", "restore", "freeze", "pause", "clear", "keep"
DEADLINE_KINDS = (SET, RESTORE, FREEZE, PAUSE, CLEAR, KEEP)

TRANSITIONS: dict[str, dict] = {
    # 立案: intake accepts a report as a case the bureau must get handled.
    A.REGISTER: {"from": (S.REPORTED,), "to": S.REGISTERED, "who": Actor.BUREAU,
                 "effect": effects.register, "deadline": KEEP},
    # 不予立案: not the bureau's business or not a problem at all; also allowed after registering, when the
    # dispatcher finds the same.
    A.REJECT: {"from": (S.REPORTED, S.REGISTERED), "to": S.REJECTED, "who": Actor.BUREAU,
               "effect": effects.reject, "deadline": KEEP},
    # A repeat of another case: closed as rejected, pointing at the case it repeats, and counted nowhere.
    A.MARK_DUPLICATE: {"from": (S.REPORTED, S.REGISTERED), "to": S.REJECTED, "who": Actor.BUREAU,
                       "effect": effects.mark_duplicate, "deadline": KEEP},
    # Mends a point entered wrongly before anybody was sent there; grid and street are derived again.
    A.RELOCATE: {"from": (S.REPORTED, S.REGISTERED), "to": None, "who": Actor.BUREAU,
                 "effect": effects.relocate, "deadline": KEEP},
    # Mends a wrong rejection: back to registered with a fresh dispatch limit.
    A.REOPEN: {"from": (S.REJECTED,), "to": S.REGISTERED, "who": Actor.BUREAU,
               "effect": effects.reopen, "deadline": KEEP},
    # 派遣: to the street's brigade or, for a referral, another department; the handling clock starts.
    A.DISPATCH: {"from": (S.REGISTERED,), "to": S.DISPATCHED, "who": Actor.BUREAU,
                 "effect": effects.dispatch, "deadline": SET},
    # 回退: the unit says it is not theirs (with a reason); the bureau must dispatch again.
    A.RETURN: {"from": (S.DISPATCHED,), "to": S.REGISTERED, "who": Actor.HANDLING_UNIT,
               "effect": effects.return_, "deadline": CLEAR},
    # 部门受理: the department a case was referred to takes it on, with its plan (the note); its handling
    # deadline stands. Once accepted, the department handles it (or asks for more time): it may not refuse.
    A.ACCEPT: {"from": (S.DISPATCHED,), "to": None, "who": Actor.DEPARTMENT,
               "effect": effects.accept, "deadline": KEEP},
    # 部门拒收: the department says the case is not within its powers (the reason); like a return, the bureau
    # must dispatch it again and the department's deadline is gone.
    A.REFUSE: {"from": (S.DISPATCHED,), "to": S.REGISTERED, "who": Actor.DEPARTMENT,
               "effect": effects.refuse, "deadline": CLEAR},
    # 处置反馈: the unit reports the work done (photos); the clock stops until verification.
    A.HANDLE: {"from": (S.DISPATCHED,), "to": S.HANDLED, "who": Actor.HANDLING_UNIT,
               "effect": effects.handle, "deadline": FREEZE},
    # 核查结案: an inspector verified on site.
    A.CLOSE: {"from": (S.HANDLED,), "to": S.CLOSED, "who": Actor.BUREAU,
              "effect": effects.close, "deadline": KEEP},
    # 返工: verification failed; the same unit gets the case again with a fresh handling limit.
    A.REWORK: {"from": (S.HANDLED,), "to": S.DISPATCHED, "who": Actor.BUREAU,
               "effect": effects.rework, "deadline": SET},
    # 延期申请: asked before the deadline; at most two are ever approved.
    A.REQUEST_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.HANDLING_UNIT,
                          "effect": effects.request_extension, "deadline": KEEP},
    # The bureau grants one more handling limit, counted from the old deadline.
    A.APPROVE_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.BUREAU,
                          "effect": effects.approve_extension, "deadline": SET},
    # The bureau refuses; the deadline stands.
    A.DENY_EXTENSION: {"from": (S.DISPATCHED,), "to": None, "who": Actor.BUREAU,
                       "effect": effects.deny_extension, "deadline": KEEP},
    # 挂账: the case cannot be worked now (court, weather ...); the remaining working time is kept.
    A.SUSPEND: {"from": (S.REGISTERED, S.DISPATCHED), "to": S.SUSPENDED, "who": Actor.BUREAU,
                "effect": effects.suspend, "deadline": PAUSE},
    # The clock restarts with the time that was left, in the status the case left.
    A.RESUME: {"from": (S.SUSPENDED,), "to": SUSPENDED_FROM, "who": Actor.BUREAU,
               "effect": effects.resume, "deadline": RESTORE},
}

# Actions whose note is required (the reason, the verification, the decision).
NOTE_REQUIRED = {A.REJECT, A.REOPEN, A.RETURN, A.HANDLE, A.CLOSE, A.REWORK, A.REQUEST_EXTENSION, A.SUSPEND,
                 A.ACCEPT, A.REFUSE}


def allowed_from(action: str, status: str) -> bool:
    return status in TRANSITIONS[action]["from"]
