from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from payments.models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are records of money received: staff read them here and record them through the API."""

    list_display = ["id", "order_link", "amount", "method", "reference", "created_by", "created_at"]
    list_filter = ["method", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["=order__id", "reference"]
    list_select_related = ["order", "created_by"]
    readonly_fields = ["order", "amount", "method", "reference", "created_by", "created_at"]
    ordering = ["-created_at", "-id"]

    @admin.display(description="order", ordering="order_id")
    def order_link(self, payment):
        url = reverse("admin:orders_order_change", args=[payment.order_id])
        return format_html('<a href="{}">#{}</a>', url, payment.order_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
