from celery import shared_task
from django.conf import settings
from django.core.management import call_command

from accounts.models import User
from accounts.tokens import email_verification_token, password_reset_token, uid_encode
from shop.mail import MAIL_TASK_OPTIONS, mail_send, storefront_link


@shared_task
def flush_expired_tokens() -> None:
    """Daily: drop refresh-token records past their expiry (simplejwt's `flushexpiredtokens`)."""
    call_command("flushexpiredtokens", verbosity=0)


def _link(path: str, *, user: User, token: str) -> str:
    return storefront_link(f"{path}?uid={uid_encode(user)}&token={token}")


@shared_task(**MAIL_TASK_OPTIONS)
def password_reset_mail(user_id: int) -> None:
    """Mail a password-reset link to an active account (the token is made here, so it never sits in the queue)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    mail_send(
        template="password_reset",
        to=[user.email],
        subject="reset your password",
        context={
            "user": user,
            "link": _link("reset-password", user=user, token=password_reset_token.make_token(user)),
            "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )


@shared_task(**MAIL_TASK_OPTIONS)
def password_changed_mail(user_id: int) -> None:
    """Tell the account's owner that its password changed, with a way back in if it was not them."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    mail_send(
        template="password_changed",
        to=[user.email],
        subject="your password was changed",
        context={"user": user, "link": storefront_link("forgot-password")},
    )


@shared_task(**MAIL_TASK_OPTIONS)
def email_verification_mail(user_id: int, email: str) -> None:
    """Mail a verification link to `email`, unless the account has verified it or moved to another email since."""
    user = User.objects.filter(pk=user_id, email=email, email_verified=False).first()
    if user is None:
        return
    mail_send(
        template="email_verification",
        to=[user.email],
        subject="confirm your email address",
        context={
            "user": user,
            "link": _link("verify-email", user=user, token=email_verification_token.make_token(user)),
            "valid_days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400,
        },
    )
