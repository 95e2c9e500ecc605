from django.contrib import admin, messages
from django.utils.html import format_html

from orders.inquiries.models import (
    Inquiry,
    InquiryNote,
    ProductRequest,
    ProductRequestNote,
    QuoteRequest,
    QuoteRequestItem,
    QuoteRequestNote,
)
from orders.inquiries.services import inquiry_note_add, inquiry_status_change
from shop.errors import DomainError


def _file_link(obj) -> str:
    if not obj.has_file:
        return "-"
    return format_html('<a href="{}" download="{}">{}</a>', obj.file_url, obj.file_name, obj.file_name or "download")


def _status_action(status: str):
    """An admin action moving the selected inquiries to `status` through the status service."""

    def move(modeladmin, request, queryset):
        moved = 0
        for inquiry in queryset.order_by("pk"):
            try:
                inquiry_status_change(inquiry=inquiry, status=status)
            except DomainError as refused:
                modeladmin.message_user(request, f"#{inquiry.pk}: {refused.message}", messages.ERROR)
            else:
                moved += 1
        modeladmin.message_user(request, f"{moved} request(s) moved to {status}.", messages.SUCCESS)

    move.__name__ = f"mark_{status}"
    move.short_description = f"Mark selected as {status.replace('_', ' ')}"
    return move


def _status_actions(model: type[Inquiry]) -> list:
    return [_status_action(status) for status in model.statuses()]


class InquiryNoteInline(admin.TabularInline):
    """Notes are added here (through the note service) and never edited: they are the inquiry's history."""

    extra = 1
    can_delete = False
    fields = ["content", "author_email", "attachment", "created_at"]
    readonly_fields = ["author_email", "attachment", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="attachment")
    def attachment(self, note):
        return _file_link(note)


class QuoteRequestNoteInline(InquiryNoteInline):
    model = QuoteRequestNote


class ProductRequestNoteInline(InquiryNoteInline):
    model = ProductRequestNote


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


class InquiryAdmin(admin.ModelAdmin):
    """Shared by both kinds; the model's DETAILS, ANSWERED and SEARCH_FIELDS shape the pages.

    Each kind adds its `list_columns` (between the email and the status), its file (`file_fields`,
    shown read-only after the details), the details staff may not edit (`readonly_fields`) and its
    inlines. Notes added inline go through the note
    service, so a `new` inquiry moves to `in_progress` as it does through the API.
    """

    list_columns: tuple[str, ...] = ()
    file_fields: tuple[str, ...] = ()
    list_filter = ["status", "created_at"]
    date_hierarchy = "created_at"
    list_per_page = 50

    def _answered_at(self) -> str:
        _answered_status, answered_at = self.model.ANSWERED
        return answered_at

    def get_list_display(self, request):
        return ["id", "full_name", "email", *self.list_columns, "status", self._answered_at(), "created_at"]

    def get_search_fields(self, request):
        return list(self.model.SEARCH_FIELDS)

    def get_fields(self, request, obj=None):
        return [*self.model.DETAILS, *self.file_fields, "status", self._answered_at(), "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.file_fields, "status", self._answered_at(), "created_at", "updated_at"]

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, InquiryNote):
            return super().save_formset(request, form, formset, change)
        for note in formset.save(commit=False):
            if note.pk is None:
                inquiry_note_add(inquiry=form.instance, author=request.user, content=note.content)

    def has_add_permission(self, request):
        # Inquiries come from visitors through the API.
        return False


@admin.register(QuoteRequest)
class QuoteRequestAdmin(InquiryAdmin):
    list_columns = ("country",)
    inlines = [QuoteRequestItemInline, QuoteRequestNoteInline]
    actions = _status_actions(QuoteRequest)


@admin.register(ProductRequest)
class ProductRequestAdmin(InquiryAdmin):
    list_columns = ("company", "quantity")
    file_fields = ("reference_file",)
    # Shown as the client gave it; staff never fetch or change it.
    readonly_fields = ["reference_url"]
    inlines = [ProductRequestNoteInline]
    actions = _status_actions(ProductRequest)

    @admin.display(description="reference file")
    def reference_file(self, obj):
        return _file_link(obj)
