"""Demo: the Open311 key whose value is DEMO_OPEN311_KEY (default bureau-demo-open311), so an integrator
can try filing a request at once. A second run changes nothing."""
from django.conf import settings

from .models import ApiKey
from .querysets import secret_hash
from .services import api_key_issue

ORDER = 25  # after the cases (20), whose categories the services are


def seed(*, stdout=None, **kwargs):
    secret = settings.DEMO_OPEN311_KEY
    # Once issued it stays: a run after staff revoked it does not bring it back.
    if not ApiKey.objects.filter(secret_hash=secret_hash(secret)).exists():
        api_key_issue(acting_user=None, name="演示对接系统", rate_limit=600, secret=secret)
    if stdout is not None:
        stdout.write(f"  open311: demo API key {secret} (POST /open311/v2/requests.json with api_key=...)")
