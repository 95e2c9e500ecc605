"""A varied catalog generated from a seed: the property-style tests of the read path and facets run over it."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Product, ProductVariant
from catalog.tests.factories import (
    CategoryFactory,
    OfferFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
)

COLORS = ["red", "Red", "blue", "green", "Émeraude", "black"]
SIZES = ["S", "M", "L", "xl", "42"]
NAMES = ["chair", "Lamp", "ÉCHARPE", "mug", "table ", "zébu", 'a"quote', "日本"]


def catalog_generate(*, seed: int, products: int) -> list[Product]:
    """`products` products mixing every shape the API renders: variants with and without options and prices,
    inactive ones, seed-shaped option lists, offers past, current and future, images, several categories,
    disabled products, missing SKUs and cost prices, ratings, odd text."""
    rng = random.Random(seed)
    categories = [*CategoryFactory.create_batch(4), CategoryFactory(is_active=False)]
    now = timezone.now()
    made = []
    for n in range(products):
        price = Decimal(rng.randint(0, 99_999)) / 100
        product = ProductFactory(
            name=f"{rng.choice(NAMES)} {n}",
            sku=rng.choice([None, f"SKU-{seed}-{n}"]),
            description=rng.choice(["", "Plain.", "Ünïcode ✓ <b>html</b>"]),
            price=price,
            cost_price=rng.choice([None, (price * Decimal("0.6")).quantize(Decimal("0.01"))]),
            quantity=rng.choice([0, 0, 3, 250]),
            colors=rng.sample(COLORS, rng.randint(0, 3)),
            sizes=rng.sample(SIZES, rng.randint(0, 3)),
            materials=rng.sample(["wood", "steel", "linen"], rng.randint(0, 2)),
            dimensions=rng.choice(["", "10x20 cm"]),
            is_trending=rng.random() < 0.3,
            is_disabled=rng.random() < 0.15,
            rating_average=rng.choice([None, Decimal("3.50"), Decimal("4.67"), Decimal("5.00")]),
            rating_count=rng.randint(0, 40),
            categories=rng.sample(categories, rng.randint(0, 2)),
        )
        if rng.random() < 0.4:
            # Options replace the default variant, as the contract says.
            ProductVariant.objects.filter(product=product).delete()
            for size in rng.sample(SIZES, rng.randint(1, 3)):
                for color in rng.sample(COLORS, rng.randint(1, 2)):
                    ProductVariantFactory(
                        product=product,
                        size=size if rng.random() < 0.9 else "",
                        color=color,
                        sku=rng.choice([None, f"V-{seed}-{n}-{size}-{color}"]),
                        price=rng.choice([None, price + 5, Decimal("0.99")]),
                        quantity=rng.choice([0, 1, 7]),
                        is_active=rng.random() < 0.85,
                    )
        for _ in range(rng.randint(0, 2)):
            ProductImageFactory(product=product, position=rng.randint(0, 2))
        for _ in range(rng.randint(0, 2)):
            start = now + timedelta(hours=rng.randint(-72, 48))
            OfferFactory(
                product=product,
                discount_percentage=Decimal(rng.choice(["5", "12.5", "33.33", "100"])),
                start_date=start,
                end_date=start + timedelta(hours=rng.randint(1, 96)),
            )
        made.append(product)
    return made
