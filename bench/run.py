"""The shop benchmark: fill a database, serve it with gunicorn as in production, load it with wrk.

    make bench                          # 10,000 products on SQLite, then 100,000 on MariaDB `shop_bench`
    make bench BENCH_MODE=scaling       # adds the list at 10,000 and 1,000,000 products on MariaDB

Each scenario is measured against a floor served by the same gunicorn (bench/floors.py,
routed by bench/settings.py, never by the shop's URLs): a bare DRF ListAPIView over the
product table (20 rows, six fields) for uncached reads, a constant-JSON DRF view for cached
ones. Ours and the floor run alternately (BENCH_ROUNDS times each), and the table shows our
requests/s, the floor's, and the ratio. Uncached scenarios run on a server with
CATALOG_CACHE_SECONDS=0, cached ones on a second server with the cache on.

The databases are FLUSHED first: never point this at data you want to keep. MariaDB is
DATABASE_URL (default mysql://root@127.0.0.1:3306/shop_bench); SQLite a file in a temporary
directory. Results are printed and written to bench/results.json. Environment knobs:
BENCH_SQLITE_PRODUCTS (10000), BENCH_MARIADB_PRODUCTS (100000; 0 skips a dataset), BENCH_SCALING ("10000,1000000"),
BENCH_DURATION (seconds per measurement, 5), BENCH_ROUNDS (2), BENCH_CONNECTIONS (8),
BENCH_THREADS (1), BENCH_WORKERS (gunicorn workers, 2), BENCH_PORT (8765), BENCH_SCENARIOS (names
separated by commas: only those scenarios; all by default).
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
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    return env


def django_setup() -> None:
    os.environ.update(bench_env())
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
    variants = variants_add()
    offers, reviews = offers_and_reviews_add()
    return {**timings, "variants": variants, "offers": offers, "reviews": reviews}


VARIANT_SIZES, VARIANT_COLORS = ("S", "M", "L"), ("red", "black")


def variants_add() -> int:
    """Every fourth product in 3 sizes x 2 colours, each with its own stock; the others keep one default variant.

    Bulk inserts: the import of this branch leaves variants to the product services.
    """
    from django.db.models import IntegerField, OuterRef, Subquery, Sum

    from catalog.models import Product, ProductVariant

    rng = random.Random(11)
    ProductVariant.objects.all().delete()
    batch, optioned, total = [], [], 0
    for product_id, quantity in Product.objects.order_by("pk").values_list("pk", "quantity").iterator(10_000):
        if product_id % 4:
            batch.append(ProductVariant(product_id=product_id, quantity=quantity))
        else:
            optioned.append(product_id)
            batch += [
                ProductVariant(product_id=product_id, size=size, color=color, quantity=rng.randint(0, 20))
                for size in VARIANT_SIZES
                for color in VARIANT_COLORS
            ]
        if len(batch) >= 10_000:
            ProductVariant.objects.bulk_create(batch)
            total, batch = total + len(batch), []
    ProductVariant.objects.bulk_create(batch)
    total += len(batch)
    stock = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).values("product")
    stock = stock.annotate(total=Sum("quantity")).values("total")
    for start in range(0, len(optioned), 5_000):
        Product.objects.filter(pk__in=optioned[start : start + 5_000]).update(
            quantity=Subquery(stock, output_field=IntegerField()),
            sizes=list(VARIANT_SIZES),
            colors=list(VARIANT_COLORS),
        )
    return total


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


def catalog_fill_direct(products: int) -> dict:
    """Flush the database and write the catalog's rows straight into its tables (the scaling mode).

    The same shape as `catalog_fill` (20 categories, every seventh product in two, every fourth
    in 3 sizes x 2 colours of variants, the others one default variant, offers on every tenth,
    reviews on every fourth), without the importer: at a million products its per-row work
    would take most of the run. Rows go in ordered by id in multi-row INSERTs.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from catalog.models import Category, Offer, Product, ProductImage, ProductVariant, Review

    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    rng = random.Random(42)
    now = timezone.now()
    Category.objects.bulk_create(
        [Category(name=f"Bench category {n:02d}", slug=f"bench-category-{n:02d}") for n in range(CATEGORIES)]
    )
    category_ids = list(Category.objects.order_by("name").values_list("pk", flat=True))
    password = make_password(None)
    User.objects.bulk_create(
        [User(email=f"bench{n}@example.com", name=f"Bench {n}", password=password) for n in range(300)],
        batch_size=1000,
    )
    users = list(User.objects.filter(email__startswith="bench").values_list("pk", flat=True))

    def table_columns(model, names):
        fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        return model._meta.db_table, ", ".join(quote(field.column) for field in fields)

    def insert(model, names, rows):
        table, columns = table_columns(model, names)
        marks = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608

    product_fields = [
        *("id", "name", "slug", "sku", "description", "description_full", "price", "cost_price", "currency"),
        *("quantity", "image_cover", "colors", "sizes", "materials", "dimensions", "weight", "is_trending"),
        *("is_disabled", "rating_average", "rating_count", "created_at", "updated_at"),
    ]
    counts = dict.fromkeys(("links", "images", "variants", "offers", "reviews"), 0)
    links_model = Product.categories.through
    batch = 5_000
    for first in range(0, products, batch):
        rows, links, images, variants, offers, reviews = [], [], [], [], [], []
        for n in range(first, min(first + batch, products)):
            pk = n + 1
            adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
            price = rng.randint(100, 50_000) / 100
            quantity = 0 if n % 10 == 0 else rng.randint(1, 500)
            colors = ["red", "blue", "green"] if n % 2 else ["black"]
            sizes = ["S", "M", "L"] if n % 3 else []
            if pk % 4:
                variants.append((pk, "", "", quantity, True, now, now))
            else:
                stocks = [rng.randint(0, 20) for _ in range(len(VARIANT_SIZES) * len(VARIANT_COLORS))]
                options = [(size, color) for size in VARIANT_SIZES for color in VARIANT_COLORS]
                variants += [
                    (pk, size, color, stock, True, now, now)
                    for (size, color), stock in zip(options, stocks, strict=True)
                ]
                quantity, colors, sizes = sum(stocks), list(VARIANT_COLORS), list(VARIANT_SIZES)
            rating_count, rating_average = 0, None
            if n % 4 == 0:
                ratings = [rng.randint(1, 5) for _ in range(rng.randint(1, 4))]
                reviewers = rng.sample(users, len(ratings))
                reviews += [
                    (pk, user, rating, "Bench review.", now) for user, rating in zip(reviewers, ratings, strict=True)
                ]
                rating_count, rating_average = len(ratings), round(sum(ratings) / len(ratings), 2)
            if n % 10 == 0:
                start = now - timedelta(days=rng.randint(0, 10))
                end = start + timedelta(days=rng.randint(1, 40))
                offers.append((pk, f"Deal {pk}", rng.choice([5, 10, 15, 25, 40]), start, end, now))
            name = f"{adjective.title()} {noun} {n}"
            rows.append(
                (
                    pk,
                    name,
                    f"{adjective}-{noun}-{n}",
                    f"BENCH-{n:07d}",
                    f"A {adjective} {noun} for every day, number {n}.",
                    "",
                    f"{price:.2f}",
                    f"{price * 0.6:.2f}",
                    settings.SHOP_CURRENCY,
                    quantity,
                    f"https://cdn.example.com/p/{n}/cover.jpg",
                    json.dumps(colors),
                    json.dumps(sizes),
                    json.dumps(["cotton"] if n % 2 else ["wood", "steel"]),
                    "",
                    "",
                    n % 20 == 0,
                    n % 50 == 0,
                    rating_average,
                    rating_count,
                    now - timedelta(seconds=products - n),
                    now,
                )
            )
            links.append((pk, category_ids[n % CATEGORIES]))
            if n % 7 == 0:
                links.append((pk, category_ids[(n + 3) % CATEGORIES]))
            images += [(pk, f"https://cdn.example.com/p/{n}/{i}.jpg", "", i - 1) for i in (1, 2)]
        with transaction.atomic():
            insert(Product, product_fields, rows)
            insert(links_model, ["product", "category"], links)
            insert(ProductImage, ["product", "url", "public_id", "position"], images)
            insert(
                ProductVariant,
                ["product", "size", "color", "quantity", "is_active", "created_at", "updated_at"],
                variants,
            )
            insert(Offer, ["product", "title", "discount_percentage", "start_date", "end_date", "created_at"], offers)
            insert(Review, ["product", "user", "rating", "comment", "created_at"], reviews)
        for name, added in zip(counts, (links, images, variants, offers, reviews), strict=True):
            counts[name] += len(added)
    seconds = time.perf_counter() - started
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            for model in (Product, links_model, ProductVariant, Offer, Review):
                cursor.execute(f"ANALYZE TABLE {model._meta.db_table}")
                cursor.fetchall()
    return {
        "import": {"rows": products, "seconds": round(seconds, 2), "rows_per_s": round(products / seconds)},
        **counts,
    }


