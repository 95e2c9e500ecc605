from django.contrib.admin.apps import AdminConfig


class ShopAdminConfig(AdminConfig):
    """Django's admin with `ShopAdminSite` as `admin.site`."""

    default_site = "shop.admin_site.ShopAdminSite"
