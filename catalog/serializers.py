import re

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import OPTION_MAX_LENGTH, Category, Product
from catalog.pricing import final_price
from shop.serializers import MAX_ID, ImageUrlField, MoneyField


def _option() -> serializers.CharField:
    return serializers.CharField(max_length=OPTION_MAX_LENGTH)


_FOLDER_PART = re.compile(r"[^a-z0-9_-]+")


class FolderField(serializers.CharField):
    """A storage folder from a client, reduced to safe lower-case segments (`a/b-c`), at most 3 deep."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "ecommerce")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        parts = [_FOLDER_PART.sub("-", part.lower()).strip("-_") for part in value.split("/")]
        parts = [part for part in parts if part and part not in {".", ".."}][:3]
        return "/".join(parts) or "ecommerce"


# --- Categories -------------------------------------------------------------------


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()


class CategoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField()
    image_url = serializers.CharField()
    is_active = serializers.BooleanField()
    product_count = serializers.IntegerField(help_text="Visible products in the category.")


class CategoryInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Category._meta.get_field("name").max_length)
    slug = serializers.SlugField(max_length=Category._meta.get_field("slug").max_length, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    image_url = ImageUrlField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class CategoryMultipartSerializer(serializers.Serializer):
    data = serializers.CharField(help_text="The JSON body (CategoryInput) as a string.")
    image = serializers.FileField(required=False)


class CategoryOptionSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Category slug.")
    label = serializers.CharField(help_text="Category name.")


# --- Products ---------------------------------------------------------------------


class VariantOutputSerializer(serializers.Serializer):
    """A variant as the storefront shows it.

    `final_price` reads the best discount that `catalog.selectors.product_queryset` annotates on
    `variant.product` (filled in by the prefetch, so no query per variant).
    """

    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    sku = serializers.CharField(allow_null=True)
    size = serializers.CharField()
    color = serializers.CharField()
    price = MoneyField(allow_null=True, help_text="Null: sold at the product's price.")
    final_price = serializers.SerializerMethodField()
    quantity = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    is_active = serializers.BooleanField()

    @extend_schema_field(MoneyField())
    def get_final_price(self, variant) -> str:
        product = variant.product
        price = product.price if variant.price is None else variant.price
        return str(final_price(price, product.discount_percentage))


_STOCK_MAX = 2_147_483_647


def _variant_option() -> serializers.CharField:
    return serializers.CharField(max_length=OPTION_MAX_LENGTH, required=False, allow_blank=True)


class VariantInputSerializer(serializers.Serializer):
    size = _variant_option()
    color = _variant_option()
    sku = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="Null: the product's."
    )
    quantity = serializers.IntegerField(min_value=0, max_value=_STOCK_MAX)


class VariantUpdateInputSerializer(serializers.Serializer):
    size = _variant_option()
    color = _variant_option()
    sku = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class VariantStockInputSerializer(serializers.Serializer):
    delta = serializers.IntegerField(
        min_value=-_STOCK_MAX, max_value=_STOCK_MAX, required=False, help_text="Units added (or removed, negative)."
    )
    quantity = serializers.IntegerField(min_value=0, max_value=_STOCK_MAX, required=False, help_text="A count.")
    expected_quantity = serializers.IntegerField(
        min_value=0,
        max_value=_STOCK_MAX,
        required=False,
        help_text="With quantity: the stock the caller read; 409 stock_changed when it moved since.",
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if ("delta" in attrs) == ("quantity" in attrs):
            raise serializers.ValidationError({"delta": "Send either delta or quantity."})
        if "expected_quantity" in attrs and "quantity" not in attrs:
            raise serializers.ValidationError({"expected_quantity": "expected_quantity goes with quantity."})
        return attrs


class ProductOutputSerializer(serializers.Serializer):
    """A product as the storefront shows it; `cost_price` only for staff.

    Reads `discount_percentage` annotated by `catalog.selectors.product_queryset`.
    """

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    sku = serializers.CharField(allow_null=True)
    description = serializers.CharField()
    description_full = serializers.CharField()
    price = MoneyField()
    cost_price = MoneyField(allow_null=True, required=False, help_text="Staff only.")
    currency = serializers.CharField()
    quantity = serializers.IntegerField()
    in_stock = serializers.BooleanField()
    categories = CategoryRefSerializer(many=True)
    image_cover = serializers.CharField()
    images = serializers.SerializerMethodField()
    colors = serializers.ListField(child=serializers.CharField())
    sizes = serializers.ListField(child=serializers.CharField())
    materials = serializers.ListField(child=serializers.CharField())
    dimensions = serializers.CharField()
    weight = serializers.CharField()
    is_trending = serializers.BooleanField()
    is_disabled = serializers.BooleanField()
    discount_percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=True, allow_null=True, help_text="Best offer active now."
    )
    final_price = serializers.SerializerMethodField()
    rating_average = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=True, allow_null=True)
    rating_count = serializers.IntegerField()
    variants = VariantOutputSerializer(many=True, source="active_variants", help_text="Active variants.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_images(self, product) -> list[str]:
        return [image.url for image in product.images.all()]

    @extend_schema_field(MoneyField())
    def get_final_price(self, product) -> str:
        return str(final_price(product.price, product.discount_percentage))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not (request and request.user.is_staff):
            data.pop("cost_price")
        return data


class ProductInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Product._meta.get_field("name").max_length)
    slug = serializers.SlugField(max_length=Product._meta.get_field("slug").max_length, required=False)
    sku = serializers.CharField(max_length=64, required=False, allow_null=True, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    description_full = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    cost_price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, help_text="ISO 4217 code.")
    quantity = serializers.IntegerField(min_value=0, max_value=2_147_483_647)
    category = serializers.SlugField(required=False, help_text="Slug of one category.")
    category_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
        help_text="Replaces them all.",
    )
    image_cover = ImageUrlField(required=False, allow_blank=True)
    images = serializers.ListField(
        child=ImageUrlField(), required=False, help_text="Gallery image URLs; on update, the new gallery."
    )
    colors = serializers.ListField(child=_option(), required=False, max_length=50)
    sizes = serializers.ListField(child=_option(), required=False, max_length=50)
    materials = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=50)
    dimensions = serializers.CharField(max_length=120, required=False, allow_blank=True)
    weight = serializers.CharField(max_length=60, required=False, allow_blank=True)
    is_trending = serializers.BooleanField(required=False)
    is_disabled = serializers.BooleanField(required=False)


class ProductUpdateInputSerializer(ProductInputSerializer):
    removed_image_urls = serializers.ListField(child=serializers.CharField(max_length=500), required=False)


class ProductMultipartSerializer(serializers.Serializer):
    data = serializers.CharField(help_text="The JSON body as a string.")
    images = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text=f"Image files added to the gallery (at most PRODUCT_MAX_IMAGES={settings.PRODUCT_MAX_IMAGES}).",
    )


class ProductWriteResponseSerializer(serializers.Serializer):
    message = serializers.CharField()
    id = serializers.IntegerField()
    product = ProductOutputSerializer()


# --- Offers -----------------------------------------------------------------------


class OfferProductSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    price = MoneyField()
    final_price = MoneyField()
    image_cover = serializers.CharField()


class OfferOutputSerializer(serializers.Serializer):
    """Reads `product_discount` annotated by the offer selectors (the product's best offer now)."""

    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    discount_percentage = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField()
    is_active = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    product = serializers.SerializerMethodField()

    def get_is_active(self, offer) -> bool:
        return offer.start_date <= timezone.now() <= offer.end_date

    @extend_schema_field(OfferProductSerializer)
    def get_product(self, offer) -> dict:
        product = offer.product
        return OfferProductSerializer(
            {
                "id": product.pk,
                "name": product.name,
                "slug": product.slug,
                "price": product.price,
                "final_price": final_price(product.price, getattr(offer, "product_discount", None)),
                "image_cover": product.image_cover,
            }
        ).data


class OfferInputSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    title = serializers.CharField(max_length=200)
    discount_percentage = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Above 0, at most 100.")
    start_date = serializers.DateTimeField()
    end_date = serializers.DateTimeField(help_text="Not before start_date.")


# --- Reviews ----------------------------------------------------------------------


class ReviewOutputSerializer(serializers.Serializer):
    """Reads `author_name` and `verified_purchase` annotated by `review_list_for_product`."""

    id = serializers.IntegerField()
    user_name = serializers.SerializerMethodField()
    rating = serializers.IntegerField()
    comment = serializers.CharField()
    verified_purchase = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_user_name(self, review) -> str:
        return review.author_name or "Anonymous"


class ReviewInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="1 to 5.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


# --- Uploads ----------------------------------------------------------------------


class UploadImageInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    folder = FolderField()


class UploadImagesInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=20)
    folder = FolderField()