# --- Server and load ------------------------------------------------------------


class Server:
    """gunicorn serving the app as in production (DEBUG off, several workers)."""

    def __init__(self, port: int, workers: int, env: dict[str, str]):
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
            env={**bench_env(), **env},
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
            str(env_int("BENCH_THREADS", 1)),
            "-c",
            str(env_int("BENCH_CONNECTIONS", 8)),
            "-d",
            f"{env_int('BENCH_DURATION', 5)}s",
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


FLOORS = {"drf_list": ["/bench/floor/drf"], "constant_json": ["/bench/floor/json"]}


def scenarios() -> dict[str, tuple[list[str], str, bool]]:
    """Each scenario: its paths (from what is in the database), its floor, and whether the catalog cache is on."""
    from catalog.models import Category, Product

    rng = random.Random(3)
    ids = list(Product.objects.filter(is_disabled=False).order_by("?").values_list("pk", flat=True)[:500])
    categories = list(Category.objects.values_list("slug", flat=True))
    return {
        "list": (["/api/products?page=1"], "drf_list", False),
        "list_facets": (["/api/products?page=1&facets=true"], "drf_list", False),
        "list_filtered_sorted": (
            [
                f"/api/products?category={rng.choice(categories)}&min_price=20&max_price=300&in_stock=true"
                "&sort=price_desc"
                for _ in range(50)
            ],
            "drf_list",
            False,
        ),
        "list_color_size": (
            [f"/api/products?color={color}&size={size}" for color in VARIANT_COLORS for size in VARIANT_SIZES],
            "drf_list",
            False,
        ),
        "search_q": ([f"/api/products?q={a}+{n}" for a in ADJECTIVES for n in NOUNS], "drf_list", False),
        "detail": ([f"/api/products/{product_id}" for product_id in ids], "drf_list", False),
        "list_cached": (["/api/products?page=1"], "constant_json", True),
        "detail_cached": ([f"/api/products/{product_id}" for product_id in ids[:20]], "constant_json", True),
    }


