"""The API documents of the published assessment. A ranking's document is rendered once, when it is published
(Ranking.payload); a bulletin's is rendered here from the stored content."""
from ...models import Bulletin
from ...periods import WEEK


def bulletin_payload(bulletin: Bulletin) -> dict:
    from django.utils import timezone

    return {
        "period": bulletin.period, "kind": WEEK,
        "start": timezone.localtime(bulletin.start).isoformat(), "end": timezone.localtime(bulletin.end).isoformat(),
        "revision": bulletin.revision, "published_at": timezone.localtime(bulletin.published_at).isoformat(),
        **bulletin.content,
    }
