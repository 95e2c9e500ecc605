from accounts.views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    ProfileView,
    RefreshView,
    RegisterView,
    UserViewSet,
)
from accounts.views.customers import (
    AddressViewSet,
    EmailVerifyResendView,
    EmailVerifyView,
    PasswordResetConfirmView,
    PasswordResetView,
    ProfileExportView,
)
from shop.routing import api_route

urlpatterns = [
    api_route("auth/register", RegisterView.as_view(), "auth-register"),
    api_route("auth/login", LoginView.as_view(), "auth-login"),
    api_route("auth/refresh", RefreshView.as_view(), "auth-refresh"),
    api_route("auth/logout", LogoutView.as_view(), "auth-logout"),
    api_route("auth/profile", ProfileView.as_view(), "auth-profile"),
    api_route("auth/password", PasswordChangeView.as_view(), "auth-password"),
    api_route("auth/password/reset", PasswordResetView.as_view(), "auth-password-reset"),
    api_route("auth/password/reset/confirm", PasswordResetConfirmView.as_view(), "auth-password-reset-confirm"),
    api_route("auth/email/verify", EmailVerifyView.as_view(), "auth-email-verify"),
    api_route("auth/email/verify/resend", EmailVerifyResendView.as_view(), "auth-email-verify-resend"),
    api_route("auth/profile/export", ProfileExportView.as_view(), "auth-profile-export"),
]


def register(router):
    router.register("auth/users", UserViewSet, basename="user")
    router.register("auth/addresses", AddressViewSet, basename="address")