def measure(base: str, paths: list[str], workdir: Path) -> dict:
    status = http_status(base + paths[0])
    if status != 200:
        raise RuntimeError(f"{paths[0]} answered {status} before the run")
    return wrk_run(base, paths, workdir)


def compare(base: str, paths: list[str], floor: list[str], workdir: Path) -> dict:
    """Ours and the floor, alternately, BENCH_ROUNDS times each: mean requests/s, median p50."""
    ours, floors = [], []
    for _ in range(env_int("BENCH_ROUNDS", 2)):
        ours.append(measure(base, paths, workdir))
        floors.append(measure(base, floor, workdir))

    def summary(runs):
        p50s = sorted(run["p50_ms"] for run in runs)
        return {
            "requests_per_s": round(sum(run["requests_per_s"] for run in runs) / len(runs), 1),
            "p50_ms": p50s[len(p50s) // 2],
            "non_2xx": sum(run["non_2xx"] for run in runs),
        }

    mine, theirs = summary(ours), summary(floors)
    return {
        "path": paths[0],
        "ours": mine,
        "floor": theirs,
        "ratio": round(mine["requests_per_s"] / theirs["requests_per_s"], 2),
    }


def load_run(chosen: dict, workdir: Path, *, floors: bool = True) -> dict:
    results = {}
    for cached in (False, True):
        group = {name: spec for name, spec in chosen.items() if spec[2] is cached}
        if not group:
            continue
        seconds = "30" if cached else "0"
        with Server(
            env_int("BENCH_PORT", 8765), env_int("BENCH_WORKERS", 2), {"CATALOG_CACHE_SECONDS": seconds}
        ) as server:
            for name, (paths, floor, _) in group.items():
                if floors:
                    row = results[name] = compare(server.base, paths, FLOORS[floor], workdir)
                    ours, theirs = row["ours"], row["floor"]
                    print(
                        f"  {name:<22} {ours['requests_per_s']:>8.1f} req/s (p50 {ours['p50_ms']:>7.2f} ms)"
                        f"   {floor:<14} {theirs['requests_per_s']:>8.1f} req/s   ratio {row['ratio']:.2f}",
                        flush=True,
                    )
                else:
                    # The first request of a list also counts its rows (remembered afterwards).
                    started = time.perf_counter()
                    with urllib.request.urlopen(server.base + paths[0], timeout=600) as response:  # noqa: S310
                        count = json.loads(response.read())["count"]
                    first_ms = round((time.perf_counter() - started) * 1000, 1)
                    ours = measure(server.base, paths, workdir)
                    results[name] = {"path": paths[0], "ours": ours, "count": count, "first_request_ms": first_ms}
                    print(
                        f"  {name:<22} {ours['requests_per_s']:>8.1f} req/s   p50 {ours['p50_ms']:>8.2f} ms"
                        f"   first request {first_ms:>8.1f} ms (count {count})",
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
    return {"database": version, "cpus": os.cpu_count(), "load_average": os.getloadavg()}


SCALING_SCENARIOS = ("list", "list_filtered_sorted", "search_q")


def dataset_run(products: int, workdir: Path, *, scaling: bool) -> dict:
    """In a child process whose DATABASE_URL is the dataset's: fill, serve, load."""
    django_setup()
    print(f"Filling {os.environ['DATABASE_URL'].split(':')[0]} with {products} products ...", flush=True)
    # The scaling mode measures the list at a million rows, not the importer: it fills directly.
    fill = catalog_fill_direct(products) if scaling else catalog_fill(products, workdir)
    print(
        f"  import {fill['import']['rows_per_s']} rows/s; {fill['variants']} variants, {fill['offers']} offers, "
        f"{fill['reviews']} reviews",
        flush=True,
    )
    chosen = scenarios()
    if os.environ.get("BENCH_SCENARIOS"):
        wanted = os.environ["BENCH_SCENARIOS"].split(",")
        chosen = {name: spec for name, spec in chosen.items() if name in wanted}
    if scaling:
        chosen = {name: spec for name, spec in chosen.items() if name in SCALING_SCENARIOS}
    return {
        "products": products,
        "machine": machine(),
        "fill": fill,
        "scenarios": load_run(chosen, workdir, floors=not scaling),
    }


def datasets(mode: str, workdir: Path) -> list[tuple[str, int, str, bool]]:
    """(label, products, DATABASE_URL, scaling) of each run."""
    mariadb = os.environ.get("DATABASE_URL") or "mysql://root@127.0.0.1:3306/shop_bench"
    runs = [
        ("sqlite", env_int("BENCH_SQLITE_PRODUCTS", 10_000), f"sqlite:///{workdir / 'bench.sqlite3'}", False),
        ("mariadb", env_int("BENCH_MARIADB_PRODUCTS", 100_000), mariadb, False),
    ]
    if mode == "scaling":
        sizes = [int(size) for size in os.environ.get("BENCH_SCALING", "10000,1000000").split(",")]
        runs += [(f"mariadb-scaling-{size}", size, mariadb, True) for size in sizes]
    return runs


def report(runs: dict) -> None:
    print("\nscenario                 data                 ours req/s   floor req/s   ratio   p50 ms")
    for label, run in runs.items():
        for name, row in run["scenarios"].items():
            floor = row.get("floor", {}).get("requests_per_s", "")
            print(
                f"{name:<24} {label + ' ' + str(run['products']):<20} {row['ours']['requests_per_s']:>11} "
                f"{floor:>13} {row.get('ratio', ''):>7} {row['ours']['p50_ms']:>8}"
            )
    scaling = sorted(
        (run for label, run in runs.items() if label.startswith("mariadb-scaling")), key=lambda r: r["products"]
    )
    if len(scaling) >= 2:
        small, large = scaling[0], scaling[-1]
        for name in SCALING_SCENARIOS:
            ratio = large["scenarios"][name]["ours"]["p50_ms"] / small["scenarios"][name]["ours"]["p50_ms"]
            print(f"p50 {name} at {large['products']} / at {small['products']}: {ratio:.2f}x")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["dataset"]:
        # The child: python bench/run.py dataset PRODUCTS SCALING WORKDIR OUTPUT
        products, scaling, workdir, output = int(args[1]), args[2] == "1", Path(args[3]), Path(args[4])
        output.write_text(json.dumps(dataset_run(products, workdir, scaling=scaling)))
        return
    mode = (args[0] if args else "") or "full"
    if mode not in ("full", "scaling"):
        sys.exit("usage: bench/run.py [full|scaling]")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (make bench does it).")
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    runs = {}
    try:
        for label, products, url, scaling in datasets(mode, workdir):
            if not products:
                continue
            database_create(url)
            output = workdir / f"{label}.json"
            env = {**os.environ, "DATABASE_URL": url, "CACHE_DIR": str(workdir / "cache")}
            command = [
                sys.executable,
                __file__,
                "dataset",
                str(products),
                "1" if scaling else "0",
                str(workdir),
                str(output),
            ]
            subprocess.run(command, cwd=ROOT, env=env, check=True)
            runs[label] = json.loads(output.read_text())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report(runs)
    result = {
        "mode": mode,
        "runs": runs,
        "wrk": {
            "threads": env_int("BENCH_THREADS", 1),
            "connections": env_int("BENCH_CONNECTIONS", 8),
            "duration_s": env_int("BENCH_DURATION", 5),
            "rounds": env_int("BENCH_ROUNDS", 2),
        },
        "gunicorn_workers": env_int("BENCH_WORKERS", 2),
        "python": sys.version.split()[0],
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous[mode] = result
    RESULTS.write_text(json.dumps(previous, indent=2) + "\n")
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
