"""Checkout under load: N buyers add to cart and check out at once against a real server.

Reports orders/s and latency, then checks from the database that stock ended exactly at
its starting value minus the units of the orders that succeeded, and that no unit was
sold twice. Exits non-zero on a server error or a stock mismatch.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from catalog.services.products import product_create
from orders.models import Order, OrderItem

SHIPPING = {
    "full_name": "Bench Buyer",
    "address": "1 Load Street",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


class Command(BaseCommand):
    help = "Benchmark concurrent checkouts against a running server (or one it starts with --serve)."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8765")
        parser.add_argument("--serve", action="store_true", help="start gunicorn on --base-url for the run")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers with --serve")
        parser.add_argument("--buyers", type=int, default=40, help="concurrent buyers")
        parser.add_argument("--rounds", type=int, default=10, help="checkouts each buyer attempts")
        parser.add_argument("--stock", type=int, default=None, help="units on sale (default: half the attempts)")
        parser.add_argument("--keep", action="store_true", help="keep the bench product, buyers and orders")

    def handle(self, *args, **options):
        buyers, rounds = options["buyers"], options["rounds"]
        stock = options["stock"] if options["stock"] is not None else buyers * rounds // 2
        run_id = uuid.uuid4().hex[:8]
        product = product_create(
            data={"name": f"Bench lamp {run_id}", "slug": f"bench-{run_id}", "price": "10.00", "quantity": stock}
        )
        users = [User.objects.create_user(f"bench-{run_id}-{n}@bench.invalid") for n in range(buyers)]
        tokens = [str(RefreshToken.for_user(user).access_token) for user in users]
        server = self._serve(options) if options["serve"] else None
        try:
            outcome = _run(options["base_url"], product.pk, tokens, rounds)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
        try:
            self._report(outcome, product=product, users=users, stock=stock)
        finally:
            if not options["keep"]:
                Order.objects.filter(user__in=users).delete()
                User.objects.filter(pk__in=[user.pk for user in users]).delete()
                product.delete()

    def _serve(self, options) -> subprocess.Popen:
        bind = options["base_url"].split("://", 1)[-1].rstrip("/")
        command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "-b", bind, "-w", str(options["workers"])]
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [*command, "--log-level", "warning"],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
            # Every 409 of the sold-out rush is logged; show the server's log only when asked.
            stderr=None if options["verbosity"] > 1 else subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{options['base_url']}/api/health", timeout=2):  # noqa: S310
                    return server
            except OSError:
                time.sleep(0.3)
        server.terminate()
        raise CommandError(f"gunicorn did not start on {options['base_url']}")

    def _report(self, outcome, *, product, users, stock):
        latencies = sorted(outcome["latencies"])
        statuses = outcome["statuses"]
        placed = statuses.get(201, 0)
        product.refresh_from_db()
        sold = sum(OrderItem.objects.filter(product=product).values_list("quantity", flat=True))
        orders = Order.objects.filter(user__in=users).count()

        def pct(p):
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0

        self.stdout.write(
            f"{outcome['seconds']:.1f} s: checkouts by status {dict(sorted(statuses.items()))}, "
            f"adds to cart refused by status {dict(sorted(outcome['refused'].items()))}\n"
            f"orders/s {placed / outcome['seconds']:.1f}; checkout latency ms: "
            f"p50 {pct(0.50):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, "
            f"mean {statistics.fmean(latencies) * 1000 if latencies else 0:.0f}\n"
            f"stock: started {stock}, orders placed {orders}, units sold {sold}, left {product.quantity}"
        )
        problems = []
        if product.quantity != stock - sold or sold != placed or orders != placed:
            problems.append("stock does not add up")
        if product.quantity < 0:
            problems.append("stock went negative")
        if any(status >= 500 or status == 0 for status in [*statuses, *outcome["refused"]]):
            problems.append("server errors or dropped requests")
        if problems:
            raise CommandError("; ".join(problems))
        self.stdout.write(self.style.SUCCESS("stock ended exactly where it should"))


def _run(base_url: str, product_id: int, tokens: list[str], rounds: int) -> dict:
    """Each buyer: add one unit to the cart, check out; `rounds` times. Only checkouts are timed."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    refused: dict[int, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(tokens))

    def buyer(token):
        try:
            barrier.wait()
            for _ in range(rounds):
                added, _ = _call(base_url, "/api/cart/items", token, {"product_id": product_id, "quantity": 1})
                if added != 201:
                    # Sold out already: the cart refuses it, as a shopper would see.
                    with lock:
                        refused[added] = refused.get(added, 0) + 1
                    continue
                started = time.perf_counter()
                status, _ = _call(base_url, "/api/cart/checkout", token, {"shipping": SHIPPING})
                with lock:
                    latencies.append(time.perf_counter() - started)
                    statuses[status] = statuses.get(status, 0) + 1
                if status != 201:
                    _call(base_url, "/api/cart", token, None, method="DELETE")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(token,)) for token in tokens]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "refused": refused, "seconds": seconds}


def _call(base_url: str, path: str, token: str, body, method: str = "POST") -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own server
        f"{base_url}{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:
        return 0, {}
