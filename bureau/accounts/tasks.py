from celery import shared_task

from .services import tokens_purge_expired


@shared_task(name="accounts.purge_expired_tokens", soft_time_limit=600, time_limit=660)
def purge_expired_tokens():
    return tokens_purge_expired()
