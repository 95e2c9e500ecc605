"""The shop benchmark: fill a database, serve it with gunicorn as in production, load it with wrk.

    make bench                          # 100,000 products on MariaDB `shop_bench`
    BENCH_PRODUCTS=20000 make bench     # another catalog size
    make bench BENCH_MODE=scaling       # `recommended` at 10,000 vs 200,000 products

The database is DATABASE_URL (default mysql://root@127.0.0.1:3306/shop_bench); it is
FLUSHED first: never point this at data you want to keep. Results are printed and
written to bench/results.json. Environment knobs: BENCH_PRODUCTS, BENCH_SCALING
("10000,200000"), BENCH_DURATION (seconds per scenario, 10), BENCH_CONNECTIONS (8),
BENCH_THREADS (2), BENCH_WORKERS (gunicorn workers, 4), BENCH_PORT (8765).
"""

# ruff: noqa: S311, S603, S607 -- a local tool: seeded data, not secrets; it runs wrk and gunicorn it names itself.
import csv
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
CATEGORIES = 20

SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    # Throttling would turn the load into 429s: rates far above what the machine can serve.
    "THROTTLE_ANON": "100000000/second",
    "THROTTLE_USER": "100000000/second",
    "DB_CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}

ADJECTIVES = ["walnut", "linen", "copper", "velvet", "marble", "cedar", "indigo", "amber", "slate", "ivory"]
NOUNS = ["chair", "lamp", "shirt", "mug", "scarf", "table", "vase", "jacket", "bowl", "rug", "clock", "sofa"]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def bench_env() -> dict[str, str]:
    env = {**os.environ, **SERVER_ENV}
    env.setdefault("DATABASE_URL", "mysql://root@127.0.0.1:3306/shop_bench")
    env["PYTHONPATH"] = str(ROOT)
    return env


def django_setup() -> None:
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    sys.path.insert(0, str(ROOT))
    database_create(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def database_create(url: str) -> None:
    """MySQL/MariaDB: create the bench database if it is missing (migrate cannot)."""
    if not url.startswith("mysql"):
        return
    import environ
    import MySQLdb

    config = environ.Env.db_url_config(url)
    connection = MySQLdb.connect(
        host=config["HOST"] or "127.0.0.1",
        port=int(config["PORT"] or 3306),
        user=config["USER"],
        password=config["PASSWORD"] or "",
    )
    name = config["NAME"].replace("`", "")
    connection.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    connection.close()


# --- Data -----------------------------------------------------------------------


def catalog_csv(path: Path, products: int) -> None:
    rng = random.Random(42)
    categories = [f"Bench category {n:02d}" for n in range(CATEGORIES)]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "name",
                "sku",
                "description",
                "price",
                "cost_price",
                "quantity",
                "category",
                "colors",
                "sizes",
                "materials",
                "image_cover",
                "images",
                "is_trending",
                "is_disabled",
            ]
        )
        for n in range(products):
            adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
            price = rng.randint(100, 50_000) / 100
            category = categories[n % CATEGORIES]
            if n % 7 == 0:
                category += "|" + categories[(n + 3) % CATEGORIES]
            writer.writerow(
                [
                    f"{adjective.title()} {noun} {n}",
                    f"BENCH-{n:07d}",
                    f"A {adjective} {noun} for every day, number {n}.",
                    f"{price:.2f}",
                    f"{price * 0.6:.2f}",
                    0 if n % 10 == 0 else rng.randint(1, 500),
                    category,
                    "red|blue|green" if n % 2 else "black",
                    "S|M|L" if n % 3 else "",
                    "cotton" if n % 2 else "wood|steel",
                    f"https://cdn.example.com/p/{n}/cover.jpg",
                    f"https://cdn.example.com/p/{n}/1.jpg|https://cdn.example.com/p/{n}/2.jpg",
                    "true" if n % 20 == 0 else "false",
                    "true" if n % 50 == 0 else "false",
                ]
            )


