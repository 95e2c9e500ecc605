from django import template

from orders.reports.dashboard import sales_dashboard_context

register = template.Library()


@register.inclusion_tag("orders/sales_dashboard.html")
def sales_dashboard() -> dict:
    """The admin home's sales dashboard (orders/reports/dashboard.py)."""
    return sales_dashboard_context()
