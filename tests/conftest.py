"""Shared fixtures: role users and API clients, service markers, the browser."""
import os
import re

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from bureau.accounts.choices import Role

# Browser fixtures (`browser`, `browser_page`, helpers `login`/`assert_clean`) and the real Celery worker.
pytest_plugins = ["tests.browser_support", "tests.worker_support"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make around it are
# ordinary synchronous calls, so Django's async-safety guard is relaxed for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
HAS_REDIS = bool(os.environ.get("REDIS_URL"))
_skipped_for_services: list[str] = []


# Run only when a -m expression names them: schemathesis takes minutes, and the fault tests restart the
# machine's PostgreSQL and Redis (never beside other test runs). .ci/run runs each in its own step.
OPT_IN_MARKERS = ("schemathesis", "faults")


def pytest_collection_modifyitems(config, items):
    selected = config.getoption("markexpr", "") or ""
    opted_in = {m for m in OPT_IN_MARKERS if re.search(rf"(?<!not )\b{m}\b", selected)}
    for item in items:
        for marker in OPT_IN_MARKERS:
            if marker in item.keywords and marker not in opted_in:
                item.add_marker(pytest.mark.skip(reason=f"run with -m {marker}"))
        if "postgres" in item.keywords and not ON_POSTGRES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
            _skipped_for_services.append(item.nodeid)
        if ("redis" in item.keywords or "worker" in item.keywords) and not (HAS_REDIS and ON_POSTGRES):
            item.add_marker(pytest.mark.skip(reason="needs Redis and PostgreSQL (set REDIS_URL and DATABASE_URL)"))
            _skipped_for_services.append(item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skipped_for_services:
        terminalreporter.write_line(
            f"Skipped {len(_skipped_for_services)} tests for want of a service "
            f"(PostgreSQL: {'yes' if ON_POSTGRES else 'no'}, Redis: {'yes' if HAS_REDIS else 'no'}): "
            + ", ".join(sorted({n.split('::')[0] for n in _skipped_for_services}))
        )


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, made once the test database exists: on in-memory SQLite it then shares
    the test's connection. Made before (session fixtures come first), it would find no in-memory database to
    share, and each of its threads would open a connection of its own, whose table locks fail queries at random.
    Sharing it, the server answers one request at a time (`tests.browser_support.serialised`)."""
    from tests.browser_support import serialised

    httpd = getattr(getattr(live_server, "thread", None), "httpd", None)
    if httpd is not None and getattr(httpd, "connections_override", None):
        httpd.set_app(serialised(httpd.get_app()))
    return live_server


_seed_operations: list | None = None


def _reference_data_seeds():
    """The RunPython operations of this project's own migrations (calendar, categories, schemes ...)."""
    global _seed_operations
    if _seed_operations is None:
        from django.apps import apps
        from django.db import connection
        from django.db.migrations.loader import MigrationLoader
        from django.db.migrations.operations.special import RunPython

        ours = {c.label for c in apps.get_app_configs()
                if str(c.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(c.path)}
        ours.discard("audit")  # its RunPython is DDL (the trigger), which a flush does not remove
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        plan = []
        for leaf in loader.graph.leaf_nodes():
            for key in loader.graph.forwards_plan(leaf):
                if key not in plan:
                    plan.append(key)
        _seed_operations = [
            op.code for key in plan if key[0] in ours
            for op in loader.graph.nodes[key].operations
            if isinstance(op, RunPython) and op.code is not RunPython.noop
        ]
        _seed_operations.append(loader.project_state().apps)
    return _seed_operations[:-1], _seed_operations[-1]


def _is_transactional(item):
    """The test's database is flushed after it: it asks for a live server or transactional_db, or its
    django_db marker says transaction=True (which names no fixture, so the fixture names alone miss it)."""
    if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    from pytest_django.plugin import validate_django_db

    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test, Django has flushed every table, the reference data that migrations
    seed included; seed it again (committed), so the tests after it see the database as migrated."""
    yield
    if nextitem is None or not _is_transactional(item):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        seeds, state_apps = _reference_data_seeds()
        with connection.schema_editor(atomic=True) as schema_editor:
            for seed in seeds:
                seed(state_apps, schema_editor)
        from bureau.workcalendar import calendar

        calendar.invalidate()


@pytest.fixture(autouse=True, scope="session")
def _no_stray_sessions_at_the_end(request, django_db_blocker):
    """PostgreSQL refuses to drop the test database while another session uses it; a connection left
    open by a thread of the live server would make the teardown fail. End such sessions first."""
    if not ON_POSTGRES:
        yield
        return
    request.getfixturevalue("django_db_setup")  # so this teardown runs before the database is dropped
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid, left(query, 200) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                stray = cursor.fetchall()
                for pid, query in stray:
                    print(f"\nending a stray session on the test database (pid {pid}, last query: {query})")
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        except Exception:  # noqa: BLE001, S110 - nothing to clean up when the test database was never made
            pass


@pytest.fixture(autouse=True)
def _calendar_present(request):
    """A transactional test flushes every table, the seeded calendar included: seed it again."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
        from bureau.workcalendar.services import calendar_seed_from_package

        calendar_seed_from_package()
    yield


@pytest.fixture(autouse=True)
def _case_categories_present(request):
    """A transactional test flushes the case categories seeded by migration too: seed them again."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
        from importlib import import_module

        from django.apps import apps

        import_module("enforcement.migrations.0002_seed_categories").seed(apps, None)
    yield


@pytest.fixture(autouse=True)
def _fresh_calendar_snapshot():
    from bureau.workcalendar import calendar

    calendar.invalidate()
    yield


@pytest.fixture(autouse=True)
def _fresh_road_index():
    """Each test's gazetteer builds its road index from the test's own segments: a transactional test's flush
    sends no signal, and statement counts must not depend on which test ran before."""
    from grids import gazetteer

    gazetteer.reset()
    yield


def make_user(username, role, **extra):
    from bureau.accounts.models import User

    user = User(username=username, role=role, **extra)
    user.set_password("pw-" + username)
    user.save()
    return user


@pytest.fixture
def bureau_user(db):
    return make_user("t-bureau", Role.BUREAU)


@pytest.fixture
def auditor_user(db):
    return make_user("t-auditor", Role.AUDITOR, is_staff=True)


@pytest.fixture
def security_user(db):
    return make_user("t-security", Role.SECURITY, is_staff=True)


@pytest.fixture
def api_user(db):
    return make_user("t-api", Role.API)


@pytest.fixture
def admin_user(db):
    return make_user("t-admin", Role.ADMIN, is_superuser=True, is_staff=True)


@pytest.fixture
def totp_code():
    """A function: the TOTP code an administrator's enrolled authenticator shows now (tests/otp_support.py)."""
    from tests.otp_support import totp_code as code

    return code


@pytest.fixture
def anon_client():
    return APIClient()


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def bureau_client(bureau_user):
    return client_for(bureau_user)


@pytest.fixture
def api_client_role(api_user):
    return client_for(api_user)


@pytest.fixture
def two_streets(db):
    """Two streets, one community each, two cells each; the leader of each street; an officer of cell a1.

    Returns a dict: streets a/b, cells a1 a2 b1 b2, leader_a, leader_b, officer_a1.
    """
    from tests.factories import CommunityFactory, GridCellFactory, StreetFactory, make_leader, make_officer

    a, b = StreetFactory(code="001", name="古南街道"), StreetFactory(code="002", name="永叔街道")
    ca, cb = CommunityFactory(street=a, code="001"), CommunityFactory(street=b, code="001")
    a1, a2 = GridCellFactory(community=ca), GridCellFactory(community=ca)
    b1, b2 = GridCellFactory(community=cb), GridCellFactory(community=cb)
    return {
        "a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "b2": b2,
        "leader_a": make_leader(a), "leader_b": make_leader(b), "officer_a1": make_officer([a1]),
    }


@pytest.fixture
def fresh_lane():
    """The API's fast lane from scratch: an empty cache and no token kept in this process, before and after."""
    from django.core.cache import cache

    from grids import authentication as kept_tokens

    cache.clear()
    kept_tokens.forget()
    yield
    cache.clear()
    kept_tokens.forget()
