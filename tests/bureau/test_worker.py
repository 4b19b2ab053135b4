"""The worker smoke test (issue 2, `.ci/run`): a real Celery worker process takes a job from Redis and its
result lands in PostgreSQL."""
import pytest
from celery.result import EagerResult
from django.db import connection

from bureau.jobs.models import JobRun
from bureau.jobs.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]


def test_a_real_worker_takes_a_job_from_redis_and_its_run_lands_in_postgresql(celery_worker):
    # given
    assert connection.vendor == "postgresql"
    token = f"smoke-{celery_worker.queue}"

    # when: sent through the broker from this process, not run eagerly
    result = ping.delay(token)
    assert not isinstance(result, EagerResult)

    # then: the worker wrote the job log row, with the task's return value, to the test database
    run = celery_worker.wait_for(
        lambda: JobRun.objects.filter(task_id=result.id, status=JobRun.Status.SUCCEEDED).first(), 60,
        "the job's JobRun row",
    )
    assert run.task_name == "jobs.ping"
    assert run.result["token"] == token
    assert run.args == [token]
    assert run.worker  # the host name of the worker that ran it
    assert celery_worker.pool_pids(), "a prefork worker has a pool process"


def test_a_failing_job_is_recorded_as_failed(celery_worker):
    # given: a job the worker cannot run (ping without its token: a TypeError in the worker)
    from bureau.celery import app

    result = app.send_task("jobs.ping", args=[])

    # then
    run = celery_worker.wait_for(
        lambda: JobRun.objects.filter(task_id=result.id, status=JobRun.Status.FAILED).first(), 60,
        "the failed JobRun row",
    )
    assert "TypeError" in run.error
