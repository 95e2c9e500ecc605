"""Password reset and email verification: the links the shop mails, and what following them does."""

from django.db import transaction

from accounts.errors import LinkInvalid
from accounts.models import User, normalize_email
from accounts.services import _password_check, user_tokens_revoke
from accounts.tasks import password_changed_mail, password_reset_mail
from accounts.tokens import email_verification_token, password_reset_token, uid_decode


def password_reset_request(*, email: str) -> None:
    """Mail a reset link (on commit) when `email` belongs to an active account with a password.

    Never raises and never says whether the account exists: the caller answers the same
    either way, and an unknown email costs the same one lookup.
    """
    user = User.objects.filter(email=normalize_email(email), is_active=True).only("id", "password").first()
    if user is not None and user.has_usable_password():
        password_reset_mail.delay_on_commit(user_id=user.pk)


def _user_locked(uid: str) -> User | None:
    # Locked: of two requests presenting one token at once, the second waits and then sees
    # the state the first left (a new password, a verified email), which the token no longer matches.
    user_id = uid_decode(uid)
    return User.objects.select_for_update().filter(pk=user_id).first() if user_id else None


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset link and sign out every session of the account.

    The link also proves the mailbox is the account's, so the email counts as verified.
    Mails the owner that the password changed (on commit). Raises LinkInvalid (400) for a
    bad, expired or used link or a disabled account, ValidationError for a weak password.
    """
    user = _user_locked(uid)
    if user is None or not user.is_active or not password_reset_token.check_token(user, token):
        raise LinkInvalid()
    _password_check(password=new_password, user=user, field="new_password")
    user.set_password(new_password)
    user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    # Refresh tokens here; access tokens die with the password hash they carry (CHECK_REVOKE_TOKEN).
    user_tokens_revoke(user_id=user.pk)
    password_changed_mail.delay_on_commit(user_id=user.pk)
    return user


@transaction.atomic
def email_verify(*, uid: str, token: str) -> User:
    """Mark the account's email as verified from the link mailed to it.

    Raises LinkInvalid (400) for a bad or expired link, one already used, or one mailed
    to an email the account has changed since.
    """
    user = _user_locked(uid)
    if user is None or not email_verification_token.check_token(user, token):
        raise LinkInvalid()
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    return user
