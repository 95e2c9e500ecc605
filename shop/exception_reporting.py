"""What Django's error pages and error mails may show of the settings, the environment and the stack.

Django hides values whose names contain KEY, SECRET, PASS or TOKEN, but a connection
URL carries its password inside a harmless-looking name (`REDIS_URL`,
`DATABASE_REPLICA_URL`, `CLOUDINARY_URL`, a cache's `LOCATION`, a broker URL). This
filter also hides every such value, in the settings, in `request.META` (which holds
the process environment under runserver) and in the stack's local variables, and it
does so with DEBUG on too, since a forgotten DEBUG is exactly when the page is shown.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host, scheme://:password@host, scheme://token@host.
_URL_WITH_CREDENTIALS = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s@]+@", re.IGNORECASE)
# Names of values that are connection strings even without a user part (a token in the query string).
_CONNECTION_NAMES = re.compile(r"(_URL|_DSN|^LOCATION|BROKER)", re.IGNORECASE)
_QUERY_STRING = re.compile(r"[a-z][a-z0-9+.-]*://\S*\?\S", re.IGNORECASE)


class ConnectionUrlMaskingFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: any value holding a URL with credentials, and any query-bearing `*_URL`."""

    def is_active(self, request):
        return True

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str) and self._is_connection_secret(key, cleansed):
            return self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        masked = self.cleansed_substitute
        return [
            (name, masked if isinstance(value, str) and _URL_WITH_CREDENTIALS.search(str(value)) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    @staticmethod
    def _is_connection_secret(key, value: str) -> bool:
        # str(): some apps' settings are lazy objects that pass for str but that `re` refuses (axes).
        value = str(value)
        if _URL_WITH_CREDENTIALS.search(value):
            return True
        return isinstance(key, str) and bool(_CONNECTION_NAMES.search(key)) and bool(_QUERY_STRING.search(value))
