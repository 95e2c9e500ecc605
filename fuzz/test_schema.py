"""Every operation of the live OpenAPI schema, fuzzed as an admin and as a customer.

Schemathesis (its CLI, `st run`) reads `/api/schema/` from the server of fuzz/conftest.py, generates valid and
invalid requests for every operation and sends them. An answer fails the run when it is a 5xx, or when its
status code, content type or body is not one the schema documents for that operation.

`FUZZ_MAX_EXAMPLES` bounds the generated requests per operation and phase (CI: 10; `make fuzz`: 100) and
`FUZZ_SEED` replays a run. The CLI's own report (failures with a curl command each) is printed as it runs.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.identities import ROLES

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parent.parent

MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "10")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_answer_is_one_the_schema_documents(fuzz_server, role, tmp_path):
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file=fuzz/schemathesis.toml",
        "run",
        f"{fuzz_server.url}/api/schema/?format=json",
        f"--url={fuzz_server.url}",
        f"--header=Authorization: Bearer {fuzz_server.tokens[role]}",
        f"--max-examples={MAX_EXAMPLES}",
        "--report=junit",
        f"--report-dir={tmp_path}",
    ]
    if os.environ.get("FUZZ_SEED"):
        command.append(f"--seed={os.environ['FUZZ_SEED']}")
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}, check=False)
    assert result.returncode == 0, f"Schemathesis found failures as {role}: see its report above"
