"""Internals of the libraries out of the staff's way (autodiscovered after the apps that registered them)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

# Sign-out and token rotation keep these tables; nothing in them is for staff to read or edit.
admin.site.unregister(OutstandingToken)
admin.site.unregister(BlacklistedToken)


# Groups stay for a superuser who delegates permissions, out of the other staff's sight.
admin.site.unregister(Group)


@admin.register(Group)
class SuperuserOnlyGroupAdmin(GroupAdmin):
    def _superuser_only(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = has_view_permission = _superuser_only
    has_add_permission = has_change_permission = has_delete_permission = _superuser_only
