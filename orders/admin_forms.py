"""The order page's money forms: a manual payment and a refund, each posted to its own admin view."""

from django import forms

from orders.models import Order
from payments.models import Payment, PaymentMethod


class ManualPaymentForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)
    # Card money comes through Stripe's webhook; a card terminal payment is still recorded as card.
    method = forms.ChoiceField(choices=PaymentMethod.choices)
    reference = forms.CharField(max_length=100, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)
    reason = forms.CharField(max_length=300, required=False)
    payment = forms.ModelChoiceField(
        queryset=Payment.objects.none(), required=False, empty_label="(the latest payment that covers it)"
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].queryset = Payment.objects.filter(order=order).order_by("-created_at", "-id")
