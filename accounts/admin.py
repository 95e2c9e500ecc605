from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html

from accounts.errors import StaffAccountProtected
from accounts.models import Address, User
from accounts.resources import CustomerResource
from accounts.services import user_delete
from orders.models import Order
from shop.admin_export import CsvExportMixin


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("full_name", "address", "city", "postal_code", "country", "phone", "is_default")


class OrderInline(admin.TabularInline):
    """The customer's orders, newest first, each a link to its own page (changed there, never here)."""

    model = Order
    extra = 0
    fields = ("status", "total", "currency", "amount_paid", "tracking_number", "created_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    ordering = ("-created_at", "-id")

    def has_add_permission(self, request, obj=None):
        return False


class UserChangeForm(auth_forms.UserChangeForm):
    # Django's form shows a summary of the password hash; this admin shows only a
    # link to the change-password form instead.
    password = None

    class Meta:
        model = User
        fields = (
            "email",
            "email_verified",
            "name",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")


@admin.register(User)
class UserAdmin(CsvExportMixin, DjangoUserAdmin):
    resource_classes = [CustomerResource]
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("email", "name", "email_verified", "is_staff", "is_active", "created_at")
    list_filter = ("is_staff", "is_active", "is_superuser", "email_verified")
    inlines = [AddressInline, OrderInline]
    search_fields = ("email", "name")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    readonly_fields = ("password_change", "last_login", "created_at")
    fieldsets = (
        (None, {"fields": ("email", "email_verified", "name", "password_change")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "created_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "usable_password", "password1", "password2")}),
    )

    def get_inlines(self, request, obj):
        # A new account has no addresses or orders yet.
        return self.inlines if obj is not None else []

    @admin.display(description="Password")
    def password_change(self, obj):
        if obj.pk is None:
            return "-"
        # Django's UserAdmin names this route as for its own User model, whatever the model.
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        return format_html('<a href="{}">Set a new password</a>', url)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            # A staff member with the change permission must not be able to promote anyone.
            readonly = (*readonly, "is_active", "is_staff", "is_superuser", "groups", "user_permissions")
        return readonly

    def _may_manage(self, request, obj) -> bool:
        # As in the API: only a superuser may change or delete another staff account
        # (setting its password would hand over its powers).
        return (
            obj is None
            or obj.pk == request.user.pk
            or request.user.is_superuser
            or not (obj.is_staff or obj.is_superuser)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def delete_model(self, request, obj):
        user_delete(actor=request.user, user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            try:
                user_delete(actor=request.user, user=user)
            except StaffAccountProtected as refused:
                self.message_user(request, f"{user}: {refused.message}", level=messages.ERROR)
