"""The hashed lock files (`make lock`) that `make` and the Dockerfile install from."""

import re
from importlib import metadata

import pytest
from django.conf import settings
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from shop.tests.test_requirements import pins

ROOT = settings.BASE_DIR
LOCKS = {
    "requirements.txt": "requirements.lock",
    "requirements-dev.txt": "requirements-dev.lock",
    "requirements-mysql.txt": "requirements-mysql.lock",
}
_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+?)(?: ;[^\\]*)? \\$", re.MULTILINE)


def locked(lock_name: str) -> dict[str, str]:
    """{canonical name: version} of a lock file; every entry must carry at least one hash."""
    text = (ROOT / lock_name).read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.strip()):
        match = _ENTRY.match(block)
        assert match, f"{lock_name}: not a pinned, hashed entry:\n{block[:200]}"
        assert "--hash=sha256:" in block, f"{lock_name}: {match['name']} has no hash"
        entries[canonicalize_name(match["name"])] = match["version"]
    return entries


def with_included(requirement_file: str) -> dict[str, str]:
    path = ROOT / requirement_file
    found = {canonicalize_name(name): version for name, version in pins(path).items()}
    for line in path.read_text().splitlines():
        if line.startswith("-r "):
            found |= with_included(line.removeprefix("-r ").strip())
    return found


@pytest.mark.parametrize(("requirements", "lock"), LOCKS.items())
def test_the_lock_pins_every_requirement_at_its_version(requirements, lock):
    stale = {
        name: (version, locked(lock).get(name))
        for name, version in with_included(requirements).items()
        if locked(lock).get(name) != version
    }

    assert stale == {}, f"{lock} is stale (requirement: (pinned, locked)); run `make lock`"


def test_the_development_lock_holds_the_running_versions():
    running, development = locked("requirements.lock"), locked("requirements-dev.lock")

    assert {name: development.get(name) for name in running} == running


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_dependency_of_a_locked_package_is_locked_too(lock):
    # Read from the installed packages' own metadata: the lock is closed under their dependencies.
    entries = locked(lock)
    environment = default_environment()
    missing = set()
    for name in entries:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(environment | {"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in entries:
                missing.add(f"{requirement.name} (for {name})")

    assert missing == set()


def test_the_dockerfile_and_the_makefile_install_from_the_locks():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert "pip install --require-hashes -r /tmp/requirements.lock -r /tmp/requirements-mysql.lock" in dockerfile
    assert "--require-hashes" in makefile
    assert "-r requirements.lock" in makefile and "-r requirements-dev.lock" in makefile
