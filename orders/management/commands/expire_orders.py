from django.conf import settings
from django.core.management.base import BaseCommand

from orders.services.expiry import orders_expire


class Command(BaseCommand):
    help = "Cancel pending orders unpaid for ORDER_PENDING_TTL_MINUTES (the periodic job, once); their stock goes back."

    def handle(self, *args, **options):
        if settings.ORDER_PENDING_TTL_MINUTES <= 0:
            self.stdout.write("Order expiry is off (ORDER_PENDING_TTL_MINUTES=0).")
            return
        expired = orders_expire()
        self.stdout.write(f"Expired {expired} unpaid order{'' if expired == 1 else 's'}.")
