"""Settings of the server the schema fuzzer starts: the production settings, with three changes that only
make a run fast and quiet. Everything else comes from the environment as in production (DEBUG off, see
fuzz/conftest.py).
"""

from shop.settings import *  # noqa: F403
from shop.settings import LOGGING, REST_FRAMEWORK

# The fuzzer registers and logs in users by the hundred; PBKDF2 would spend most of the run hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Every scope, including ones added later: a throttled answer is documented but tests nothing behind it.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {scope: "1000000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]},
}

# Thousands of deliberate 4xx answers would bury the tracebacks of the 5xx ones in the server log.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}, "django.security": {"level": "ERROR"}}}
