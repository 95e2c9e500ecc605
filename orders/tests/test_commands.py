import ast
import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from catalog.models import Product
from orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def test_bench_checkout_reports_throughput_and_exact_stock(live_server, capsys):
    # One buyer: this test proves the command's report and stock audit. Racing buyers
    # are proven by test_concurrency (threads on MariaDB) and by the two-gunicorn test;
    # against the test suite's single-process live server they only measured contention.
    buyers = 1

    call_command("bench_checkout", base_url=live_server.url, buyers=buyers, rounds=2, stock=buyers)

    out = capsys.readouterr().out
    # Each buyer gets one unit; its second try is refused either at the cart or at checkout.
    checkouts = re.search(r"checkouts by status (\{.*?\})", out).group(1)
    refused = re.search(r"adds to cart refused by status (\{.*?\})", out).group(1)
    checkouts, refused = ast.literal_eval(checkouts), ast.literal_eval(refused)
    assert checkouts[201] == buyers
    assert checkouts.get(409, 0) + refused.get(409, 0) == buyers
    assert "orders/s" in out and "p99" in out
    assert f"started {buyers}, orders placed {buyers}, units sold {buyers}, left 0" in out
    assert "stock ended exactly where it should" in out
    # It cleans up after itself.
    assert not Order.objects.exists()
    assert not Product.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_bench_statistics_reports_every_statistic_and_leaves_nothing_behind():
    out = StringIO()

    call_command("bench_statistics", "--orders", "30", "--products", "5", "--repeat", "1", stdout=out)

    report = out.getvalue()
    assert "30 orders, 90 lines, 5 products" in report
    assert "profit" in report and "category-sales" in report and "2 queries" in report
    assert "rolled back" in report
    assert not Order.objects.exists()
    assert not Product.objects.exists()
