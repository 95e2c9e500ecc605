"""Production start-up, checked the way an operator meets it: fresh processes with a production environment."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Variables a developer's shell may carry that would change what production defaults to.
_INHERITED_OVERRIDES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "REFRESH_COOKIE_SECURE",
    "DJANGO_SETTINGS_MODULE",
}


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _INHERITED_OVERRIDES}
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="shop.example.com")
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_check_deploy_reports_nothing_with_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("secret_key", [None, ""], ids=["absent", "empty"])
def test_start_up_without_secret_key_fails_with_a_clear_message(secret_key):
    env = production_env()
    del env["SECRET_KEY"]
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    if secret_key is None and re.search(r"^SECRET_KEY=\S", _dotenv(), re.MULTILINE):
        pytest.skip("a local .env supplies SECRET_KEY")

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY in the environment" in result.stderr
    assert "DEBUG off" in result.stderr


def test_start_up_without_allowed_hosts_fails_with_a_clear_message():
    result = manage("check", env=production_env(ALLOWED_HOSTS=""))

    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS in the environment" in result.stderr


def test_collectstatic_as_the_image_build_runs_it(tmp_path):
    # The manifest storage fails the build on a stylesheet pointing at a missing file.
    script = (
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "from django.test.utils import override_settings;"
        "override_settings(STATIC_ROOT=sys.argv[1]).enable();"
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    env = production_env(SECRET_KEY="collectstatic-only-not-a-secret", ALLOWED_HOSTS="localhost")
    env["DJANGO_SETTINGS_MODULE"] = "shop.settings"

    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").is_file()
    assert list((tmp_path / "admin" / "css").glob("base.*.css"))


# --- the Docker files, read as an operator would ---------------------------------


def _dotenv() -> str:
    path = ROOT / ".env"
    return path.read_text() if path.exists() else ""


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _settings_variables() -> set[str]:
    source = (ROOT / "shop" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_dockerfile_builds_from_slim_python_and_runs_gunicorn_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", dockerfile, re.MULTILINE)
    assert "libmariadb-dev" in dockerfile and "pkg-config" in dockerfile and "gcc" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert 'CMD ["gunicorn", "shop.wsgi", "--bind", "0.0.0.0:8000"' in dockerfile
    for copied in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, re.MULTILINE):
        for path in copied.split():
            assert path == "." or (ROOT / path).exists(), path
    assert (ROOT / "deploy" / "entrypoint.sh").is_file()


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".git", ".env", ".venv", "db.sqlite3*", "media", "staticfiles"} <= ignored


def test_compose_wires_the_app_to_mysql_utf8mb4_and_redis():
    services = _compose()["services"]
    app = services["app"]["environment"]

    assert services["db"]["image"].startswith("mysql:8")
    assert "--character-set-server=utf8mb4" in services["db"]["command"]
    assert app["DATABASE_URL"].startswith("mysql://shop:") and app["DATABASE_URL"].endswith("@db:3306/shop")
    assert app["REDIS_URL"] == "redis://redis:6379/0"
    assert app["DEBUG"] == "0"
    assert app["MIGRATE_ON_START"] == "1"
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "media:/app/media" in services["app"]["volumes"]
    assert "media:/srv/media:ro" in services["web"]["volumes"]
    assert (ROOT / "deploy" / "nginx.conf").is_file()


def test_compose_runs_a_worker_and_one_beat_from_the_app_image_without_migrating():
    services = _compose()["services"]
    app = services["app"]

    assert app["environment"]["CELERY_BROKER_URL"] != app["environment"]["REDIS_URL"]
    for name, command in (("worker", "worker"), ("beat", "beat")):
        service = services[name]
        assert service["image"] == app["image"]
        assert service["command"][:4] == ["celery", "-A", "shop", command]
        assert service["environment"] == app["environment"] | {"MIGRATE_ON_START": "0"}
    assert "job-files:/app/job-files" in app["volumes"]
    assert "job-files:/app/job-files" in services["worker"]["volumes"]
    assert "replicas" not in services["beat"].get("deploy", {})


def test_compose_sets_only_variables_the_app_reads():
    app = _compose()["services"]["app"]["environment"]
    read_elsewhere = {"MIGRATE_ON_START", "FORWARDED_ALLOW_IPS", "WEB_CONCURRENCY", "PROMETHEUS_MULTIPROC_DIR"}

    assert set(app) - read_elsewhere <= _settings_variables()


def _example_env(**overrides: str) -> dict[str, str]:
    example = {}
    for line in (settings.BASE_DIR / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    return {key: value for key, value in os.environ.items() if key not in example} | example | overrides


def test_settings_load_with_the_example_environment_and_debug_on():
    # A newcomer's first step is `cp .env.example .env` and DEBUG=1: its empty values must mean the defaults.
    result = manage("check", env=_example_env(DEBUG="1"))

    assert result.returncode == 0, result.stderr


def test_the_example_environment_as_it_is_is_production_and_refuses_to_start_without_a_secret_key():
    # DEBUG is off unless set: a deployment that copies the example without filling it in fails closed.
    result = manage("check", env=_example_env())

    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr
