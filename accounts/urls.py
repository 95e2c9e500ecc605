from accounts.views import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    ProfileView,
    RefreshView,
    RegisterView,
    UserViewSet,
)
from shop.routing import api_route

urlpatterns = [
    api_route("auth/register", RegisterView.as_view(), "auth-register"),
    api_route("auth/login", LoginView.as_view(), "auth-login"),
    api_route("auth/refresh", RefreshView.as_view(), "auth-refresh"),
    api_route("auth/logout", LogoutView.as_view(), "auth-logout"),
    api_route("auth/profile", ProfileView.as_view(), "auth-profile"),
    api_route("auth/password", PasswordChangeView.as_view(), "auth-password"),
]


def register(router):
    router.register("auth/users", UserViewSet, basename="user")
