"""A real server for the schema fuzzer: gunicorn with DEBUG off on a fresh, migrated database with the demo
shop, and one logged-in session per role the fuzzer runs as.

`FUZZ_DATABASE_URL` points the server at another database (e.g. a MariaDB one); it is flushed first.
The server's log (500 tracebacks included) is `<pytest tmp dir>/fuzz/server.log`, printed at the end when a
test failed.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from assistant.tests.conftest import FakeChatServer
from fuzz.identities import ROLES, THROWAWAY
from shop.tests.fake_stripe import SECRET_KEY as STRIPE_SECRET_KEY
from shop.tests.fake_stripe import WEBHOOK_SECRET as STRIPE_WEBHOOK_SECRET
from shop.tests.fake_stripe import FakeStripe, fake_stripe_serving

ROOT = Path(__file__).resolve().parent.parent

CREATE_USERS = """
import json, os
from accounts.models import User
for spec in json.loads(os.environ["FUZZ_USERS"]):
    password = spec.pop("password")
    user = User(name=spec["email"].split("@")[0], **spec)
    user.set_password(password)
    user.save()
"""


# Where the running server logs, for the summary at the end of a failed run.
SERVER_LOGS: dict[str, Path] = {}


@dataclass(frozen=True)
class FuzzServer:
    url: str
    schema: dict
    tokens: dict[str, str]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(workdir: Path, openai_url: str, stripe_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fuzz.settings",
        "DEBUG": "false",
        "SECRET_KEY": f"fuzz-only-{secrets.token_hex(24)}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("FUZZ_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        # Throttle counters of this run only, as the process memory of a fresh server used to be.
        "CACHE_DIR": str(workdir / "cache"),
        # One token for the whole run, however long `make fuzz` takes.
        "JWT_ACCESS_MINUTES": "1440",
        "LOG_LEVEL": "ERROR",
        # Uploads go to local media; the assistant talks to a local fake of the chat-completions API, so
        # its whole path (catalog search on the fuzzed question, the model's answer) runs.
        "CLOUDINARY_URL": "",
        "OPENAI_API_KEY": "sk-fuzz",
        "OPENAI_BASE_URL": openai_url,
        "OPENAI_TIMEOUT_SECONDS": "10",
        # Card payments and Stripe's webhook run against a local fake of Stripe's API (an unsigned
        # fuzzed event is refused with 400, as from anyone but Stripe).
        "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "STRIPE_API_BASE": stripe_url,
        "REDIS_URL": "",
    }


def _manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The fuzz server exited:\n{log.read_text()}", pytrace=False)
        try:
            if requests.get(f"{url}/api/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.2)
    pytest.fail(f"The fuzz server did not answer within 60s:\n{log.read_text()}", pytrace=False)


def _login(url: str, email: str, password: str) -> str:
    response = requests.post(f"{url}/api/auth/login", json={"email": email, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["access"]


@pytest.fixture(scope="session")
def fuzz_server(tmp_path_factory) -> Iterator[FuzzServer]:
    with fake_stripe_serving() as stripe:
        yield from _fuzz_server(tmp_path_factory, stripe)


def _fuzz_server(tmp_path_factory, stripe: FakeStripe) -> Iterator[FuzzServer]:
    workdir = tmp_path_factory.mktemp("fuzz", numbered=False)
    openai = FakeChatServer()
    openai.start()
    env = _server_env(workdir, openai.base_url, stripe.api_base)
    passwords = {role: secrets.token_urlsafe(16) for role in ROLES}
    _manage("migrate", "--noinput", env=env)
    _manage("flush", "--noinput", env=env)
    _manage("seed_demo", env=env)
    users = [{**spec, "password": passwords[role]} for role, spec in ROLES.items()]
    users.append({**THROWAWAY, "password": secrets.token_urlsafe(16)})
    _manage("shell", "-c", CREATE_USERS, env={**env, "FUZZ_USERS": json.dumps(users)})

    url = f"http://127.0.0.1:{_free_port()}"
    log = SERVER_LOGS["path"] = workdir / "server.log"
    gunicorn = [sys.executable, "-m", "gunicorn", "shop.wsgi:application", f"--bind={url.removeprefix('http://')}"]
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [*gunicorn, "--workers=2", "--timeout=60", "--graceful-timeout=5"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, process, log)
        schema = requests.get(f"{url}/api/schema/?format=json", timeout=30).json()
        tokens = {role: _login(url, spec["email"], passwords[role]) for role, spec in ROLES.items()}
        yield FuzzServer(url=url, schema=schema, tokens=tokens, log=log)
    finally:
        process.terminate()
        process.wait(timeout=30)
        openai.stop()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    log = SERVER_LOGS.get("path")
    if exitstatus and log and log.exists():
        terminalreporter.write_sep("=", f"fuzz server log, last lines ({log})")
        terminalreporter.write_line(log.read_text()[-20_000:])
