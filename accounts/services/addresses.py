"""The customer's address book: saved shipping addresses, at most one of them the default."""

from django.db import transaction

from accounts.errors import AddressBookFull
from accounts.models import Address, User
from shop.errors import NotFound

# Enough for anyone's homes, offices and gift recipients; a bound on what one account can store.
ADDRESS_BOOK_MAX = 50

ADDRESS_FIELDS = ("full_name", "address", "city", "postal_code", "country", "phone")


def _owner_lock(user: User) -> None:
    # Every write to one address book queues on the owner's row, so two requests making
    # different addresses the default cannot both leave theirs set (MariaDB has no partial
    # unique index to refuse it).
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _address_get(*, user: User, address_id: int) -> Address:
    address = Address.objects.filter(pk=address_id, user=user).first()
    if address is None:
        raise NotFound("Address not found")
    return address


def _save(*, address: Address, is_default: bool | None) -> Address:
    address.full_clean(exclude=["user"])
    if is_default:
        Address.objects.filter(user_id=address.user_id, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if is_default is not None:
        address.is_default = is_default
    address.save()
    return address


@transaction.atomic
def address_create(*, user: User, is_default: bool = False, **fields) -> Address:
    """Save a new address (ADDRESS_FIELDS) in `user`'s book; `is_default` takes the default from any other.

    Raises AddressBookFull (409) past ADDRESS_BOOK_MAX addresses, ValidationError for a bad field.
    """
    _owner_lock(user)
    if Address.objects.filter(user=user).count() >= ADDRESS_BOOK_MAX:
        raise AddressBookFull()
    return _save(address=Address(user=user, **fields), is_default=is_default)


@transaction.atomic
def address_update(*, user: User, address_id: int, is_default: bool | None = None, **changes) -> Address:
    """Change fields of one of `user`'s addresses; orders placed with it keep their own copy.

    Raises NotFound (404) for an address that is not the user's, ValidationError for a bad field.
    """
    _owner_lock(user)
    address = _address_get(user=user, address_id=address_id)
    for field, value in changes.items():
        setattr(address, field, value)
    return _save(address=address, is_default=is_default)


@transaction.atomic
def address_delete(*, user: User, address_id: int) -> None:
    """Delete one of `user`'s addresses. Raises NotFound (404) for an address that is not the user's."""
    _owner_lock(user)
    _address_get(user=user, address_id=address_id).delete()
