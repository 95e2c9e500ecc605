from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# The longest size or colour a product may list; cart and order lines store the product's own
# spelling of the one chosen, so their columns share this length.
OPTION_MAX_LENGTH = 60


def default_currency() -> str:
    return settings.SHOP_CURRENCY


class Category(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    # The storage's name for an uploaded image, so replacing or deleting the category removes the file.
    image_public_id = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Product(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    # NULL rather than "" so that many products may have no SKU under the unique index.
    sku = models.CharField(max_length=64, unique=True, null=True, blank=True)
    description = models.TextField(blank=True)
    description_full = models.TextField(blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    cost_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, default=default_currency)
    # The sum of the active variants' stock, kept by catalog/services/stock.py in the same
    # transaction as the variant rows: lists filter and sort on stock without joining variants.
    quantity = models.PositiveIntegerField(default=0)
    categories = models.ManyToManyField(Category, related_name="products", blank=True)
    image_cover = models.CharField(max_length=500, blank=True)
    colors = models.JSONField(default=list, blank=True)
    sizes = models.JSONField(default=list, blank=True)
    materials = models.JSONField(default=list, blank=True)
    dimensions = models.CharField(max_length=120, blank=True)
    weight = models.CharField(max_length=60, blank=True)
    is_trending = models.BooleanField(default=False)
    is_disabled = models.BooleanField(default=False)
    # Kept up to date by the review services so that lists sort and show ratings
    # without aggregating the reviews table on every request.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.CheckConstraint(
                condition=Q(cost_price__gte=0) | Q(cost_price__isnull=True), name="product_cost_not_negative"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="product_quantity_not_negative"),
        ]
        indexes = [
            models.Index(fields=["is_disabled", "name", "id"], name="product_active_name"),
            models.Index(fields=["is_disabled", "price", "id"], name="product_active_price"),
            models.Index(fields=["is_disabled", "quantity", "id"], name="product_active_stock"),
            models.Index(fields=["is_disabled", "created_at", "id"], name="product_active_newest"),
            models.Index(fields=["is_disabled", "rating_average", "id"], name="product_active_rating"),
            models.Index(fields=["is_disabled", "is_trending", "id"], name="product_active_trending"),
        ]

    def __str__(self):
        return self.name

    @property
    def in_stock(self) -> bool:
        return self.quantity > 0


class ProductCategoryPrice(models.Model):
    """The link table of `Product.categories` read with its `price`, a copy of the product's price.

    The category filter joins on `price` equal to the product's, so a category's products are
    read in price order from the index (category, price, product) rather than all sorted for
    one page. Database triggers (migration 0006) keep the copy on every write, whoever makes it
    (services, admin, importer, bulk updates). Unmanaged: Django keeps the table as the
    automatic through table, which the admin's category widget needs; this model only reads it.
    """

    product = models.ForeignKey(
        Product, on_delete=models.DO_NOTHING, db_constraint=False, related_name="category_prices"
    )
    category = models.ForeignKey(Category, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    price = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        managed = False
        db_table = "catalog_product_categories"

    def __str__(self):
        return f"{self.product_id} in {self.category_id} at {self.price}"


class ProductVariant(models.Model):
    """One sellable version of a product (a size and/or colour) with its own stock and SKU.

    A product with no options has a single default variant (size and colour empty) holding its
    stock, so clients that know nothing of variants keep working.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # NULL rather than "" so that many variants may have no SKU under the unique index.
    sku = models.CharField(max_length=64, unique=True, null=True, blank=True)
    size = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    color = models.CharField(max_length=OPTION_MAX_LENGTH, blank=True, default="")
    # NULL: sold at the product's price.
    price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    quantity = models.PositiveIntegerField(default=0)
    # Variants named by orders are deactivated rather than deleted, so order lines keep them.
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="variant_quantity_not_negative"),
            models.CheckConstraint(
                condition=Q(price__gte=0) | Q(price__isnull=True), name="variant_price_not_negative"
            ),
        ]
        # The option filters look a product's options up per row: answered from this index alone.
        indexes = [models.Index(fields=["product", "is_active", "color", "size"], name="variant_product_options")]

    def __str__(self):
        options = " / ".join(option for option in (self.size, self.color) if option)
        return f"{self.product_id} {options or 'default'}"

    @property
    def in_stock(self) -> bool:
        return self.quantity > 0

    @property
    def is_default(self) -> bool:
        return not self.size and not self.color


class StockAdjustment(models.Model):
    """Why a variant's stock moved outside an order: a count, a delivery, a breakage (staff's log)."""

    variant = models.ForeignKey(ProductVariant, on_delete=models.CASCADE, related_name="stock_adjustments")
    delta = models.IntegerField()
    quantity_after = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    # SET_NULL: the log outlives the staff account that acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["variant", "-created_at"], name="stock_adjustment_variant")]

    def __str__(self):
        return f"{self.delta:+d} on variant {self.variant_id}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    url = models.CharField(max_length=500)
    # The storage's own name for the file (Cloudinary public_id or local path), used to delete it.
    public_id = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.url


class Offer(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(max_length=200)
    discount_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    start_date = models.DateTimeField()
    end_date = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percentage__gt=0) & Q(discount_percentage__lte=100), name="offer_discount_range"
            ),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="offer_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["product", "start_date", "end_date"], name="offer_product_window"),
            models.Index(fields=["start_date", "end_date"], name="offer_window"),
            # "Active now" is end_date >= now AND start_date <= now: past offers pile up with
            # start_date <= now, so only end_date narrows the range (checked with EXPLAIN).
            models.Index(fields=["end_date", "start_date"], name="offer_active_now"),
        ]

    def __str__(self):
        return f"{self.title} (-{self.discount_percentage}%)"


class Review(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="review_one_per_user_product"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_5"),
        ]
        indexes = [models.Index(fields=["product", "-created_at"], name="review_product_newest")]

    def __str__(self):
        return f"{self.rating}/5 by {self.user_id} on {self.product_id}"
