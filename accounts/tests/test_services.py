from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import services
from accounts.errors import (
    AccountDisabled,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    StaffAccountProtected,
    WrongPassword,
)
from accounts.models import RefreshTokenRotation, User
from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory, SuperuserFactory, UserFactory
from catalog.services.reviews import review_create
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

STRONG = "Quiet-Lantern-81"


def test_user_create_lowercases_and_hashes():
    user = services.user_create(email=" Mixed@Example.COM ", password=STRONG, name="Mixed")

    assert user.email == "mixed@example.com"
    assert user.password != STRONG
    assert user.check_password(STRONG)


def test_user_create_lost_race_on_email_is_email_taken(customer):
    # The pre-check passed in a concurrent request; the unique index still refuses.
    with mock.patch.object(services, "_email_ensure_free"), pytest.raises(EmailTaken):
        services.user_create(email=customer.email, password=STRONG)

    assert User.objects.count() == 1


def test_user_create_weak_password_names_the_field():
    with pytest.raises(ValidationError) as refused:
        services.user_create(email="weak@example.com", password="weak")

    assert "password" in refused.value.message_dict


def test_user_login_unknown_email_is_invalid_credentials():
    with pytest.raises(InvalidCredentials):
        services.user_login(email="ghost@example.com", password=STRONG, client_ip="10.0.0.1")


def test_user_login_disabled_account():
    user = UserFactory(is_active=False)

    with pytest.raises(AccountDisabled):
        services.user_login(email=user.email, password=DEFAULT_PASSWORD, client_ip=None)


def test_token_refresh_rotates_and_records_rotation(customer):
    token = RefreshToken.for_user(customer)

    session = services.token_refresh(raw_token=str(token))

    outstanding = OutstandingToken.objects.get(jti=token["jti"])
    assert BlacklistedToken.objects.filter(token=outstanding).exists()
    assert RefreshTokenRotation.objects.filter(token=outstanding).exists()
    assert session.user == customer
    assert OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).count() == 1


def test_token_refresh_reuse_within_the_window_replays_the_issued_pair(customer):
    token = str(RefreshToken.for_user(customer))
    first = services.token_refresh(raw_token=token)

    again = services.token_refresh(raw_token=token)

    assert (again.access, again.refresh) == (first.access, first.refresh)
    assert OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).count() == 1


def test_token_refresh_reuse_after_the_window_keeps_the_revocation(customer, settings, time_machine):
    settings.JWT_REFRESH_REUSE_SECONDS = 10
    time_machine.move_to(timezone.now())
    token = str(RefreshToken.for_user(customer))
    services.token_refresh(raw_token=token)
    RefreshToken.for_user(customer)  # another device
    time_machine.shift(timedelta(seconds=10))

    with pytest.raises(RefreshTokenReused):
        services.token_refresh(raw_token=token)

    assert not OutstandingToken.objects.filter(user=customer, blacklistedtoken__isnull=True).exists()


def test_token_refresh_unknown_token_is_invalid(customer):
    token = RefreshToken.for_user(customer)
    OutstandingToken.objects.all().delete()

    with pytest.raises(InvalidRefreshToken):
        services.token_refresh(raw_token=str(token))


def test_token_refresh_refuses_token_minted_before_a_password_change_elsewhere(customer):
    # e.g. the admin's password form, which knows nothing of the tokens
    token = str(RefreshToken.for_user(customer))
    customer.set_password(STRONG)
    customer.save()

    with pytest.raises(InvalidRefreshToken):
        services.token_refresh(raw_token=token)


def test_token_revoke_blacklists_and_tolerates_anything(customer):
    token = RefreshToken.for_user(customer)

    for raw in (str(token), str(token), "garbage", None):
        services.token_revoke(raw_token=raw)

    assert BlacklistedToken.objects.filter(token__jti=token["jti"]).count() == 1


def test_user_tokens_revoke_skips_expired_and_revoked(customer):
    live = RefreshToken.for_user(customer)
    revoked = RefreshToken.for_user(customer)
    revoked.blacklist()
    expired = RefreshToken.for_user(customer)
    OutstandingToken.objects.filter(jti=expired["jti"]).update(expires_at=timezone.now() - timedelta(days=1))
    RefreshToken.for_user(UserFactory())

    assert services.user_tokens_revoke(user_id=customer.pk) == 1
    assert BlacklistedToken.objects.filter(token__jti=live["jti"]).exists()
    assert not BlacklistedToken.objects.filter(token__jti=expired["jti"]).exists()
    assert BlacklistedToken.objects.count() == 2


def test_user_update_writes_only_changed_fields(customer):
    with mock.patch.object(User, "save", autospec=True) as save:
        services.user_update(actor=customer, user=customer, name="New name", email=customer.email)

    assert save.call_args.kwargs["update_fields"] == ["name"]


def test_user_update_by_staff_ignores_privilege_flags(customer):
    services.user_update(actor=StaffFactory(), user=customer, is_staff=True, is_active=False)

    customer.refresh_from_db()
    assert (customer.is_staff, customer.is_active) == (False, True)


def test_user_update_of_superuser_by_staff_is_refused():
    with pytest.raises(StaffAccountProtected):
        services.user_update(actor=StaffFactory(), user=SuperuserFactory(), name="Taken over")


def test_user_password_change_wrong_current_password(customer):
    with pytest.raises(WrongPassword):
        services.user_password_change(user=customer, current_password="nope", new_password=STRONG)


def test_user_delete_removes_tokens(customer):
    RefreshToken.for_user(customer)

    services.user_delete(actor=customer, user=customer)

    assert not OutstandingToken.objects.exists()
    assert not User.objects.filter(pk=customer.pk).exists()


def test_user_delete_takes_the_users_reviews_out_of_product_ratings(customer, staff):
    # given
    product = ProductFactory()
    review_create(user=customer, product=product, rating=5)
    review_create(user=UserFactory(), product=product, rating=1)

    # when
    services.user_delete(actor=staff, user=customer)

    # then
    product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (1, Decimal("1.00"))
