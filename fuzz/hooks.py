"""Schemathesis hooks, loaded by the CLI with `SCHEMATHESIS_HOOKS=fuzz.hooks`."""

from urllib.parse import quote, urlencode

import schemathesis

from fuzz.identities import ROLES, THROWAWAY_ID

SIGNED_IN_IDS = {str(spec["id"]) for spec in ROLES.values()}


@schemathesis.hook
def before_call(context, case, kwargs):
    """Aim account writes that name a signed-in account at the throwaway account instead.

    Schemathesis reuses ids it read in earlier answers (the profile, the user list), so it does name the
    accounts the run is signed in as. Deleting one, or setting its password (which revokes its tokens),
    would answer 401 to every later request of the run and test nothing more.
    """
    if (
        case.path == "/api/auth/users/{id}"
        and case.method.upper() in {"PUT", "PATCH", "DELETE"}
        and str((case.path_parameters or {}).get("id")) in SIGNED_IN_IDS
    ):
        case.path_parameters = {**case.path_parameters, "id": THROWAWAY_ID}


# gunicorn answers a request line over 4094 bytes with its own HTML 414 before Django runs: a limit of the
# HTTP server, documented once in the README rather than on every operation (shop/schema.py). Generated
# requests stay under it.
MAX_REQUEST_LINE_PART = 1500


@schemathesis.hook
def filter_query(context, query):
    return query is None or len(urlencode(query, doseq=True)) < MAX_REQUEST_LINE_PART


@schemathesis.hook
def filter_path_parameters(context, path_parameters):
    values = (path_parameters or {}).values()
    return sum(len(quote(str(value))) for value in values) < MAX_REQUEST_LINE_PART
