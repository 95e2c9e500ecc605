"""A local stand-in for Stripe's REST API, spoken to by the real `stripe` client, and Stripe's webhook signing.

The `fake_stripe` fixture starts the server on 127.0.0.1, points `STRIPE_API_BASE` at it with a
test key and webhook secret, and yields the `FakeStripe`. It serves what the shop calls:
PaymentIntents create and retrieve, Refunds create; it checks the secret key, and honours
`Idempotency-Key` as Stripe does (the same key and parameters replay the first answer, other
parameters → 400 `idempotency_error`). Tests move an intent on (`.succeed()`), read what it
received (`.requests`), make it fail (`.fail_with()`), slow (`.delay`) or act without answering
(`.drop_answers`), and sign events exactly as Stripe does (`.signed_event()`:
`t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`).
"""

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl

import pytest

from shop.tests.fake_cloudinary import _QuietServer

SECRET_KEY = "sk_test_fake"
WEBHOOK_SECRET = "whsec_fake"


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`metadata[order_id]=7`) back into nested dicts."""
    params: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        target = params
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return params


def _stripe_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class ReceivedRequest:
    method: str
    path: str
    params: dict
    idempotency_key: str | None


@dataclass
class FakeStripe:
    port: int = 0
    requests: list[ReceivedRequest] = field(default_factory=list)
    intents: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    # Idempotency-Key -> (parameters, status, answer), as Stripe keeps them.
    replies: dict[str, tuple[dict, int, dict]] = field(default_factory=dict)
    failure_status: int | None = None
    delay: float = 0.0
    # The status a new refund gets: card refunds often settle at once, some stay pending.
    refund_status: str = "succeeded"
    # How many of the next requests it carries out and then closes the connection on unanswered, as
    # when a timeout or a crash loses Stripe's answer.
    drop_answers: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail_with(self, status: int | None = 500) -> None:
        """Answer every later request with `status` and Stripe's error body (None: work again)."""
        self.failure_status = status

    def posts(self, path: str) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.method == "POST" and request.path == path]

    def succeed(self, intent_id: str, *, amount_received: int | None = None) -> dict:
        """Play the customer paying: the intent succeeds; returns the payment_intent.succeeded event."""
        intent = self.intents[intent_id]
        intent.update(
            status="succeeded", amount_received=intent["amount"] if amount_received is None else amount_received
        )
        return self.event("payment_intent.succeeded", intent)

    def event(self, type: str, obj: dict, *, event_id: str | None = None) -> dict:
        return {
            "id": event_id or _stripe_id("evt"),
            "object": "event",
            "type": type,
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": dict(obj)},
        }

    @staticmethod
    def signed_event(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and `Stripe-Signature` header Stripe would send for `event`."""
        payload = json.dumps(event).encode()
        timestamp = int(time.time()) if timestamp is None else timestamp
        signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
        return payload, f"t={timestamp},v1={signature}"

    def answer(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/payment_intents":
            intent_id = _stripe_id("pi")
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "amount_received": 0,
                "currency": params["currency"],
                "status": "requires_payment_method",
                "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
                "metadata": params.get("metadata", {}),
                "livemode": False,
            }
            self.intents[intent_id] = intent
            return 200, intent
        match = re.fullmatch(r"/v1/payment_intents/(?P<id>[^/]+)", path)
        if method == "GET" and match:
            intent = self.intents.get(match["id"])
            if intent is None:
                return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            return 200, intent
        if method == "POST" and path == "/v1/refunds":
            intent = self.intents.get(params.get("payment_intent", ""))
            if intent is None or intent["status"] != "succeeded":
                return 400, {"error": {"type": "invalid_request_error", "message": "No such charge to refund."}}
            refund = {
                "id": _stripe_id("re"),
                "object": "refund",
                "amount": int(params["amount"]),
                "currency": intent["currency"],
                "payment_intent": intent["id"],
                "status": self.refund_status,
                "metadata": params.get("metadata", {}),
            }
            self.refunds[refund["id"]] = refund
            return 200, refund
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {path}"}}


def _handler_for(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._serve("GET")

        def do_POST(self):
            self._serve("POST")

        def _serve(self, method: str):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            path, _, query = self.path.partition("?")
            params = _nested(parse_qsl(body or query))
            key = self.headers.get("Idempotency-Key")
            fake.requests.append(ReceivedRequest(method, path, params, key))
            time.sleep(fake.delay)
            if fake.failure_status:
                return self._answer(fake.failure_status, {"error": {"type": "api_error", "message": "Fake outage"}})
            if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                return self._answer(401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}})
            with fake.lock:
                if method == "POST" and key and key in fake.replies:
                    first_params, status, answer = fake.replies[key]
                    if first_params != params:
                        return self._answer(400, {"error": {"type": "idempotency_error"}})
                    return self._answer(status, answer, replayed=True)
                status, answer = fake.answer(method, path, params)
                if method == "POST" and key:
                    fake.replies[key] = (params, status, answer)
                dropped = fake.drop_answers > 0
                fake.drop_answers -= dropped
            if dropped:
                self.close_connection = True
                return None
            return self._answer(status, answer)

        def _answer(self, status: int, payload: dict, replayed: bool = False):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", _stripe_id("req"))
            if replayed:
                self.send_header("Idempotent-Replayed", "true")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler


@contextmanager
def fake_stripe_serving():
    """A FakeStripe answering on a free port of 127.0.0.1 while the block runs."""
    fake = FakeStripe()
    server = _QuietServer(("127.0.0.1", 0), _handler_for(fake))
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def fake_stripe(settings):
    """Stripe switched on and pointed at a fake server on 127.0.0.1 for this test."""
    with fake_stripe_serving() as fake:
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = fake.api_base
        settings.STRIPE_MAX_NETWORK_RETRIES = 0
        settings.STRIPE_TIMEOUT_SECONDS = 2
        yield fake
