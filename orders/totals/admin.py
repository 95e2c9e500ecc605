from django import forms
from django.contrib import admin

from orders.totals.models import Coupon, ShippingMethod, TaxRate, coupon_code_normalize


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "free_over", "estimated_days", "country_list", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    @admin.display(description="countries")
    def country_list(self, method: ShippingMethod) -> str:
        return ", ".join(country.code for country in method.countries) or "all"


class CouponForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = [
            "code",
            "kind",
            "value",
            "min_subtotal",
            "starts_at",
            "ends_at",
            "usage_limit",
            "per_customer_limit",
            "is_active",
        ]

    def clean_code(self):
        return coupon_code_normalize(self.cleaned_data["code"])


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    form = CouponForm
    list_display = [
        "code",
        "kind",
        "value",
        "min_subtotal",
        "starts_at",
        "ends_at",
        "times_used",
        "usage_limit",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code"]
    readonly_fields = ["times_used", "created_at"]

    def save_model(self, request, obj, form, change):
        # Only the fields staff edited: a whole-row save would write back the `times_used` read when
        # the page opened, undoing the redemptions made meanwhile.
        if not change:
            obj.save()
        elif form.changed_data:
            obj.save(update_fields=form.changed_data)


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["country", "rate", "name"]
    search_fields = ["=country", "name"]
