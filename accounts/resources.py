from import_export import resources

from accounts.models import User


class CustomerResource(resources.ModelResource):
    """Columns of the admin's customer CSV export: never the password hash or permissions."""

    class Meta:
        model = User
        name = "Customers"
        fields = ["id", "email", "name", "is_active", "is_staff", "created_at", "last_login"]
        export_order = fields
