"""Request middleware: the access log and the request body size limit."""

import logging
import re
import time
import uuid
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from shop.error_codes import ShopErrorCode
from shop.exceptions import error_body
from shop.jsonlog import REDACTED, request_id_var

logger = logging.getLogger("shop.request")

# A request id from the proxy is kept (to follow a request across services) only when it
# is short and plain, so a client cannot forge log lines through it.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Query parameters whose values never reach a log line.
_SENSITIVE_KEY = re.compile(r"pass|secret|token|key|auth|code|sig|session|csrf|refresh|access|otp", re.IGNORECASE)
_QUERY_MAX = 512


def logged_query(query_string: str) -> str:
    """The query string with the values of sensitive-looking keys masked, cut to a bounded length."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string[: _QUERY_MAX * 4], keep_blank_values=True)
    masked = [(key, REDACTED if _SENSITIVE_KEY.search(key) else value) for key, value in pairs]
    return urlencode(masked, safe="[]")[:_QUERY_MAX]


class RequestLogMiddleware:
    """One line per request on the `shop.request` logger, and an `X-Request-ID` on every response.

    The line holds method, path, masked query, status, duration in ms, user id (null
    when anonymous) and request id; never bodies, headers or cookies. 5xx lines are
    errors, 4xx warnings, the rest info, so `LOG_LEVEL=WARNING` keeps only the problems.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        context = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, duration_ms)
            return response
        finally:
            request_id_var.reset(context)

    def _log(self, request, status: int, duration_ms: float) -> None:
        # DRF writes the user it authenticated (JWT) back onto the Django request.
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "query": logged_query(request.META.get("QUERY_STRING", "")),
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
                "request_id": request.request_id,
            },
        )


def _readable_size(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size} bytes"


class BodySizeLimitMiddleware:
    """Refuses a request whose declared body is over `MAX_BODY_MB` with 413, before anything reads it.

    Django enforces `DATA_UPLOAD_MAX_MEMORY_SIZE` only for form fields; DRF's JSON parser
    reads the stream itself and uploaded files are never counted. Without a
    Content-Length the server passes no body at all, so the header is the whole story.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = f"Request body is larger than {_readable_size(limit)}."
            if request.path.startswith("/api/"):
                return JsonResponse(error_body(message, ShopErrorCode.REQUEST_TOO_LARGE), status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
