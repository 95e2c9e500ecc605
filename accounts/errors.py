from shop.error_codes import AccountErrorCode, ShopErrorCode
from shop.errors import Conflict, DomainError


class EmailTaken(Conflict):
    code = AccountErrorCode.EMAIL_TAKEN
    default_message = "Email already exists"

    def __init__(self, message: str | None = None, **kwargs):
        kwargs.setdefault("field", "email")
        super().__init__(message, **kwargs)


class InvalidCredentials(DomainError):
    status_code = 401
    code = AccountErrorCode.INVALID_CREDENTIALS
    default_message = "Invalid credentials"


class AccountDisabled(DomainError):
    status_code = 403
    code = AccountErrorCode.ACCOUNT_DISABLED
    default_message = "This account is disabled"


class InvalidRefreshToken(DomainError):
    status_code = 401
    code = AccountErrorCode.TOKEN_NOT_VALID
    default_message = "Refresh token is invalid, expired or already used"


class RefreshTokenReused(InvalidRefreshToken):
    code = AccountErrorCode.TOKEN_REUSED
    default_message = "Refresh token already used: every session of this account has been signed out"


class WrongPassword(DomainError):
    status_code = 401
    code = AccountErrorCode.WRONG_PASSWORD
    default_message = "Current password is incorrect"

    def __init__(self, message: str | None = None, **kwargs):
        kwargs.setdefault("field", "current_password")
        super().__init__(message, **kwargs)


class StaffAccountProtected(DomainError):
    status_code = 403
    code = ShopErrorCode.PERMISSION_DENIED
    default_message = "Only a superuser may change or delete another staff account"


class SignInUnavailable(DomainError):
    """The failed-sign-in counter cannot be reached: passwords are not checked uncounted (fail closed)."""

    status_code = 503
    code = AccountErrorCode.SIGN_IN_UNAVAILABLE
    default_message = "Signing in is unavailable for a moment; try again shortly."


class LinkInvalid(DomainError):
    """A password-reset or email-verification link that is malformed, expired or already used."""

    code = AccountErrorCode.LINK_INVALID
    default_message = "This link is invalid, has expired or was already used; ask for a new one."

    def __init__(self, message: str | None = None, **kwargs):
        kwargs.setdefault("field", "token")
        super().__init__(message, **kwargs)


class EmailNotVerified(DomainError):
    status_code = 403
    code = AccountErrorCode.EMAIL_NOT_VERIFIED
    default_message = "Verify your email address first: follow the link we mailed you, or ask for a new one."


class AddressBookFull(Conflict):
    code = AccountErrorCode.ADDRESS_BOOK_FULL
    default_message = "Your address book is full: delete an address first."
