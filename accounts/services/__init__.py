"""Account writes: registration, sign-in, refresh-token rotation and revocation, profile and password changes.

Password reset and email verification links: `recovery`; the address book: `addresses`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.errors import (
    AccountDisabled,
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    StaffAccountProtected,
    WrongPassword,
)
from accounts.models import RefreshTokenRotation, User, normalize_email
from accounts.tasks import email_verification_mail, password_changed_mail
from accounts.throttling import login_failure_record, login_failures_clear
from catalog.services.reviews import product_ratings_refresh
from orders.services.orders import orders_detach_user


@dataclass(frozen=True)
class AuthSession:
    """A signed-in user and the token pair the client keeps."""

    user: User
    access: str
    refresh: str


def session_start(*, user: User) -> AuthSession:
    """Issue a new access/refresh pair for `user`. Side effect: records the refresh token as outstanding."""
    refresh = RefreshToken.for_user(user)
    return AuthSession(user=user, access=str(refresh.access_token), refresh=str(refresh))


def _password_check(*, password: str, user: User, field: str) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as weak:
        raise ValidationError({field: weak.messages}) from None


def _email_ensure_free(*, email: str, user: User | None = None) -> None:
    others = User.objects.filter(email=email)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise EmailTaken()


def _user_save(*, user: User, update_fields: list[str] | None = None) -> None:
    try:
        # A savepoint, so a lost race on the unique email leaves the outer transaction usable.
        with transaction.atomic():
            user.save(update_fields=update_fields)
    except IntegrityError:
        raise EmailTaken() from None


@transaction.atomic
def user_create(*, email: str, password: str, name: str = "", is_staff: bool = False) -> User:
    """Create an account.

    Raises `ValidationError` (bad email, weak password) and `EmailTaken` (emails
    compare case-insensitively). Mails a link to verify the email (on commit).
    """
    user = User(email=normalize_email(email), name=name, is_staff=is_staff)
    user.full_clean(exclude=["password"], validate_unique=False)
    _password_check(password=password, user=user, field="password")
    _email_ensure_free(email=user.email)
    user.set_password(password)
    _user_save(user=user)
    email_verification_send(user=user)
    return user


@transaction.atomic
def user_register(*, email: str, password: str, name: str = "") -> AuthSession:
    """Create a customer account and sign it in. Raises as `user_create`."""
    user = user_create(email=email, password=password, name=name)
    return session_start(user=user)


@transaction.atomic
def user_login(*, email: str, password: str, client_ip: str | None) -> AuthSession:
    """Check the credentials and start a session.

    Raises `InvalidCredentials` (unknown email or wrong password; the failure is
    counted for the login throttle) and `AccountDisabled` (right password, disabled
    account).
    """
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None:
        # Hash anyway, so an unknown email answers as slowly as a wrong password.
        User().set_password(password)
    if user is None or not user.check_password(password):
        login_failure_record(email=email, client_ip=client_ip)
        raise InvalidCredentials()
    if not user.is_active:
        raise AccountDisabled()
    login_failures_clear(email=email)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return session_start(user=user)


def _refresh_payload(raw_token: str | None) -> dict:
    if not raw_token:
        raise InvalidRefreshToken("No refresh token given")
    try:
        payload = token_backend.decode(raw_token, verify=True)
    except TokenBackendError:
        raise InvalidRefreshToken() from None
    required = (jwt_settings.JTI_CLAIM, jwt_settings.USER_ID_CLAIM, "exp")
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or any(claim not in payload for claim in required):
        raise InvalidRefreshToken()
    return payload


def _outstanding(jti: str):
    # jti is unique; no ordering, as the model's default one (by user) joins the user table.
    return OutstandingToken.objects.filter(jti=jti).order_by()


def user_tokens_revoke(*, user_id: int) -> int:
    """Blacklist every unexpired refresh token of the user; returns how many were still usable."""
    usable = OutstandingToken.objects.filter(
        user_id=user_id, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).values_list("id", flat=True)
    revoked = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=token_id) for token_id in usable], ignore_conflicts=True
    )
    return len(revoked)


def _rotate(*, user: User, outstanding: OutstandingToken) -> AuthSession:
    refresh = RefreshToken.for_user(user)
    session = AuthSession(user=user, access=str(refresh.access_token), refresh=str(refresh))
    BlacklistedToken.objects.create(token=outstanding)
    RefreshTokenRotation.objects.create(
        token=outstanding,
        successor=_outstanding(refresh[jwt_settings.JTI_CLAIM]).get(),
        successor_access=session.access,
    )
    return session


def _within_reuse_window(rotation: RefreshTokenRotation) -> bool:
    grace = timedelta(seconds=settings.JWT_REFRESH_REUSE_SECONDS)
    return rotation.successor_id is not None and timezone.now() < rotation.rotated_at + grace


def _rotation_replay(*, user: User, rotation: RefreshTokenRotation) -> AuthSession:
    successor = rotation.successor
    # A successor rotated in turn is still the pair that was handed out; one revoked
    # since (logout, password change) must stay dead.
    revoked = BlacklistedToken.objects.filter(token=successor).exists() and not (
        RefreshTokenRotation.objects.filter(token=successor).exists()
    )
    if revoked:
        raise InvalidRefreshToken()
    return AuthSession(user=user, access=rotation.successor_access, refresh=successor.token)


def token_refresh(*, raw_token: str | None) -> AuthSession:
    """Exchange a refresh token for a new pair; the old one can never be used again.

    A token rotated less than `JWT_REFRESH_REUSE_SECONDS` ago gets the pair its
    rotation issued (two tabs refreshing with one cookie). Raises
    `InvalidRefreshToken` (bad signature, expired, wrong type, unknown, revoked, or
    minted before a password change), `AccountDisabled`, and `RefreshTokenReused`
    when the token was rotated longer ago: a copy of it is in someone else's hands,
    so every refresh token of the account is revoked first.
    """
    payload = _refresh_payload(raw_token)
    with transaction.atomic():
        jti = payload[jwt_settings.JTI_CLAIM]
        owner_id = _outstanding(jti).values_list("user_id", flat=True).first()
        # Every refresh of one account queues on the account's row, then on the token's:
        # the used-or-not check and the blacklisting below are one step, and a theft
        # revocation never interleaves with another refresh of the same account.
        user = User.objects.select_for_update().filter(pk=owner_id).first() if owner_id else None
        outstanding = _outstanding(jti).select_for_update().first()
        if user is None or outstanding is None:
            raise InvalidRefreshToken()
        # Before the token checks: disabling an account revokes its tokens, and the
        # client must learn that the account is disabled, not that the session ended.
        if not user.is_active:
            raise AccountDisabled()
        rotation = RefreshTokenRotation.objects.filter(token=outstanding).select_related("successor").first()
        reused = rotation is not None and not _within_reuse_window(rotation)
        if reused:
            user_tokens_revoke(user_id=user.pk)
        elif rotation is not None:
            session = _rotation_replay(user=user, rotation=rotation)
        else:
            if BlacklistedToken.objects.filter(token=outstanding).exists():
                raise InvalidRefreshToken()
            if jwt_settings.CHECK_REVOKE_TOKEN and payload.get(
                jwt_settings.REVOKE_TOKEN_CLAIM
            ) != get_md5_hash_password(user.password):
                raise InvalidRefreshToken()
            session = _rotate(user=user, outstanding=outstanding)
    # Raised after the commit: the revocation must stick although the request fails.
    if reused:
        raise RefreshTokenReused()
    return session


def token_revoke(*, raw_token: str | None) -> None:
    """Blacklist one refresh token (logout). Never raises: an invalid or unknown token is already unusable."""
    try:
        payload = _refresh_payload(raw_token)
    except InvalidRefreshToken:
        return
    outstanding = _outstanding(payload[jwt_settings.JTI_CLAIM]).first()
    if outstanding is not None:
        BlacklistedToken.objects.bulk_create([BlacklistedToken(token=outstanding)], ignore_conflicts=True)


def email_verification_send(*, user: User) -> None:
    """Mail `user` a link to verify their current email (on commit), unless it is verified already."""
    if not user.email_verified:
        email_verification_mail.delay_on_commit(user_id=user.pk, email=user.email)


def _ensure_may_manage(*, actor: User, user: User) -> None:
    # Staff look after customers; only a superuser may take over another staff
    # account (its email or password would hand over its powers).
    if actor.pk != user.pk and not actor.is_superuser and (user.is_staff or user.is_superuser):
        raise StaffAccountProtected()


def _current_password_confirm(*, user: User, current_password: str | None, client_ip: str | None) -> None:
    """Raise unless `current_password` is the user's; a wrong one counts as a failed sign-in.

    A stolen access token lives minutes; without this check it would buy the account for good.
    """
    if current_password is None:
        raise ValidationError({"current_password": ["Required to change your own password or email."]})
    if not user.check_password(current_password):
        login_failure_record(email=user.email, client_ip=client_ip)
        raise WrongPassword()


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    email: str | None = None,
    name: str | None = None,
    password: str | None = None,
    is_staff: bool | None = None,
    is_active: bool | None = None,
    current_password: str | None = None,
    client_ip: str | None = None,
) -> User:
    """Change an account; `None` leaves a field as it is.

    The account's owner changing their own password or email must give
    `current_password` (staff changing someone else's account are not asked).
    `is_staff` and `is_active` are applied only when `actor` is a superuser and
    silently ignored otherwise. A new password or a disabled account revokes every
    refresh token of the account. A new password is mailed about; a new email becomes
    unverified and gets a verification link (both on commit). Raises `StaffAccountProtected`, `EmailTaken`,
    `ValidationError` (bad email, weak password, missing `current_password`) and
    `WrongPassword` (counted as a failed sign-in for the login throttle).
    """
    _ensure_may_manage(actor=actor, user=user)
    email = normalize_email(email) if email is not None else None
    if actor.pk == user.pk and (password is not None or email not in (None, user.email)):
        _current_password_confirm(user=user, current_password=current_password, client_ip=client_ip)
    if not actor.is_superuser:
        is_staff = is_active = None
    changes = {"email": email, "name": name}
    changes |= {"is_staff": is_staff, "is_active": is_active}
    changed = [field for field, value in changes.items() if value is not None and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, changes[field])
    user.full_clean(exclude=["password"], validate_unique=False)
    if "email" in changed:
        _email_ensure_free(email=user.email, user=user)
        user.email_verified = False
        changed.append("email_verified")
    if password is not None:
        _password_check(password=password, user=user, field="password")
        user.set_password(password)
        changed.append("password")
    if changed:
        _user_save(user=user, update_fields=changed)
    if password is not None or is_active is False:
        user_tokens_revoke(user_id=user.pk)
    if password is not None:
        password_changed_mail.delay_on_commit(user_id=user.pk)
    if "email" in changed:
        email_verification_send(user=user)
    return user


@transaction.atomic
def user_password_change(
    *, user: User, current_password: str, new_password: str, client_ip: str | None = None
) -> AuthSession:
    """Replace the user's password, sign out every session and start a new one for the caller.

    Raises `WrongPassword` (counted as a failed sign-in for the login throttle) and
    `ValidationError` (weak new password). Mails the owner about it (on commit).
    """
    _current_password_confirm(user=user, current_password=current_password, client_ip=client_ip)
    _password_check(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_tokens_revoke(user_id=user.pk)
    password_changed_mail.delay_on_commit(user_id=user.pk)
    return session_start(user=user)


@transaction.atomic
def user_delete(*, actor: User, user: User) -> None:
    """Delete an account with its cart, reviews and refresh tokens.

    Its orders and payments stay for the books, detached and anonymised.
    Raises `StaffAccountProtected`.
    """
    _ensure_may_manage(actor=actor, user=user)
    orders_detach_user(user_id=user.pk)
    # Deleted rather than blacklisted: the tokens carry the account id, and a token of
    # a deleted account must be unknown, not merely revoked.
    OutstandingToken.objects.filter(user=user).delete()
    reviewed_product_ids = list(user.reviews.values_list("product_id", flat=True))
    user.delete()
    # The reviews went by cascade; the products' rating columns must forget them too.
    product_ratings_refresh(product_ids=reviewed_product_ids)
