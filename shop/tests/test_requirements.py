"""Every dependency is pinned to one version, and the environment runs those versions."""

import re
from importlib import metadata

import pytest
from django.conf import settings

REQUIREMENT_FILES = sorted(settings.BASE_DIR.glob("requirements*.txt"))
PINNED = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[A-Za-z0-9,._-]+\])?==(?P<version>[A-Za-z0-9.+!-]+)$")
# Installed by `make test` everywhere; requirements-mysql.txt only with a MySQL DATABASE_URL.
ALWAYS_INSTALLED = {"requirements.txt", "requirements-dev.txt"}


def requirement_lines(path) -> list[str]:
    lines = (line.split(" #")[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pins(path) -> dict[str, str]:
    matches = (PINNED.match(line) for line in requirement_lines(path) if not line.startswith("-r "))
    return {match["name"]: match["version"] for match in matches if match}


def test_the_requirement_files_are_found():
    assert {path.name for path in REQUIREMENT_FILES} >= {"requirements.txt", "requirements-dev.txt"}


@pytest.mark.parametrize("path", REQUIREMENT_FILES, ids=lambda path: path.name)
def test_every_requirement_is_pinned_with_double_equals(path):
    for line in requirement_lines(path):
        if line.startswith("-r "):
            assert (path.parent / line.removeprefix("-r ").strip()).is_file(), line
        else:
            assert PINNED.match(line), f"{path.name}: '{line}' is not pinned with =="


@pytest.mark.parametrize("path", REQUIREMENT_FILES, ids=lambda path: path.name)
def test_installed_versions_are_the_pinned_ones(path):
    for name, version in pins(path).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            assert path.name not in ALWAYS_INSTALLED, f"{name} is not installed"
            continue
        assert installed == version, f"{name}: {installed} installed, {version} pinned in {path.name}"


def test_a_loose_requirement_would_be_caught():
    assert not PINNED.match("Django>=5.2")
    assert not PINNED.match("requests")
    assert not PINNED.match("gunicorn==")
    assert PINNED.match("psycopg[binary]==3.2.1")