def catalog_fill(products: int, workdir: Path, *, reimport: bool = True) -> dict:
    """Flush the database, import `products` rows with `manage.py import_products`, add offers and reviews.

    With `reimport`, the same file is imported a second time: every row unchanged.
    """
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    path = workdir / f"catalog-{products}.csv"
    catalog_csv(path, products)
    timings = {}
    for label in ("import", "reimport_unchanged") if reimport else ("import",):
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "manage.py", "import_products", str(path), "--verbosity", "0"],
            cwd=ROOT,
            env=bench_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        timings[label] = {
            "rows": products,
            "seconds": round(seconds, 2),
            "rows_per_s": round(products / seconds),
            "summary": completed.stdout.strip(),
        }
    offers, reviews = offers_and_reviews_add()
    return {**timings, "offers": offers, "reviews": reviews}


def offers_and_reviews_add() -> tuple[int, int]:
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.db.models import Avg, Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Offer, Product, Review

    rng = random.Random(7)
    now = timezone.now()
    ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    offers = []
    for product_id in ids[::10]:
        # Some windows have already closed, as in a real shop.
        start = now - timedelta(days=rng.randint(0, 10))
        offers.append(
            Offer(
                product_id=product_id,
                title=f"Deal {product_id}",
                discount_percentage=Decimal(rng.choice([5, 10, 15, 25, 40])),
                start_date=start,
                end_date=start + timedelta(days=rng.randint(1, 40)),
            )
        )
    Offer.objects.bulk_create(offers, batch_size=5000)
    password = make_password(None)
    User.objects.bulk_create(
        [User(email=f"bench{n}@example.com", name=f"Bench {n}", password=password) for n in range(300)],
        batch_size=1000,
    )
    users = list(User.objects.filter(email__startswith="bench").values_list("pk", flat=True))
    reviews = [
        Review(product_id=product_id, user_id=user_id, rating=rng.randint(1, 5), comment="Bench review.")
        for product_id in ids[::4]
        for user_id in rng.sample(users, rng.randint(1, 4))
    ]
    Review.objects.bulk_create(reviews, batch_size=5000)
    stats = Review.objects.filter(product=OuterRef("pk")).values("product").order_by()
    Product.objects.update(
        rating_count=Coalesce(Subquery(stats.annotate(c=Count("pk")).values("c")[:1]), 0),
        rating_average=Subquery(stats.annotate(a=Avg("rating")).values("a")[:1]),
    )
    return len(offers), len(reviews)


# --- Server and load ------------------------------------------------------------


class Server:
    """gunicorn serving the app as in production (DEBUG off, several workers)."""

    def __init__(self, port: int, workers: int):
        self.base = f"http://127.0.0.1:{port}"
        with socket.socket() as probe:
            # Another server on the port would be benchmarked in our place.
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"Port {port} is already in use: set BENCH_PORT.")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "shop.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench_env(),
        )

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start-up")
            try:
                if http_status(f"{self.base}/api/health") == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer /api/health within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own local server)
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * _UNITS[unit], 2)


