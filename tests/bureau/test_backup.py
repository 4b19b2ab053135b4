"""The backup drill: `bin/backup` then `bin/restore` into a fresh database gives every table the same number
of rows, and the photos come back. On SQLite always; on PostgreSQL (DATABASE_URL set) with two scratch
databases made and dropped here."""
import os
import sqlite3
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.timeout(300)
CLEARED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT",
           "CELERY_TASK_ALWAYS_EAGER", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _run(args, database_url, media, check=True):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update({"DATABASE_URL": database_url, "MEDIA_ROOT": str(media),
                "DJANGO_SETTINGS_MODULE": "bureau.settings.local"})
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=240)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _prepare_source(url, media):
    """A migrated database (its seeded reference data) with a few rows of our own and one photo file."""
    _run(["manage.py", "migrate", "-v0"], url, media)
    _run(["manage.py", "shell", "-c",
          "from grids.models import Street; from bureau.accounts.models import User; "
          "Street.objects.create(code='001', name='古南街道'); Street.objects.create(code='002', name='永叔街道'); "
          "User.objects.create(username='drill', role='bureau')"], url, media)
    (media / "cases").mkdir(parents=True)
    (media / "cases" / "evidence.jpg").write_bytes(b"\xff\xd8 evidence")


def _sqlite_counts(path):
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    finally:
        db.close()


def test_sqlite_backup_restores_into_a_fresh_database_with_every_row(tmp_path):
    # given a populated embedded database and its photos
    source, media = f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media"
    _prepare_source(source, media)

    # when it is backed up, and restored into a database that does not exist yet
    _run(["bin/backup", str(tmp_path / "backup")], source, media)
    target, restored_media = f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "restored-media"
    result = _run(["bin/restore", str(tmp_path / "backup"), "--yes"], target, restored_media)

    # then every table has the same rows, and the photos are back
    before, after = _sqlite_counts(tmp_path / "source.sqlite3"), _sqlite_counts(tmp_path / "target.sqlite3")
    assert len(before) > 40 and sum(before.values()) > 1000
    assert after == before
    assert "every table has the rows" in result.stdout
    assert (restored_media / "cases" / "evidence.jpg").read_bytes() == b"\xff\xd8 evidence"


def test_restore_asks_before_replacing_a_database_that_has_tables(tmp_path):
    source, media = f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media"
    _prepare_source(source, media)
    _run(["bin/backup", str(tmp_path / "backup")], source, media)
    result = _run(["bin/restore", str(tmp_path / "backup")], source, media, check=False)
    assert result.returncode != 0 and "yes" in (result.stdout + result.stderr)


# ---------------------------------------------------------------------------------------------- PostgreSQL


def _admin():
    import psycopg2

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                                  password=url.password, dbname="postgres")
    connection.autocommit = True
    return connection, url


def _pg_counts(url, name):
    import psycopg2

    connection = psycopg2.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                                  password=url.password, dbname=name)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = [r[0] for r in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
                counts[table] = cursor.fetchone()[0]
            return counts
    finally:
        connection.close()


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_fresh_database_with_every_row(tmp_path):
    # given two scratch databases beside the test one
    admin, url = _admin()
    suffix = uuid.uuid4().hex[:8]
    names = [f"bureau_drill_src_{suffix}", f"bureau_drill_dst_{suffix}"]
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'CREATE DATABASE "{name}"')
    base = f"{url.scheme}://{url.netloc}"
    try:
        source, media = f"{base}/{names[0]}", tmp_path / "media"
        _prepare_source(source, media)

        # when
        _run(["bin/backup", str(tmp_path / "backup")], source, media)
        result = _run(["bin/restore", str(tmp_path / "backup"), "--yes"], f"{base}/{names[1]}",
                      tmp_path / "restored-media")

        # then
        before, after = _pg_counts(url, names[0]), _pg_counts(url, names[1])
        assert len(before) > 40 and sum(before.values()) > 1000
        assert after == before
        assert "every table has the rows" in result.stdout
        assert (tmp_path / "restored-media" / "cases" / "evidence.jpg").exists()
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

