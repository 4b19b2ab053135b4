from celery import shared_task


@shared_task(name="idempotency.purge_expired", soft_time_limit=600, time_limit=660)
def purge_expired():
    from bureau.api.idempotency import idempotency_purge_expired

    return idempotency_purge_expired()
