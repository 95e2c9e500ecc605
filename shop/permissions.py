"""Who may call what: every view declares its permission classes from here (or its app's
permissions.py for rules about one domain's input), on the class or per action in
`get_permissions()`; no view body checks a role.

DRF's AllowAny and IsAuthenticated are re-exported so that a view imports all of them from
one place. drf-spectacular documents optional authentication from `AllowAny` itself, so public
actions keep using it rather than a look-alike.
"""

from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated

__all__ = ["AllowAny", "IsAuthenticated", "IsStaff", "IsStaffOrReadOnly", "IsSuperuser", "caller_is_staff"]


def caller_is_staff(request) -> bool:
    """What IsStaff requires; views also pass it to selectors that show staff the rows customers do not see."""
    return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class IsStaff(BasePermission):
    """Staff accounts only (401 when anonymous, 403 for customers)."""

    def has_permission(self, request, view):
        return caller_is_staff(request)


class IsStaffOrReadOnly(BasePermission):
    """Anyone reads; writing takes a staff account (401 when anonymous, 403 for customers)."""

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or caller_is_staff(request)


class IsSuperuser(BasePermission):
    """Superusers only: they alone manage staff accounts."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)
