from django import forms
from django.contrib import admin, messages

from shop.errors import DomainError
from shop.webhooks.errors import WebhookUrlRefused
from shop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEventType
from shop.webhooks.services import webhook_delivery_redeliver, webhook_endpoint_create, webhook_endpoint_update
from shop.webhooks.url_guard import webhook_url_resolve


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webhook_url_resolve(url)
        except WebhookUrlRefused as refused:
            raise forms.ValidationError(refused.message) from refused
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Endpoints are saved through the services: the URL check, and the secret shown once on creation."""

    form = WebhookEndpointForm
    list_display = ["id", "url", "events", "is_active", "failing_since", "deactivated_at", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url"]
    readonly_fields = ["failing_since", "deactivated_at", "created_by", "created_at"]

    def changelist_view(self, request, extra_context=None):
        # Staff learn here that an endpoint was switched off for failing (the log says it too).
        for endpoint in WebhookEndpoint.objects.filter(is_active=False, deactivated_at__isnull=False):
            self.message_user(
                request,
                f"{endpoint.url} was deactivated on {endpoint.deactivated_at:%Y-%m-%d %H:%M} UTC: every delivery "
                "failed for a day. Fix the receiver, then make it active again.",
                messages.ERROR,
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ("url", "events", "is_active")}
        if change:
            webhook_endpoint_update(endpoint=obj, **values)
            return
        created = webhook_endpoint_create(**values, actor=request.user)
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at
        self.message_user(
            request,
            f"Signing secret of this endpoint, shown this once: {created.secret}",
            messages.WARNING,
        )


@admin.action(description="Send the selected deliveries again")
def redeliver(modeladmin, request, queryset):
    sent = 0
    for delivery in queryset.order_by("pk"):
        try:
            webhook_delivery_redeliver(delivery=delivery)
        except DomainError as refused:
            modeladmin.message_user(request, f"Delivery #{delivery.pk}: {refused.message}", messages.ERROR)
        else:
            sent += 1
    if sent:
        modeladmin.message_user(request, f"{sent} deliveries queued again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only, with redelivery as an action."""

    list_display = [
        "id",
        "event_type",
        "endpoint",
        "status",
        "attempt",
        "status_code",
        "error",
        "next_retry_at",
        "created_at",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["=event__id"]
    actions = [redeliver]

    @admin.display(description="event")
    def event_type(self, delivery):
        return delivery.event.type

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
