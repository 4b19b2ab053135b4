"""Backups of the database and the evidence files, and their restore (`make backup`, `make restore`).

A backup is a folder: `database.dump` (PostgreSQL: pg_dump's custom format, restored by pg_restore) or
`database.sqlite3` (the embedded SQLite database, copied with SQLite's online backup API, consistent while
the site runs), `media.tar.gz` (MEDIA_ROOT: case photos), and `manifest.json` with the row count of every
table, which a restore checks its result against. Copying the folder off the machine is the deployment's
job (docs/security.md): a backup on the same disk is no backup.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST, MEDIA = "manifest.json", "media.tar.gz"


def _database():
    return settings.DATABASES["default"]


def _is_postgres() -> bool:
    return _database()["ENGINE"] == "django.db.backends.postgresql"


def _pg_args() -> tuple[list[str], dict]:
    db = _database()
    args = ["-d", db["NAME"]]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def row_counts() -> dict[str, int]:
    """{table: rows} of every table of the database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from the catalogue
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(target: Path | None = None) -> Path:
    """Write a backup folder (default var/backups/bureau-<time>/) and return it."""
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    target = Path(target or Path(settings.BASE_DIR) / "var" / "backups" / f"bureau-{stamp}")
    target.mkdir(parents=True, exist_ok=False)
    counts = row_counts()  # read before the copy: a busy site may add rows during it, never remove them
    if _is_postgres():
        args, env = _pg_args()
        # PostgreSQL's own client from PATH, its arguments from the settings
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                   "--file", str(target / "database.dump"), *args]
        subprocess.run(command, check=True, env=env)  # noqa: S603
    else:
        connection.ensure_connection()
        destination = sqlite3.connect(target / "database.sqlite3")
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        with tarfile.open(target / MEDIA, "w:gz") as archive:
            archive.add(media, arcname="media")
    (target / MANIFEST).write_text(json.dumps({
        "created_at": datetime.now().astimezone().isoformat(), "engine": _database()["ENGINE"],
        "tables": counts,
    }, indent=1, ensure_ascii=False))
    return target


def is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(source: Path) -> dict[str, tuple[int, int]]:
    """Replace the database (and MEDIA_ROOT's files) with the backup's; returns the tables whose row count
    differs from the manifest's, {table: (expected, found)} (a backup taken while the site wrote may hold a
    few more rows than its manifest counted, never fewer)."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    if _is_postgres():
        dump = source / "database.dump"
        if not dump.exists():
            raise SystemExit(f"{source} holds no PostgreSQL dump (database.dump)")
        args, env = _pg_args()
        connection.close()
        command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                   "--single-transaction", "--exit-on-error", *args, str(dump)]
        subprocess.run(command, check=True, env=env)  # noqa: S603
    else:
        copy = source / "database.sqlite3"
        if not copy.exists():
            raise SystemExit(f"{source} holds no SQLite copy (database.sqlite3)")
        connection.ensure_connection()
        origin = sqlite3.connect(copy)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        connection.close()
    media = source / MEDIA
    if media.exists():
        root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(dir=root.parent if root.parent.exists() else None) as tmp:
            with tarfile.open(media) as archive:
                archive.extractall(tmp, filter="data")
            if root.exists():
                shutil.rmtree(root)
            shutil.move(str(Path(tmp) / "media"), root)
    found = row_counts()
    return {table: (rows, found.get(table, -1)) for table, rows in manifest["tables"].items()
            if found.get(table, -1) < rows}
