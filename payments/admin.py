from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from payments.models import Payment, Refund, StripeEvent


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


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds are issued from the order page (the refund service); read here."""

    list_display = ["id", "order_link", "amount", "status", "reason", "created_by", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["=order__id", "stripe_refund_id"]
    list_select_related = ["order", "created_by"]
    ordering = ["-created_at", "-id"]
    order_link = PaymentAdmin.order_link

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    """Stripe's verified events; those that need attention (an unknown order, an amount that does not add up)
    are listed with the "needs attention" filter."""

    list_display = ["event_id", "type", "order", "needs_attention", "note", "received_at"]
    list_filter = ["needs_attention", "type"]
    search_fields = ["=event_id", "=order__id"]
    ordering = ["-received_at", "-id"]
    readonly_fields = ["event_id", "type", "order", "payload", "note", "received_at"]
    # Staff clear `needs_attention` once they have dealt with it; nothing else changes.
    fields = [*readonly_fields, "needs_attention"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
