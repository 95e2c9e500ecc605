"""A real SMTP server (aiosmtpd) for the mail tests, spoken to by Django's own SMTP backend.

The `smtp_server` fixture (a pytest plugin loaded by the root conftest) starts it on a
free port of 127.0.0.1, points the project's SMTP settings at it as `EMAIL_URL` would
(`smtp://127.0.0.1:<port>`), and yields the `SmtpServer`: tests read the messages it
accepted (`.messages`, parsed, in order) and make it refuse the next ones for now
(`.refuse_next(n)`: 451, which Django's backend raises as an SMTPDataError).
`mailed(call)` runs `call()` and then what it enqueued on commit, as the queue would.
"""

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import environ
import pytest
from aiosmtpd.controller import Controller


class SmtpServer:
    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self._to_refuse = 0
        self._lock = threading.Lock()

    def refuse_next(self, count: int = 1) -> None:
        with self._lock:
            self._to_refuse = count

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._to_refuse:
                self._to_refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in message["To"]]


def mail_parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a received message."""
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer()
    controller = Controller(server, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        # The settings an operator's EMAIL_URL gives, read the way shop/settings.py reads it.
        for name, value in environ.Env.email_url_config(f"smtp://127.0.0.1:{controller.port}").items():
            setattr(settings, name, value)
        settings.EMAIL_TIMEOUT = 5
        yield server
    finally:
        controller.stop()


@pytest.fixture
def eager_retries():
    """Celery's eager mode runs a task's retries at once, in the caller's thread; it does so only when it
    does not propagate the task's exceptions (with propagation, the first Retry would reach the test)."""
    from shop.celery import app

    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = saved


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """`mailed(call)`: run `call()` (a request, a service), then the tasks it enqueued on commit, in this thread
    (Celery's eager mode), as the queue would once the call's transaction commits; returns what `call` returned."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
