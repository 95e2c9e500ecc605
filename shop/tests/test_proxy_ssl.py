"""Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER, read from the environment as an operator sets it."""

import subprocess
import sys

import pytest
import yaml
from django.conf import settings

from shop.tests.test_deploy import production_env

# Requests through Django's test client inside a production process: what the proxy forwards, what comes back.
_ANSWERS = """
import django
django.setup()
from django.conf import settings
from django.test import Client
print(repr(settings.SECURE_PROXY_SSL_HEADER))
client = Client()
for headers in ({}, {"X-Forwarded-Proto": "https"}, {"X-Forwarded-Proto": "http"}):
    response = client.get("/api/no-such-route", headers=headers)
    print(response.status_code, response.get("Location", "-"))
"""


def production_answers(**env: str) -> list[str]:
    environment = production_env(ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="shop.settings")
    # Only what the test sets: none of the developer's own SECURE_* variables.
    environment = {key: value for key, value in environment.items() if not key.startswith("SECURE_")} | env
    result = subprocess.run(
        [sys.executable, "-c", _ANSWERS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_request_the_proxy_marks_https_is_served_and_a_plain_one_redirected():
    header, plain, https, http = production_answers(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")

    assert header == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert plain == "301 https://testserver/api/no-such-route"
    assert https == "404 -"
    assert http == "301 https://testserver/api/no-such-route"


def test_without_the_setting_no_forwarded_header_is_believed():
    header, plain, https, _ = production_answers()

    assert header == "None"
    assert plain == https == "301 https://testserver/api/no-such-route"


def test_an_empty_setting_as_in_a_copied_env_example_believes_no_header_and_still_redirects():
    header, plain, https, _ = production_answers(SECURE_PROXY_SSL_HEADER="", SECURE_SSL_REDIRECT="")

    assert header == "None"
    assert plain == https == "301 https://testserver/api/no-such-route"


@pytest.mark.parametrize("value", ["X-Forwarded-Proto,https", "HTTP_X_FORWARDED_PROTO", "HTTP_A,b,c"])
def test_a_malformed_setting_stops_start_up_with_the_expected_form(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=production_env(SECURE_PROXY_SSL_HEADER=value),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert 'SECURE_PROXY_SSL_HEADER is "HTTP_<HEADER>,<value>"' in result.stderr


def test_compose_trusts_the_header_nginx_sets():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    nginx = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()

    assert compose["services"]["app"]["environment"]["SECURE_PROXY_SSL_HEADER"].endswith(
        ":-HTTP_X_FORWARDED_PROTO,https}"
    )
    assert "proxy_set_header X-Forwarded-Proto $client_scheme;" in nginx
