from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

from shop.error_codes import ERROR_CODE_ENUMS
from shop.errors import DomainError


def _domain_errors() -> list[type[DomainError]]:
    # The URL conf imports every view and, through them, the services that define errors
    # beside the client they wrap (the assistant's timeout); then every app's errors.py.
    import_module(settings.ROOT_URLCONF)
    for app in apps.get_app_configs():
        if module_has_submodule(app.module, "errors"):
            import_module(f"{app.name}.errors")
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


def test_the_walk_reaches_every_app_including_errors_defined_beside_a_client():
    names = {error.__qualname__ for error in _domain_errors()}

    assert {"OutOfStock", "EmailTaken", "CartEmpty", "OrderCancelled", "BlogNotFound", "AssistantTimeout"} <= names


def test_a_code_has_one_home_in_the_registry():
    values = [member.value for enum in ERROR_CODE_ENUMS for member in enum]

    assert len(values) == len(set(values))
