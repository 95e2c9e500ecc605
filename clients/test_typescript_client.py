"""A typed storefront journey (clients/typescript/journey.ts) type-checks against the live schema's types.

openapi-typescript turns the live schema into `schema.d.ts`, and `tsc --noEmit` checks the journey against
it, which has no `@ts-expect-error`, `@ts-ignore` or cast. The npm packages are pinned in
clients/typescript/package-lock.json and installed with `npm ci` (.ci/run does). Outside CI the test skips,
saying why, without node or those packages; in CI (`CI` set) it fails instead.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

TYPESCRIPT = Path(__file__).resolve().parent / "typescript"
BIN = TYPESCRIPT / "node_modules" / ".bin"


def _unavailable_reason() -> str | None:
    if shutil.which("node") is None:
        return "the TypeScript check needs node (20 or later)"
    if not (BIN / "tsc").exists() or not (BIN / "openapi-typescript").exists():
        return f"the TypeScript check needs its packages: cd {TYPESCRIPT} && npm ci"
    return None


@pytest.fixture
def typescript_tools():
    reason = _unavailable_reason()
    if reason and os.environ.get("CI"):
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


def test_the_journey_has_no_type_escape_hatches():
    code = re.sub(r"//.*", "", (TYPESCRIPT / "journey.ts").read_text())

    assert not re.search(r"@ts-(expect-error|ignore|nocheck)|\bas (unknown|any)\b|\bany\b", code)


def test_typed_journey_type_checks_against_the_live_schema(typescript_tools, live_schema, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(live_schema))
    for name in ("journey.ts", "tsconfig.json"):
        shutil.copy(TYPESCRIPT / name, tmp_path / name)
    (tmp_path / "node_modules").symlink_to(TYPESCRIPT / "node_modules")

    generated = subprocess.run(
        [str(BIN / "openapi-typescript"), str(schema), "-o", str(tmp_path / "schema.d.ts")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    checked = subprocess.run(
        [str(BIN / "tsc"), "--noEmit", "-p", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
