"""Record each task run in the job log through Celery's signals, so tasks stay thin."""
import json
import socket

from celery import signals
from django.db import close_old_connections

from bureau import clock

from .models import JobRun

_runs: dict[str, int] = {}


def _jsonable(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


@signals.task_prerun.connect
def _started(task_id=None, task=None, args=None, kwargs=None, **extra):
    # In a worker, drop a connection the database has closed meanwhile (as Django does per request). Not in
    # eager mode: there the task runs inside the caller's transaction, whose connection must stay open.
    if not getattr(getattr(task, "request", None), "is_eager", False):
        close_old_connections()
    run = JobRun.objects.create(
        task_id=task_id or "", task_name=getattr(task, "name", "?"), args=_jsonable(list(args or [])),
        started_at=clock.now(), worker=socket.gethostname()[:128],
    )
    _runs[task_id] = run.pk


@signals.task_success.connect
def _succeeded(sender=None, result=None, **extra):
    task_id = getattr(getattr(sender, "request", None), "id", None)
    pk = _runs.pop(task_id, None)
    if pk:
        JobRun.objects.filter(pk=pk).update(
            status=JobRun.Status.SUCCEEDED, finished_at=clock.now(), result=_jsonable(result)
        )


@signals.task_failure.connect
def _failed(task_id=None, exception=None, **extra):
    pk = _runs.pop(task_id, None)
    if pk:
        JobRun.objects.filter(pk=pk).update(
            status=JobRun.Status.FAILED, finished_at=clock.now(), error=repr(exception)[:4000]
        )


@signals.task_retry.connect
def _retrying(request=None, reason=None, **extra):
    pk = _runs.pop(getattr(request, "id", None), None)
    if pk:
        JobRun.objects.filter(pk=pk).update(
            status=JobRun.Status.RETRYING, finished_at=clock.now(), error=str(reason)[:4000]
        )
