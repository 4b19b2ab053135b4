"""Schemathesis against the API's own OpenAPI schema (/api/schema/): for every operation and every role
(anonymous, bureau staff, a street leader, a grid officer, the API client), generated requests never get a
server error, and an anonymous request never gets a 2xx from an operation that needs authentication.

Bounded: SCHEMATHESIS_MAX_EXAMPLES (default 10) examples per operation and role. Marked `schemathesis`: it
runs only when selected (`pytest -m schemathesis`, its own step in .ci/run), not in `make test`."""
import os

import hypothesis
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator

from tests.generated.support import ROLES, DjangoTestApp, build_world, token_for

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db, pytest.mark.timeout(120)]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
# Paths anyone may call: getting a token (a 2xx needs a real password, which generated input never has; its
# OPTIONS describes the form).
PUBLIC = {"/api/v1/auth/token/"}


def _load():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = DjangoTestApp()
    return loaded


schema = _load()


@pytest.fixture
def auth_headers(two_streets):
    world = build_world(two_streets)
    headers = {role: {"Authorization": f"Token {token_for(user.username)}"}
               for role, user in world["users"].items() if role in ROLES}
    headers["anonymous"] = {}
    return headers


@schema.parametrize()
@hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck),
                     phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
def test_no_server_error_and_no_anonymous_success(case, auth_headers):
    # when each role sends the generated request (one district per operation, shared by its examples)
    for role in ROLES:
        response = case.call(headers=auth_headers[role])

        # then
        where = f"{role}: {case.method} {case.formatted_path} -> {response.status_code} {response.text[:300]}"
        assert response.status_code < 500, where
        if role == "anonymous" and case.operation.path not in PUBLIC:
            assert not 200 <= response.status_code < 300, "answered without authentication: " + where
