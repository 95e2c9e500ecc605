"""Two gunicorn servers behind an imaginary load balancer, sharing one MariaDB and one Redis.

Each request goes to one server or the other, as a load balancer would send it, and
the shop must behave as if there were one: login failures are counted together,
a refresh token revoked or rotated on one server is dead on the other, and buyers
racing through both never get more units than there are.

Runs only against MySQL/MariaDB (the servers share the test database, which needs real
concurrent connections) with a Redis answering at `REDIS_URL` (default
redis://127.0.0.1:6379); the servers get a Redis database of their own, emptied
before and after. The servers also name the test database as their read replica, so
every flow runs through the replica router (shop/db_routers.py).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import SHIPPING
from orders.models import Order, OrderItem

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379"
LOGIN_LIMIT = 3
PASSWORD = "Correct-Horse-42"


def _redis_missing() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"needs a Redis at {REDIS_URL} ({error})"
    return None


def _skip_reason() -> str | None:
    if connection.vendor != "mysql":
        return "needs MySQL/MariaDB: the servers share the test database over real connections"
    return _redis_missing()


_reason = _skip_reason()
pytestmark = [
    pytest.mark.mysql_only,
    pytest.mark.skipif(_reason is not None, reason=_reason or ""),
]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    # The test database pytest-django created and migrated: the servers see what the test writes.
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "root", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"mysql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


def _empty_redis_database():
    """A Redis client on a numbered database nobody else uses now, so flushing it harms no one."""
    import redis

    try:
        count = int(redis.Redis.from_url(REDIS_URL).config_get("databases").get("databases", 16))
    except redis.ResponseError:  # CONFIG disabled, as on managed Redis: the default count
        count = 16
    for number in range(count - 1, 0, -1):
        client = redis.Redis.from_url(REDIS_URL, db=number)
        if client.dbsize() == 0:
            return client, number
        client.close()
    pytest.skip(f"no empty Redis database at {REDIS_URL}")


def _server_env(*, redis_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("THROTTLE_", "SECURE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        DEBUG="0",
        SECRET_KEY="several-servers-test-only-secret-key-0123456789-abcdefghijklmnop",
        # Every server signs and checks tokens with one key; the test mints buyers' tokens with it too.
        JWT_SIGNING_KEY=settings.SIMPLE_JWT["SIGNING_KEY"],
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=_database_url(),
        # A replica that never lags: every flow below also runs through the read-replica router.
        DATABASE_REPLICA_URL=_database_url(),
        DB_CONN_MAX_AGE="60",
        REDIS_URL=redis_url,
        # No grace for a replayed refresh token: a server's clock can't be moved past the window.
        JWT_REFRESH_REUSE_SECONDS="0",
        # One proxy in front: the client's address is the last X-Forwarded-For entry, its scheme X-Forwarded-Proto.
        NUM_PROXIES="1",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        THROTTLE_LOGIN=f"{LOGIN_LIMIT}/min",
        ADMIN_LOGIN_FAILURE_LIMIT=str(LOGIN_LIMIT),
        LOG_LEVEL="WARNING",
    )
    return env


def _start(name: str, env: dict[str, str], log_dir: Path) -> Server:
    port = _free_port()
    log = log_dir / f"gunicorn-{name}.log"
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "8", "--log-level", "warning", "--error-logfile", str(log)]
    process = subprocess.Popen(  # our own interpreter and arguments
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the workers go down with the arbiter
    )
    return Server(name=name, url=f"http://127.0.0.1:{port}", process=process, log=log)


def _stop(server: Server) -> None:
    if server.process.poll() is not None:
        return
    os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def _wait_until_healthy(server: Server, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    log = server.log.read_text()[-3000:] if server.log.exists() else ""
    pytest.fail(f"gunicorn {server.name} did not answer /health on {server.url}:\n{log}")


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker, tmp_path_factory):
    """Servers A and B, started once for the module and always stopped."""
    redis_client, number = _empty_redis_database()
    redis_client.flushdb()
    redis_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(REDIS_URL)._replace(path=f"/{number}"))
    env = _server_env(redis_url=redis_url)
    log_dir = tmp_path_factory.mktemp("gunicorn")
    # The production static storage serves the admin's pages only from collected, hashed files,
    # as the image build leaves them.
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    started: list[Server] = []
    try:
        started += [_start("A", env, log_dir), _start("B", env, log_dir)]
        deadline = time.monotonic() + 40
        for server in started:
            _wait_until_healthy(server, deadline)
        yield started
    finally:
        for server in started:
            _stop(server)
        redis_client.flushdb()
        redis_client.close()


def call(server: Server, method: str, path: str, body=None, *, token=None, client_ip="198.51.100.1"):
    """One request through the imaginary load balancer: HTTPS ended there, the client's address forwarded."""
    headers = {"Content-Type": "application/json", "X-Forwarded-Proto": "https", "X-Forwarded-For": client_ip}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.url + path, data=None if body is None else json.dumps(body).encode(), method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _user_the_servers_can_check(**fields):
    # The servers run the production hashers; a cheap PBKDF2 hash keeps failed checks fast.
    user = UserFactory(**fields)
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save(update_fields=["password"])
    return user


