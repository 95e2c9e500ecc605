from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderItem,
    OrderStatus,
    ProductRequest,
    ProductRequestNote,
    ProductRequestStatus,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestNote,
    QuoteRequestStatus,
)
from orders.resources import OrderResource
from orders.services.orders import ORDER_TRANSITIONS, order_status_change
from orders.services.requests import (
    product_request_note_add,
    product_request_status_change,
    quote_request_note_add,
    quote_request_status_change,
)
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


def _status_action(status: str):
    def action(modeladmin, request, queryset):
        moved = 0
        for order in queryset.order_by("pk"):
            try:
                order_status_change(order=order, status=status)
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
    inlines = [OrderItemInline, PaymentInline]
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


# --- Quote requests and custom-product requests --------------------------------


def _file_link(obj) -> str:
    if not obj.has_file:
        return "-"
    return format_html('<a href="{}" download="{}">{}</a>', obj.file_url, obj.file_name, obj.file_name or "download")


def _status_action(status: str, change_status):
    """An admin action moving the selected requests to `status` through the status service."""

    def move(modeladmin, request, queryset):
        moved = 0
        for obj in queryset.order_by("pk"):
            try:
                change_status(obj, status)
            except DomainError as refused:
                modeladmin.message_user(request, f"#{obj.pk}: {refused.message}", messages.ERROR)
            else:
                moved += 1
        modeladmin.message_user(request, f"{moved} request(s) moved to {status}.", messages.SUCCESS)

    move.__name__ = f"mark_{status}"
    move.short_description = f"Mark selected as {status.replace('_', ' ')}"
    return move


class RequestNoteInline(admin.TabularInline):
    """Notes are added here (through the note service) and never edited: they are the request's history."""

    extra = 1
    can_delete = False
    fields = ["content", "author_email", "attachment", "created_at"]
    readonly_fields = ["author_email", "attachment", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="attachment")
    def attachment(self, note):
        return _file_link(note)


class QuoteRequestItemInline(admin.TabularInline):
    model = QuoteRequestItem
    extra = 0
    can_delete = False
    fields = ["product", "product_name", "product_slug", "unit_price", "quantity"]
    readonly_fields = fields
    raw_id_fields = ["product"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


class QuoteRequestNoteInline(RequestNoteInline):
    model = QuoteRequestNote


class ProductRequestNoteInline(RequestNoteInline):
    model = ProductRequestNote


class RequestAdmin(admin.ModelAdmin):
    """Shared by both kinds of request.

    Notes added inline go through the subclass's `add_note` (the note service), so a
    `new` request moves to `in_progress` as it does through the API.
    """

    date_hierarchy = "created_at"
    list_per_page = 50

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, (QuoteRequestNote, ProductRequestNote)):
            return super().save_formset(request, form, formset, change)
        for note in formset.save(commit=False):
            if note.pk is None:
                self.add_note(request, form.instance, note.content)

    def has_add_permission(self, request):
        # Requests come from visitors through the API.
        return False


@admin.register(QuoteRequest)
class QuoteRequestAdmin(RequestAdmin):
    list_display = ["id", "full_name", "email", "country", "status", "quoted_at", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["full_name", "email", "message"]
    readonly_fields = ["status", "quoted_at", "created_at", "updated_at"]
    inlines = [QuoteRequestItemInline, QuoteRequestNoteInline]
    actions = [
        _status_action(status, lambda obj, status: quote_request_status_change(quote_request=obj, status=status))
        for status in QuoteRequestStatus.values
    ]

    def add_note(self, request, parent, content):
        quote_request_note_add(quote_request=parent, author=request.user, content=content)


@admin.register(ProductRequest)
class ProductRequestAdmin(RequestAdmin):
    list_display = ["id", "full_name", "email", "company", "quantity", "status", "answered_at", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["full_name", "email", "company", "description"]
    fields = [
        "full_name",
        "email",
        "phone",
        "company",
        "country",
        "city",
        "description",
        "quantity",
        "desired_deadline",
        "budget",
        "reference_url",
        "reference_file",
        "status",
        "answered_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["reference_url", "reference_file", "status", "answered_at", "created_at", "updated_at"]
    inlines = [ProductRequestNoteInline]
    actions = [
        _status_action(status, lambda obj, status: product_request_status_change(product_request=obj, status=status))
        for status in ProductRequestStatus.values
    ]

    @admin.display(description="reference file")
    def reference_file(self, obj):
        return _file_link(obj)

    def add_note(self, request, parent, content):
        product_request_note_add(product_request=parent, author=request.user, content=content)