class StoredMediaSerializer(serializers.Serializer):
    url = serializers.CharField()
    secure_url = serializers.CharField()
    public_id = serializers.CharField()
    format = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    bytes = serializers.IntegerField()


class UploadFailureSerializer(serializers.Serializer):
    filename = serializers.CharField()
    error = serializers.CharField()


class UploadImagesOutputSerializer(serializers.Serializer):
    uploaded = StoredMediaSerializer(many=True)
    failed = UploadFailureSerializer(many=True)


class UploadImagesErrorSerializer(serializers.Serializer):
    """The 400 body: `uploaded` and `failed` only when files were sent and none could be stored; a request
    that is itself invalid (no `files`) gets the plain error body."""

    error = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    details = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    uploaded = StoredMediaSerializer(many=True, required=False)
    failed = UploadFailureSerializer(many=True, required=False)


class ProductImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv (UTF-8) or .xlsx file with the import_products columns.")
    dry_run = serializers.BooleanField(default=False, help_text="Check and count everything, write nothing.")
    set_stock = serializers.BooleanField(
        default=False,
        help_text="Take the file's stock counts for existing products and variants too (a stocktake); "
        "without it their stock is left alone.",
    )


class ProductImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line number in the file; the header is line 1.")
    field = serializers.CharField(allow_null=True)
    error = serializers.CharField()


class ProductImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField(help_text="Rows identical to the stored product, left alone.")
    stock_left_alone = serializers.IntegerField(
        help_text="Stock counts of existing products or variants that differ from the stored stock and were "
        "not applied (set_stock=false)."
    )
    errors = ProductImportErrorSerializer(many=True)
    errors_omitted = serializers.IntegerField(help_text="Errors past IMPORT_MAX_ERRORS: counted, not listed.")
    dry_run = serializers.BooleanField()
