"""A Redis server of the test's own (`redis_server`), on a free port, which the test may stop."""

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        """Stop the server and wait until it no longer answers, as a crashed Redis would."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def redis_server_missing() -> str | None:
    if shutil.which("redis-server"):
        return None
    # CI installs it (.ci/run): there a missing server is a failure, not a skip.
    if os.environ.get("CI"):
        pytest.fail("redis-server is not installed")
    return "needs the redis-server program (apt-get install redis-server)"


@pytest.fixture
def redis_server():
    reason = redis_server_missing()
    if reason:
        pytest.skip(reason)
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(url=f"redis://127.0.0.1:{port}/0", process=process)
    client = redis.Redis.from_url(server.url, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                server.stop()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    client.close()
    yield server
    server.stop()
