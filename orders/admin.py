from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

# Registers the quote and product request admins, and the shipping method, coupon and tax rate ones,
# which live with the rest of their stacks.
import orders.inquiries.admin
import orders.totals.admin  # noqa: F401
from orders.admin_forms import ManualPaymentForm, RefundForm
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
)
from orders.resources import OrderResource
from orders.selectors.cart import cart_detail
from orders.services.events import order_note_add
from orders.services.orders import ORDER_TRANSITIONS, order_status_change
from orders.totals.cart import cart_totals_set
from payments.models import Payment, Refund
from payments.services.payments import payment_create
from payments.services.refunds import refund_create
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


class RefundInline(admin.TabularInline):
    """Money given back; issued with the "Refund" form above (the refund service, Stripe for card payments)."""

    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "payment", "amount", "status", "reason", "stripe_refund_id", "created_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by", "payment")

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
        "amount_refunded",
        "currency",
        "needs_attention",
        "shipping_country",
        "tracking_number",
        "created_at",
    ]
    # No country filter: it listed every country in the world. The search takes a country code.
    list_filter = ["needs_attention", "status", "created_at"]
    list_select_related = ["user"]
    search_fields = ["=id", "user__email", "tracking_number", "shipping_full_name", "=shipping_country"]
    date_hierarchy = "created_at"
    inlines = [OrderItemInline, PaymentInline, RefundInline, OrderEventInline]
    raw_id_fields = ["user"]
    # Money, status and items change only through the services (state machine, stock);
    # staff edit here what carries no rule: tracking number and shipping address.
    # The shipping country is editable, but the amounts stay the ones charged when it was placed.
    # `needs_attention` stays editable: staff clear it once they have dealt with the money.
    money_fields = [
        "currency",
        "subtotal",
        "discount_total",
        "coupon_code",
        "shipping_total",
        "shipping_method_name",
        "tax_total",
        "total",
        "amount_paid",
        "amount_refunded",
    ]
    readonly_fields = ["user", "status", "cancel_reason", *money_fields, "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["user", "status", "cancel_reason", "tracking_number", "created_at", "updated_at"]}),
        ("Money", {"fields": [*money_fields, "needs_attention"]}),
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

    @admin.display(description="shipping method")
    def shipping_method_name(self, order: Order) -> str:
        method = order.shipping_method
        return f"{method['name']} ({method['price']})" if method else "-"

    def get_urls(self):
        status_view = self.admin_site.admin_view(require_POST(self.status_change_view))
        payment_view = self.admin_site.admin_view(require_POST(self.payment_record_view))
        refund_view = self.admin_site.admin_view(require_POST(self.refund_issue_view))
        return [
            path("<path:object_id>/status/", status_view, name="orders_order_status"),
            path("<path:object_id>/payment/", payment_view, name="orders_order_payment"),
            path("<path:object_id>/refund/", refund_view, name="orders_order_refund"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, unquote(object_id))
        moves = ORDER_TRANSITIONS.get(order.status, ()) if order else ()
        context = {
            "status_moves": [(status, OrderStatus(status).label) for status in moves],
            "payment_form": ManualPaymentForm(),
            "refund_form": RefundForm(order=order) if order else None,
        }
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

    def payment_record_view(self, request, object_id):
        """Record a manual payment through the same service as POST /api/payments."""
        order = self._order_to_change(request, object_id)
        form = ManualPaymentForm(request.POST)
        if not form.is_valid():
            self.message_user(request, f"Payment not recorded: {form.errors.as_text()}", messages.ERROR)
            return redirect("admin:orders_order_change", order.pk)
        try:
            payment = payment_create(actor=request.user, order_id=order.pk, **form.cleaned_data)
        except DomainError as refused:
            self.message_user(request, f"Payment not recorded: {refused.message}", messages.ERROR)
        else:
            self.message_user(request, f"Payment of {payment.amount} recorded.", messages.SUCCESS)
        return redirect("admin:orders_order_change", order.pk)

    def refund_issue_view(self, request, object_id):
        """Issue a refund through the same service as POST /api/orders/<id>/refunds (Stripe for card payments)."""
        order = self._order_to_change(request, object_id)
        form = RefundForm(request.POST, order=order)
        if not form.is_valid():
            self.message_user(request, f"Refund not issued: {form.errors.as_text()}", messages.ERROR)
            return redirect("admin:orders_order_change", order.pk)
        payment = form.cleaned_data.pop("payment")
        try:
            refund = refund_create(
                actor=request.user, order_id=order.pk, payment_id=payment.pk if payment else None, **form.cleaned_data
            )
        except DomainError as refused:
            self.message_user(request, f"Refund not issued: {refused.message}", messages.ERROR)
        else:
            self.message_user(request, f"Refund of {refund.amount}: {refund.status}.", messages.SUCCESS)
        return redirect("admin:orders_order_change", order.pk)

    def _order_to_change(self, request, object_id) -> Order:
        order = self.get_object(request, unquote(object_id))
        if order is None:
            raise Http404
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        return order

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
    list_display = ["id", "user", "coupon", "updated_at"]
    list_select_related = ["user", "coupon"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "coupon", "amounts", "created_at", "updated_at"]
    inlines = [CartItemInline]

    @admin.display(description="amounts now (no shipping country)")
    def amounts(self, cart: Cart) -> str:
        priced = cart_totals_set(cart=cart_detail(user=cart.user), user=cart.user)
        return (
            f"subtotal {priced.subtotal}, discount {priced.discount_total}, shipping {priced.shipping_total}, "
            f"tax {priced.tax_total}, total {priced.total} {priced.currency}"
            + (f" ({priced.coupon_error})" if priced.coupon_error else "")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
