"""The admin home's sales charts, drawn as inline SVG on the server: no JavaScript, no CDN.

`templates/admin/index.html` shows them through the `sales_dashboard` tag (orders/templatetags/sales_charts.py).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from orders.reports.statistics import statistics_product_sales, statistics_sales

DASHBOARD_DAYS = 30
TOP_PRODUCTS = 10
CHART_WIDTH = 640
CHART_HEIGHT = 180
BAR_GAP = 2


def _revenue_bars(days: list[dict]) -> list[dict]:
    """One bar per day: geometry in SVG units, tallest day at full height."""
    peak = max((day["revenue"] for day in days), default=Decimal("0")) or Decimal("1")
    slot = CHART_WIDTH / len(days)
    bars = []
    for index, day in enumerate(days):
        height = float(day["revenue"] / peak) * CHART_HEIGHT
        bars.append(
            {
                "x": round(index * slot + BAR_GAP / 2, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(slot - BAR_GAP, 2),
                "height": round(height, 2),
                "day": day["period"],
                "orders": day["orders"],
                "revenue": day["revenue"],
            }
        )
    return bars


def _product_bars(products: list[dict]) -> list[dict]:
    peak = max((product["revenue"] for product in products), default=Decimal("0")) or Decimal("1")
    return [product | {"width": round(float(product["revenue"] / peak) * 100, 2)} for product in products]


def sales_dashboard_context() -> dict:
    """Revenue per day over the last 30 days and the 10 best-selling products (five queries)."""
    today = timezone.localdate()
    days = statistics_sales(interval="day", date_from=today - timedelta(days=DASHBOARD_DAYS - 1), date_to=today)
    products = statistics_product_sales(limit=TOP_PRODUCTS)
    return {
        "currency": settings.SHOP_CURRENCY,
        "days": _revenue_bars(days),
        "first_day": days[0]["period"],
        "last_day": days[-1]["period"],
        "revenue_total": sum((day["revenue"] for day in days), Decimal("0.00")),
        "revenue_peak": max(day["revenue"] for day in days),
        "orders_total": sum(day["orders"] for day in days),
        "products": _product_bars(products),
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
    }
