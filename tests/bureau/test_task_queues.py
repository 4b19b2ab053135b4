"""Jobs go to a queue per kind (compiles apart from sweeps and short jobs), and a worker started without -Q,
as the embedded deployment's is, consumes every queue, so no job waits on a queue nobody reads."""
from django.conf import settings

from bureau.celery import app


def _queue_of(name):
    return app.amqp.router.route({}, name)["queue"].name


def test_compiles_sweeps_and_short_jobs_have_their_own_queues():
    assert _queue_of("inspections.compile_week") == _queue_of("inspections.compile_month") == "reports"
    assert _queue_of("enforcement.sweep_deadlines") == "sweeps"
    assert _queue_of("audit.purge_expired") == "sweeps"
    assert _queue_of("jobs.ping") == _queue_of("grids.locate_point") == "celery"


def test_a_worker_without_q_consumes_every_queue_a_job_can_go_to():
    app.loader.import_default_modules()
    consumed = set(app.amqp.queues)
    tasks = [name for name in app.tasks if not name.startswith("celery.")]
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert {_queue_of(name) for name in tasks + scheduled} <= consumed == {"celery", "reports", "sweeps"}
