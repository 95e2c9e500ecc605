from importlib import import_module

from shop.error_codes import ERROR_CODE_ENUMS
from shop.errors import DomainError

# Every module that defines DomainError subclasses; assistant's sits beside the client it wraps.
ERROR_MODULES = ("shop.errors", "accounts.errors", "catalog.errors", "orders.errors", "payments.errors")
ERROR_MODULES += ("content.errors", "assistant.services")


def _domain_errors() -> list[type[DomainError]]:
    for module in ERROR_MODULES:
        import_module(module)
    found, pending = [], [DomainError]
    while pending:
        error = pending.pop()
        found.append(error)
        pending.extend(error.__subclasses__())
    return found


def test_every_domain_error_takes_its_code_from_the_registry():
    # A bare string equal to a registered value would pass an `in` check: the type is what counts.
    strays = {error.__qualname__: error.code for error in _domain_errors() if type(error.code) not in ERROR_CODE_ENUMS}

    assert strays == {}


def test_a_code_has_one_home_in_the_registry():
    values = [member.value for enum in ERROR_CODE_ENUMS for member in enum]

    assert len(values) == len(set(values))
