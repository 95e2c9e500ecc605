"""The one-use tokens of the links the shop mails: password reset and email verification.

Both are Django's `PasswordResetTokenGenerator`: an HMAC of the account's state and a
timestamp, stored nowhere. A password reset token dies when the password changes (so it
works once) or after `PASSWORD_RESET_TIMEOUT`; a verification token when the email is
verified or changed, or after `EMAIL_VERIFICATION_TIMEOUT`.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User

password_reset_token = default_token_generator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"

    def check_token(self, user, token):
        # Django's check holds every token to PASSWORD_RESET_TIMEOUT; a verification link lives longer.
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except (ValueError, AttributeError):
            return False
        if self._num_seconds(self._now()) - timestamp > settings.EMAIL_VERIFICATION_TIMEOUT:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


email_verification_token = EmailVerificationTokenGenerator()


def uid_encode(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def uid_decode(uid: str) -> int | None:
    """The account id in a link's `uid`, or None when it is not one."""
    try:
        value = int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    # Larger ids than a BIGINT holds would make some databases fail the lookup rather than find nothing.
    return value if 0 < value < 2**63 else None
