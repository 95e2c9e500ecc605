"""The admin site staff meet: the shop's name on every page; admin sign-ins counted per account."""

from django.conf import settings
from django.contrib import admin

from accounts.models import normalize_email


class ShopAdminSite(admin.AdminSite):
    # Read per request, so SHOP_NAME needs no special handling in tests or at start-up.
    @property
    def site_header(self):
        return f"{settings.SHOP_NAME} administration"

    @property
    def site_title(self):
        return settings.SHOP_NAME


def login_email(request, credentials) -> str | None:
    """The email typed on the admin's sign-in form, as accounts store it, so `Ada@X` and `ada@x` count as one."""
    typed = (credentials or {}).get("username") or request.POST.get("username")
    return normalize_email(typed) if isinstance(typed, str) else None
