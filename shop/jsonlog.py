"""One JSON object per log line, with the request id of the request being served.

Secrets never reach a log line on purpose (no bodies, headers or cookies are logged),
and the formatter also masks anything shaped like a bearer or JSON Web Token that an
exception message might carry.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by `RequestLogMiddleware` for the duration of a request.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes `RequestLogMiddleware` passes as `extra`; other records carry only the basics.
REQUEST_FIELDS = ("method", "path", "query", "status", "duration_ms", "user_id", "request_id")

_JWT = re.compile(r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*")
_BEARER = re.compile(r"(?i)\b(bearer|jwt)\s+[\w.~+/=-]+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """Mask bearer credentials and JSON Web Tokens wherever they appear in `text`."""
    return _JWT.sub(REDACTED, _BEARER.sub(rf"\1 {REDACTED}", text))


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served, as the record is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return redact(json.dumps(entry, default=str, ensure_ascii=False))