def wrk_run(base: str, paths: list[str], workdir: Path) -> dict:
    """Drive `paths` (picked at random per request) with wrk; requests/s, p50 and p99 in ms."""
    script = workdir / "paths.lua"
    script.write_text(
        "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
        "request = function() return wrk.format(nil, paths[math.random(#paths)]) end\n"
    )
    completed = subprocess.run(
        [
            "wrk",
            "--latency",
            "-t",
            str(env_int("BENCH_THREADS", 2)),
            "-c",
            str(env_int("BENCH_CONNECTIONS", 8)),
            "-d",
            f"{env_int('BENCH_DURATION', 10)}s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = completed.stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    return {
        "requests_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "requests": requests,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def scenarios() -> dict[str, list[str]]:
    """The paths of each scenario, from what is in the database."""
    from catalog.models import Category, Product

    rng = random.Random(3)
    ids = list(Product.objects.filter(is_disabled=False).order_by("?").values_list("pk", flat=True)[:500])
    categories = list(Category.objects.values_list("slug", flat=True))
    return {
        "list_page_1": ["/api/products?page=1"],
        "list_filtered_sorted": [
            f"/api/products?category={rng.choice(categories)}&min_price=20&max_price=300&in_stock=true&sort=price_desc"
            for _ in range(50)
        ],
        "search_q": [f"/api/products?q={adjective}+{noun}" for adjective in ADJECTIVES for noun in NOUNS],
        "detail": [f"/api/products/{product_id}" for product_id in ids],
        "recommended": ["/api/products/recommended"],
        "offers_list": ["/api/offers"],
    }


def load_run(base: str, chosen: dict[str, list[str]], workdir: Path) -> dict:
    results = {}
    for name, paths in chosen.items():
        status = http_status(base + paths[0])
        if status != 200:
            results[name] = {"path": paths[0], "skipped": f"HTTP {status} before the run"}
            print(f"  {name:<22} skipped: {paths[0]} answered {status}", flush=True)
            continue
        results[name] = {"path": paths[0], **wrk_run(base, paths, workdir)}
        row = results[name]
        print(
            f"  {name:<22} {row['requests_per_s']:>9.1f} req/s   p50 {row['p50_ms']:>8.2f} ms   "
            f"p99 {row['p99_ms']:>8.2f} ms   non-2xx {row['non_2xx']}",
            flush=True,
        )
    return results


# --- Modes ----------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        version = connection.vendor
        if connection.vendor == "mysql":
            cursor.execute("SELECT VERSION()")
            version = f"mysql {cursor.fetchone()[0]}"
    return {"database": version, "cpus": os.cpu_count(), "python": sys.version.split()[0]}


def mode_full(workdir: Path) -> dict:
    products = env_int("BENCH_PRODUCTS", 100_000)
    print(f"Filling the database with {products} products ...", flush=True)
    fill = catalog_fill(products, workdir)
    for label in ("import", "reimport_unchanged"):
        row = fill[label]
        print(f"  {label:<22} {row['rows']} rows in {row['seconds']} s = {row['rows_per_s']} rows/s", flush=True)
    print(f"  {fill['offers']} offers, {fill['reviews']} reviews", flush=True)
    print("Load (wrk):", flush=True)
    with Server(env_int("BENCH_PORT", 8765), env_int("BENCH_WORKERS", 4)) as server:
        load = load_run(server.base, scenarios(), workdir)
    return {"mode": "full", "products": products, "fill": fill, "scenarios": load}


def mode_scaling(workdir: Path) -> dict:
    sizes = [int(size) for size in os.environ.get("BENCH_SCALING", "10000,200000").split(",")]
    runs = {}
    for size in sizes:
        print(f"Filling the database with {size} products ...", flush=True)
        fill = catalog_fill(size, workdir, reimport=False)
        print(f"  import {fill['import']['rows_per_s']} rows/s", flush=True)
        with Server(env_int("BENCH_PORT", 8765), env_int("BENCH_WORKERS", 4)) as server:
            chosen = {name: paths for name, paths in scenarios().items() if name in ("recommended", "list_page_1")}
            runs[str(size)] = {"import": fill["import"], "scenarios": load_run(server.base, chosen, workdir)}
    return {"mode": "scaling", "sizes": sizes, "runs": runs}


def main() -> None:
    mode = (sys.argv[1] if len(sys.argv) > 1 else "") or "full"
    if mode not in ("full", "scaling"):
        sys.exit("usage: bench/run.py [full|scaling]")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make bench does it).")
    django_setup()
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    try:
        result = mode_full(workdir) if mode == "full" else mode_scaling(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result = {
        **result,
        "machine": machine(),
        "wrk": {
            "threads": env_int("BENCH_THREADS", 2),
            "connections": env_int("BENCH_CONNECTIONS", 8),
            "duration_s": env_int("BENCH_DURATION", 10),
        },
        "gunicorn_workers": env_int("BENCH_WORKERS", 4),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous[mode] = result
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
