"""The demo catalog for `manage.py seed_demo`: categories, products with generated images, offers, reviews.

The textiles are sold in sizes and colours, each variant with its own stock and SKU; the other
products sell from one stock pool (their default variant), as seed-shaped clients expect.
"""

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from catalog.models import Category, Offer, Product, Review
from catalog.services.categories import category_create
from catalog.services.offers import offer_create
from catalog.services.products import product_create
from catalog.services.reviews import review_create
from catalog.services.variants import variant_create

CATEGORIES = {
    "Furniture": ("#8d6e63", ["Oak Table", "Walnut Chair", "Pine Shelf", "Bench", "Sideboard", "Stool", "Desk"]),
    "Lighting": ("#fbc02d", ["Floor Lamp", "Desk Lamp", "Pendant Light", "Wall Sconce", "Lantern", "Candle Holder"]),
    "Textiles": (
        "#5c6bc0",
        ["Linen Throw", "Wool Rug", "Cushion", "Curtain", "Bedspread", "Table Runner", "Towel Set"],
    ),
    "Kitchen": ("#43a047", ["Chef Knife", "Cast Iron Pan", "Cutting Board", "Teapot", "Mug Set", "Salad Bowl"]),
    "Decor": ("#e91e63", ["Vase", "Mirror", "Wall Clock", "Picture Frame", "Planter", "Sculpture", "Tray"]),
    "Outdoor": (
        "#00897b",
        ["Garden Chair", "Parasol", "Hammock", "Bird Feeder", "Watering Can", "Fire Pit", "Lounger"],
    ),
}
COLORS = ["black", "white", "natural", "grey", "blue"]
SIZES = ["S", "M", "L"]
# Sold per size and colour; XL costs more.
VARIANT_CATEGORY = "Textiles"
VARIANT_SIZES = [("S", None), ("M", None), ("L", None), ("XL", Decimal("5.00"))]
REVIEWERS = ["alice.demo@example.com", "bruno.demo@example.com", "chloe.demo@example.com"]
COMMENTS = {5: "Love it, great quality.", 4: "Very nice, as described.", 3: "Fine for the price."}


def _demo_png(*, label: str, color: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 440, 320), outline="white", width=6)
    draw.text((60, 160), label, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"{label}.png", buffer.getvalue(), content_type="image/png")


def _categories() -> tuple[dict[str, Category], int]:
    categories, created = {}, 0
    for name, (color, _products) in CATEGORIES.items():
        category = Category.objects.filter(name=name).first()
        if category is None:
            category = category_create(
                data={"name": name, "description": f"Our {name.lower()} collection."},
                image=_demo_png(label=name, color=color),
            )
            created += 1
        categories[name] = category
    return categories, created


def _products(categories: dict[str, Category]) -> tuple[list[Product], int]:
    products, created, index = [], 0, 0
    for category_name, (color, names) in CATEGORIES.items():
        for name in names:
            index += 1
            product = Product.objects.filter(sku=f"DEMO-{index:03d}").first()
            if product is None:
                product = product_create(
                    data={
                        "name": name,
                        "sku": f"DEMO-{index:03d}",
                        "description": f"A {name.lower()} from the {category_name.lower()} range.",
                        "description_full": f"{name}: sturdy, simple and made to last. Demo product.",
                        "price": Decimal(9 + (index * 7) % 140) + Decimal("0.99"),
                        "cost_price": Decimal(4 + (index * 3) % 60),
                        "quantity": 0 if index % 9 == 0 else 3 + (index * 5) % 40,
                        "category": categories[category_name].slug,
                        "colors": COLORS[index % 3 : index % 3 + 2],
                        "sizes": SIZES if category_name == VARIANT_CATEGORY else [],
                        "is_trending": index % 4 == 0,
                    },
                    uploads=[_demo_png(label=name, color=color), _demo_png(label=f"{name} detail", color="#455a64")],
                )
                if category_name == VARIANT_CATEGORY:
                    _variants(product, index)
                created += 1
            products.append(product)
    return products, created


def _variants(product: Product, index: int) -> None:
    """Every size in both of the product's colours; the first variant replaces the default one."""
    combinations = [(size, extra, color) for size, extra in VARIANT_SIZES for color in product.colors]
    for number, (size, extra, color) in enumerate(combinations):
        # The first variant well stocked (the demo orders buy it), a few sold out.
        quantity = 2 + (index + 3 * number) % 12
        if number == 0:
            quantity = 10 + index % 5
        elif (index + number) % 6 == 0:
            quantity = 0
        variant_create(
            product=product,
            data={
                "sku": f"{product.sku}-{size}-{color[:3].upper()}",
                "size": size,
                "color": color,
                "price": product.price + extra if extra else None,
                "quantity": quantity,
            },
        )


def _offers(products: list[Product]) -> int:
    now, created = timezone.now(), 0
    windows = [(-2, 10), (-2, 10), (-30, -5), (3, 20)]  # two running, one past, one upcoming
    for number, product in enumerate(products[::5]):
        start_days, end_days = windows[number % len(windows)]
        title = f"Demo offer {number + 1}"
        if Offer.objects.filter(product=product, title=title).exists():
            continue
        offer_create(
            data={
                "product_id": product.pk,
                "title": title,
                "discount_percentage": Decimal(10 + 5 * (number % 4)),
                "start_date": now + timedelta(days=start_days),
                "end_date": now + timedelta(days=end_days),
            }
        )
        created += 1
    return created


def _reviews(products: list[Product]) -> int:
    created = 0
    reviewers = []
    for email in REVIEWERS:
        user = User.objects.filter(email=email).first()
        # No password: demo reviewers exist to write reviews, never to sign in.
        reviewers.append(user or User.objects.create_user(email, name=email.split(".")[0].title()))
    for number, product in enumerate(products[:15]):
        for offset, user in enumerate(reviewers[: 1 + number % 3]):
            if Review.objects.filter(user=user, product=product).exists():
                continue
            rating = 5 - (number + offset) % 3
            review_create(user=user, product=product, rating=rating, comment=COMMENTS[rating])
            created += 1
    return created


def seed() -> str:
    categories, new_categories = _categories()
    products, new_products = _products(categories)
    new_offers = _offers(products)
    new_reviews = _reviews(products)
    return (
        f"{new_categories} categories, {new_products} products, {new_offers} offers, "
        f"{new_reviews} reviews added ({len(products)} demo products in all)"
    )
