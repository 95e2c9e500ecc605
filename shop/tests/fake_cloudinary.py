"""A local stand-in for Cloudinary's upload API, spoken to by the real `cloudinary` client.

The `fake_cloudinary` fixture (a pytest plugin loaded by the root conftest) starts
the server on 127.0.0.1, points `CLOUDINARY_URL` at it through its `upload_prefix`
parameter, and yields the `FakeCloudinary`: tests read what it received
(`.requests`), what it holds (`.resources`), and make it fail (`.fail_with`).

It checks the request signature with the account's secret as Cloudinary does, so
a client that forgot to sign (or signed the wrong fields) fails here too.
"""

import json
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

import pytest
from cloudinary.utils import api_sign_request
from PIL import Image

API_KEY = "123456789012345"
API_SECRET = "fake-secret"
CLOUD_NAME = "demo-cloud"
_ROUTE = re.compile(r"^/v1_1/(?P<cloud>[^/]+)/(?P<resource_type>image|raw|video|auto)/(?P<action>upload|destroy)$")
_UNSIGNED_FIELDS = {"file", "api_key", "signature"}


@dataclass
class ReceivedRequest:
    action: str
    resource_type: str
    cloud_name: str
    fields: dict[str, str]
    file_name: str | None = None
    file_bytes: bytes | None = None


@dataclass
class Failure:
    status: int
    body: bytes


@dataclass
class FakeCloudinary:
    port: int = 0
    requests: list[ReceivedRequest] = field(default_factory=list)
    resources: dict[tuple[str, str], bytes] = field(default_factory=dict)
    failure: Failure | None = None
    # Seconds to wait before answering anything, to play a slow service.
    delay: float = 0.0
    # Keys that replace those of every upload answer, to play a compromised or hostile service.
    answer_overrides: dict = field(default_factory=dict)

    @property
    def upload_prefix(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"cloudinary://{API_KEY}:{API_SECRET}@{CLOUD_NAME}?upload_prefix={self.upload_prefix}"

    def fail_with(self, status: int = 500, *, message: str = "Internal error", raw: bytes | None = None):
        """Answer every later request with `status` and Cloudinary's error body (or `raw` bytes)."""
        body = raw if raw is not None else json.dumps({"error": {"message": message}}).encode()
        self.failure = Failure(status=status, body=body)

    def uploads(self) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.action == "upload"]


def _multipart_fields(content_type: str, body: bytes) -> tuple[dict[str, str], str | None, bytes | None]:
    message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields, file_name, file_bytes = {}, None, None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if name == "file":
            file_name, file_bytes = part.get_filename(), payload
        else:
            fields[name] = payload.decode()
    return fields, file_name, file_bytes


def _upload_answer(fake: FakeCloudinary, request: ReceivedRequest) -> dict:
    public_id = request.fields.get("public_id") or uuid.uuid4().hex
    folder = request.fields.get("folder")
    if folder:
        public_id = f"{folder}/{public_id}"
    version = int(time.time())
    base = f"res.cloudinary.com/{request.cloud_name}/{request.resource_type}/upload/v{version}/{public_id}"
    answer = {
        "asset_id": uuid.uuid4().hex,
        "public_id": public_id,
        "version": version,
        "resource_type": request.resource_type,
        "type": "upload",
        "bytes": len(request.file_bytes or b""),
        "folder": folder or "",
        "original_filename": (request.file_name or "file").rsplit(".", 1)[0],
        "api_key": API_KEY,
    }
    if request.resource_type == "image":
        with Image.open(BytesIO(request.file_bytes)) as image:
            extension = {"JPEG": "jpg"}.get(image.format, image.format.lower())
            answer.update(width=image.width, height=image.height, format=extension)
        base = f"{base}.{extension}"
    fake.resources[(request.resource_type, public_id)] = request.file_bytes
    return answer | {"url": f"http://{base}", "secure_url": f"https://{base}"} | fake.answer_overrides


def _handler_for(fake: FakeCloudinary):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            route = _ROUTE.match(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not route:
                return self._answer(404, {"error": {"message": f"No route {self.path}"}})
            fields, file_name, file_bytes = _multipart_fields(self.headers["Content-Type"], body)
            request = ReceivedRequest(
                action=route["action"],
                resource_type=route["resource_type"],
                cloud_name=route["cloud"],
                fields=fields,
                file_name=file_name,
                file_bytes=file_bytes,
            )
            fake.requests.append(request)
            time.sleep(fake.delay)
            if fake.failure:
                return self._answer(fake.failure.status, raw=fake.failure.body)
            signed = {key: value for key, value in fields.items() if key not in _UNSIGNED_FIELDS}
            if fields.get("api_key") != API_KEY or fields.get("signature") != api_sign_request(signed, API_SECRET):
                return self._answer(401, {"error": {"message": "Invalid Signature"}})
            if request.action == "destroy":
                found = fake.resources.pop((request.resource_type, fields.get("public_id")), None)
                return self._answer(200, {"result": "ok" if found is not None else "not found"})
            return self._answer(200, _upload_answer(fake, request))

        def _answer(self, status: int, payload: dict | None = None, raw: bytes | None = None):
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out on purpose has hung up; that is the test working.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def fake_cloudinary(settings):
    """Cloudinary switched on and pointed at a fake server on 127.0.0.1 for this test."""
    fake = FakeCloudinary()
    server = _QuietServer(("127.0.0.1", 0), _handler_for(fake))
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.CLOUDINARY_URL = fake.url
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
