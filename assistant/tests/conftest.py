"""A small local server speaking the chat-completions API, for the real `openai` client to talk to."""

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def completion(content: str = "Hello from the model.", *, tool_calls: list | None = None) -> dict:
    message = {"role": "assistant", "content": content}
    if tool_calls:
        message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "test-model",
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop", "logprobs": None}
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def tool_call(query: str, call_id: str = "call_1", name: str = "search_products") -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps({"query": query})}}


JSON = "application/json"


class FakeChatServer:
    """Records every request; answers with the queued replies (status, body, delay, content type), then a
    default one. A body given as bytes is sent as it is (a broken server); anything else as JSON."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: deque[tuple[int, dict | list | bytes, float, str]] = deque()
        self.default_reply = (200, completion(), 0.0, JSON)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def reply(
        self,
        body: dict | list | bytes | None = None,
        *,
        status: int = 200,
        delay: float = 0.0,
        content_type: str = JSON,
    ) -> None:
        self.replies.append((status, body if body is not None else completion(), delay, content_type))

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length) or b"{}"),
                    }
                )
                status, body, delay, content_type = fake.replies.popleft() if fake.replies else fake.default_reply
                time.sleep(delay)
                payload = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, format, *args):
                pass

        return Handler


@pytest.fixture
def fake_openai(settings):
    server = FakeChatServer()
    server.start()
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = server.base_url
    settings.OPENAI_MODEL = "test-model"
    settings.OPENAI_TIMEOUT_SECONDS = 5.0
    settings.ASSISTANT_TOOLS = True
    yield server
    server.stop()