@pytest.mark.django_db(transaction=True)
def test_login_failures_alternating_between_servers_are_counted_together(servers):
    user = _user_the_servers_can_check()
    wrong = {"email": user.email, "password": "wrong-password"}

    statuses = [
        call(servers[n % 2], "POST", "/api/auth/login", wrong, client_ip="198.51.100.10")[0]
        for n in range(LOGIN_LIMIT + 1)
    ]

    assert statuses == [401] * LOGIN_LIMIT + [429]
    # Refused on both servers now, even with the right password.
    for server in servers:
        status, body = call(
            server, "POST", "/api/auth/login", {"email": user.email, "password": PASSWORD}, client_ip="198.51.100.10"
        )
        assert (status, body["code"]) == (429, "throttled")


@pytest.mark.django_db(transaction=True)
def test_login_failures_for_one_email_from_many_addresses_through_both_servers_are_counted_together(servers):
    # A botnet: each guess from another address, so only the per-email counter can stop it.
    user = _user_the_servers_can_check()
    wrong = {"email": user.email, "password": "wrong-password"}

    statuses = [
        call(servers[n % 2], "POST", "/api/auth/login", wrong, client_ip=f"203.0.113.{n + 1}")[0]
        for n in range(LOGIN_LIMIT + 1)
    ]

    assert statuses == [401] * LOGIN_LIMIT + [429]


@pytest.mark.django_db(transaction=True)
def test_refresh_token_logged_out_on_one_server_is_refused_by_the_other(servers):
    server_a, server_b = servers
    user = _user_the_servers_can_check()
    credentials = {"email": user.email, "password": PASSWORD}
    status, session = call(server_a, "POST", "/api/auth/login", credentials, client_ip="198.51.100.20")
    assert status == 200

    assert call(server_a, "POST", "/api/auth/logout", {"refresh": session["refresh"]})[0] == 200
    status, body = call(server_b, "POST", "/api/auth/refresh", {"refresh": session["refresh"]})

    assert status == 401
    assert body["code"] != "throttled"


