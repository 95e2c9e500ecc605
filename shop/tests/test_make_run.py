"""`make run` as a newcomer types it, against a MariaDB database that does not exist yet."""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

# The SQLite pass of CI has no MySQL driver installed.
MySQLdb = pytest.importorskip("MySQLdb")

pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(connection.vendor != "mysql", reason="needs MySQL/MariaDB: make run creates the database"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_connection():
    db = connection.settings_dict
    server = {"host": db["HOST"] or "127.0.0.1", "user": db["USER"], "port": int(db["PORT"] or 3306)}
    if db["PASSWORD"]:
        server["password"] = db["PASSWORD"]
    return MySQLdb.connect(**server)


def _database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "root", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"mysql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{name}"


def _charset_of(name: str) -> tuple | None:
    server = _server_connection()
    try:
        with server.cursor() as cursor:
            cursor.execute(
                "SELECT default_character_set_name, default_collation_name FROM information_schema.schemata"
                " WHERE schema_name = %s",
                [name],
            )
            return cursor.fetchone()
    finally:
        server.close()


def _drop(name: str) -> None:
    server = _server_connection()
    try:
        with server.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        server.close()


@pytest.fixture
def new_database_name():
    name = f"{connection.settings_dict['NAME']}_run_{secrets.token_hex(3)}"[:64]
    assert _charset_of(name) is None
    yield name
    _drop(name)


def test_make_run_creates_the_missing_database_migrates_and_serves_on_host(new_database_name, tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MAKE", "MFLAGS"))}
    env.update(
        DATABASE_URL=_database_url(new_database_name),
        HOST=f"127.0.0.1:{port}",
        ADMIN_EMAIL="newcomer@example.com",
        ADMIN_PASSWORD=secrets.token_urlsafe(16),
        DEBUG="1",
    )
    env.pop("DATABASE_REPLICA_URL", None)
    output = tmp_path / "make-run.log"
    with output.open("wb") as log:
        process = subprocess.Popen(  # the project's own Makefile
            ["make", "run"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, runserver and its reloader go down together
        )
    try:
        health = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    health = response.status
                    break
            except OSError:
                time.sleep(0.5)
        assert health == 200, output.read_text()[-4000:]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)

    log = output.read_text()
    assert f"Created the database {new_database_name} (utf8mb4)." in log
    assert "Demo data ready." in log
    assert f"http://127.0.0.1:{port}/" in log
    assert _charset_of(new_database_name) == ("utf8mb4", "utf8mb4_unicode_ci")
