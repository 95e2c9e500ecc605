from import_export import fields, resources

from orders.models import Order


class OrderResource(resources.ModelResource):
    """Columns of the admin's order CSV export."""

    customer_email = fields.Field(attribute="user__email", column_name="customer_email", readonly=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "created_at",
            "customer_email",
            "status",
            "currency",
            "subtotal",
            "discount_total",
            "coupon_code",
            "shipping_total",
            "tax_total",
            "total",
            "amount_paid",
            "shipping_full_name",
            "shipping_city",
            "shipping_postal_code",
            "shipping_country",
            "tracking_number",
        ]
        export_order = fields