@pytest.mark.django_db(transaction=True)
def test_refresh_token_rotated_on_one_server_and_replayed_on_the_other_is_refused_and_revokes_the_account(servers):
    server_a, server_b = servers
    user = _user_the_servers_can_check()
    credentials = {"email": user.email, "password": PASSWORD}
    status, session = call(server_b, "POST", "/api/auth/login", credentials, client_ip="198.51.100.30")
    assert status == 200

    status, rotated = call(server_a, "POST", "/api/auth/refresh", {"refresh": session["refresh"]})
    assert status == 200
    replayed, _ = call(server_b, "POST", "/api/auth/refresh", {"refresh": session["refresh"]})
    # The replay was taken as theft: the pair handed out on A is dead too, on either server.
    after_theft, _ = call(server_a, "POST", "/api/auth/refresh", {"refresh": rotated["refresh"]})

    assert (replayed, after_theft) == (401, 401)


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_spread_over_both_servers_never_oversell(servers):
    product = ProductFactory(quantity=10)
    tokens = [str(RefreshToken.for_user(UserFactory()).access_token) for _ in range(20)]
    for n, token in enumerate(tokens):
        status, _ = call(
            servers[n % 2], "POST", "/api/cart/items", {"product_id": product.pk, "quantity": 1}, token=token
        )
        assert status == 201

    barrier = threading.Barrier(len(tokens))
    results: list = [None] * len(tokens)

    def checkout(n: int, token: str) -> None:
        try:
            barrier.wait(timeout=30)
            results[n] = call(servers[n % 2], "POST", "/api/cart/checkout", {"shipping": SHIPPING}, token=token)
        except Exception as error:  # reported by the assertions below; a thread must not die silently
            results[n] = (repr(error), {})

    threads = [threading.Thread(target=checkout, args=(n, token)) for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(status for status, _ in results) == {201: 10, 409: 10}
    assert {body["code"] for status, body in results if status == 409} == {"out_of_stock"}
    product.refresh_from_db()
    assert product.quantity == 0
    for server in servers:
        status, shown = call(server, "GET", f"/api/products/{product.pk}")
        assert (status, shown["quantity"], shown["in_stock"]) == (200, 0, False)
    assert Order.objects.count() == 10
    assert sum(OrderItem.objects.filter(product=product).values_list("quantity", flat=True)) == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_login_guesses_for_one_email_through_both_servers_get_no_more_than_the_limit(servers):
    user = _user_the_servers_can_check()
    wrong = {"email": user.email, "password": "wrong-password"}
    guesses = 16
    barrier = threading.Barrier(guesses)
    results: list = [None] * guesses

    def guess(n: int) -> None:
        barrier.wait(timeout=30)
        results[n] = call(servers[n % 2], "POST", "/api/auth/login", wrong, client_ip=f"203.0.113.{100 + n}")[0]

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(results) == {401: LOGIN_LIMIT, 429: guesses - LOGIN_LIMIT}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def admin_sign_in(server: Server, email: str, password: str, *, client_ip: str) -> int:
    """The admin's sign-in form, fetched and posted as a browser does (CSRF cookie and token, Referer)."""
    login_url = f"{server.url}/admin/login/"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client_ip}
    with urllib.request.urlopen(urllib.request.Request(login_url, headers=headers), timeout=30) as form:
        page = form.read().decode()
        cookie = next(value for value in form.headers.get_all("Set-Cookie") if value.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password})
    headers |= {
        "Cookie": cookie.split(";")[0],
        # HTTPS as the proxy says: Django's CSRF check wants a same-origin Referer then.
        "Referer": login_url.replace("http://", "https://"),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    request = urllib.request.Request(login_url, data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_admin_sign_in_failures_alternating_between_servers_are_counted_together(servers):
    user = _user_the_servers_can_check(is_staff=True)

    statuses = [
        admin_sign_in(servers[n % 2], user.email, "wrong-password", client_ip="198.51.100.40")
        for n in range(LOGIN_LIMIT)
    ]

    # The failure that reaches the limit is refused already; then the right password is, on either server.
    assert statuses == [200] * (LOGIN_LIMIT - 1) + [429]
    for server in servers:
        assert admin_sign_in(server, user.email, PASSWORD, client_ip="198.51.100.40") == 429
    # The API's sign-in keeps its own count.
    status, _ = call(servers[0], "POST", "/api/auth/login", {"email": user.email, "password": PASSWORD})
    assert status == 200
