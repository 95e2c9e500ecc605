from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

# Registers the quote and product request admins, which live with the rest of their stack.
import orders.inquiries.admin  # noqa: F401
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
)
from orders.resources import OrderResource
from orders.services.events import order_note_add
from orders.services.orders import ORDER_TRANSITIONS, order_status_change
from payments.models import Payment
from shop.admin_export import CsvExportMixin
from shop.errors import DomainError


class OrderItemInline(admin.TabularInline):
    """The items are a snapshot of the sale: shown, never edited here (stock would not follow)."""

    model = OrderItem
    extra = 0
    can_delete = False
    fields = [
        "product",
        "product_name",
        "sku",
        "size",
        "color",
        "quantity",
        "unit_price",
        "discount_percentage",
        "unit_cost",
        "line_total",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    """Money received for the order: recorded through the API (which keeps amount_paid right), read here."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["created_at", "amount", "method", "reference", "created_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    """The order's timeline, oldest first; its empty row adds a note through the note service."""

    model = OrderEvent
    extra = 1
    can_delete = False
    fields = ["created_at", "type", "message", "actor", "customer_visible"]
    readonly_fields = ["created_at", "type", "actor"]
    verbose_name = "timeline event"
    verbose_name_plural = "Timeline (the empty row adds a note)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_change_permission(self, request, obj=None):
        return False


def _status_action(status: str):
    def action(modeladmin, request, queryset):
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                order_status_change(order=order, status=status, actor=request.user)
            except DomainError as error:
                modeladmin.message_user(request, f"Order #{order.pk}: {error.message}", messages.ERROR)
            else:
                moved += 1
        if moved:
            modeladmin.message_user(request, f"{moved} order(s) marked {status}.", messages.SUCCESS)

    action.__name__ = f"mark_{status}"
    action.short_description = f"Mark selected orders {status}"
    return action


@admin.register(Order)
class OrderAdmin(CsvExportMixin, admin.ModelAdmin):
    resource_classes = [OrderResource]
    # Adds the status form ("Move to ...") above the fields.
    change_form_template = "admin/orders/order/change_form.html"
    list_display = [
        "id",
        "user",
        "status",
        "total",
        "amount_paid",
        "currency",
        "shipping_country",
        "tracking_number",
        "created_at",
    ]
    # No country filter: it listed every country in the world. The search takes a country code.
    list_filter = ["status", "created_at"]
    list_select_related = ["user"]
    search_fields = ["=id", "user__email", "tracking_number", "shipping_full_name", "=shipping_country"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, PaymentInline, OrderEventInline]
    raw_id_fields = ["user"]
    # Money, status and items change only through the services (state machine, stock);
    # staff edit here what carries no rule: tracking number and shipping address.
    readonly_fields = ["user", "status", "currency", "subtotal", "total", "amount_paid", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["user", "status", "tracking_number", "created_at", "updated_at"]}),
        ("Money", {"fields": ["currency", "subtotal", "total", "amount_paid"]}),
        (
            "Shipping",
            {
                "fields": [
                    "shipping_full_name",
                    "shipping_address",
                    "shipping_city",
                    "shipping_postal_code",
                    "shipping_country",
                    "shipping_phone",
                ]
            },
        ),
    ]
    actions = [_status_action(status) for status in OrderStatus.values if status != OrderStatus.PENDING]

    def get_urls(self):
        status_view = self.admin_site.admin_view(require_POST(self.status_change_view))
        return [path("<path:object_id>/status/", status_view, name="orders_order_status"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        moves = ORDER_TRANSITIONS.get(order.status, ()) if order else ()
        context = {"status_moves": [(status, OrderStatus(status).label) for status in moves]}
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **context})

    def status_change_view(self, request, object_id):
        """The change page's status form: the same service and transition table as the list's actions."""
        order = self.get_object(request, unquote(object_id))
        if order is None:
            raise Http404
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        status = request.POST.get("status", "")
        try:
            moved = order_status_change(order=order, status=status)
        except DomainError as refused:
            self.message_user(request, refused.message, messages.ERROR)
        else:
            self.message_user(request, f"Order #{moved.pk} is now {moved.get_status_display()}.", messages.SUCCESS)
        return redirect("admin:orders_order_change", order.pk)

    def save_model(self, request, obj, form, change):
        # Only the fields staff edited: a whole-row save would write back the status and money read
        # when the page opened, undoing a payment or a move made meanwhile.
        if form.changed_data:
            obj.save(update_fields=[*form.changed_data, "updated_at"])

    def has_add_permission(self, request):
        # An order made here would skip stock reservation and price snapshots.
        return False

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrderEvent:
            return super().save_formset(request, form, formset, change)
        for event in formset.save(commit=False):
            order_note_add(
                order=form.instance, author=request.user, content=event.message, customer_visible=event.customer_visible
            )

    def has_delete_permission(self, request, obj=None):
        # Deleting must give stock back and respect payments: the API's DELETE does it.
        return False


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    fields = ["product", "size", "color", "quantity", "created_at"]
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "created_at", "updated_at"]
    inlines = [CartItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
