from collections.abc import Callable, Collection, Sequence

from django.conf import settings
from django.db import transaction

from catalog.models import Category, Product, ProductImage
from catalog.product_fields import PRODUCT_COLUMNS
from catalog.services.unique_fields import unique_save
from catalog.services.variants import product_default_variant_create, product_options_check, product_quantity_set
from shop.errors import InvalidInput
from shop.media import StoredMedia, images_store, media_delete_on_commit, media_discarded_on_failure
from shop.slugs import slug_unique
from shop.webhooks.models import WebhookEventType
from shop.webhooks.services import webhook_event_record, webhook_event_types_taken, webhook_events_record

PRODUCT_IMAGE_FOLDER = "products"
_UNIQUE_FIELDS = ("slug", "sku")


def _categories_resolve(*, data: dict) -> list[Category] | None:
    """The categories named by `category` (a slug) and/or `category_ids`; None when neither is given."""
    if "category" not in data and "category_ids" not in data:
        return None
    categories: dict[int, Category] = {}
    slug = data.get("category")
    if slug:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise InvalidInput(f"Unknown category: {slug}.", field="category")
        categories[category.pk] = category
    ids = set(data.get("category_ids") or ())
    if ids:
        found = {category.pk: category for category in Category.objects.filter(pk__in=ids)}
        missing = sorted(ids - found.keys())
        if missing:
            raise InvalidInput(f"Unknown category ids: {missing}.", field="category_ids")
        categories.update(found)
    return list(categories.values())


def _gallery_size_check(count: int) -> None:
    if count > settings.PRODUCT_MAX_IMAGES:
        raise InvalidInput(f"A product has at most {settings.PRODUCT_MAX_IMAGES} images.", field="images")


def _fields_apply(*, product: Product, data: dict, stock: bool = True) -> None:
    for field in PRODUCT_COLUMNS:
        if field == "quantity" and not stock:
            continue
        if field in data:
            setattr(product, field, data[field])
    if product.sku == "":
        product.sku = None


def _gallery_rows(*, product: Product, urls: Sequence[str], stored: Sequence[StoredMedia], start: int):
    rows = [ProductImage(product=product, url=url) for url in urls]
    rows += [ProductImage(product=product, url=media.secure_url, public_id=media.public_id) for media in stored]
    for position, row in enumerate(rows, start=start):
        row.position = position
    return rows


def product_create(*, data: dict, uploads: Sequence = ()) -> Product:
    """Create a product from validated `data` and uploaded image files.

    `data` holds the product's fields plus `category` (slug) and/or `category_ids`
    and `images` (gallery URLs). `uploads` are stored through `shop.media` before
    the transaction and added to the gallery; the first gallery image becomes the
    cover when none is given. The slug is generated from the name unless given.
    Raises InvalidInput (400: unknown category, more than PRODUCT_MAX_IMAGES
    images), Conflict (409: taken slug or sku), the media errors for a refused file.
    Nothing stays stored when it fails.
    """
    categories = _categories_resolve(data=data)
    urls = list(dict.fromkeys(data.get("images") or ()))
    _gallery_size_check(len(urls) + len(uploads))
    stored = images_store(uploads=uploads, folder=PRODUCT_IMAGE_FOLDER, field="images")
    with media_discarded_on_failure(stored=stored), transaction.atomic():
        product = Product()
        _fields_apply(product=product, data=data)
        if not product.slug:
            product.slug = slug_unique(model=Product, name=product.name)
        gallery = _gallery_rows(product=product, urls=urls, stored=stored, start=0)
        if not product.image_cover and gallery:
            product.image_cover = gallery[0].url
        product.full_clean(validate_unique=False, validate_constraints=False)
        unique_save(instance=product, fields=_UNIQUE_FIELDS)
        product_default_variant_create(product=product)
        if categories:
            product.categories.set(categories)
        ProductImage.objects.bulk_create(gallery)
        product_event_record(product=product, created=True)
    return product


def product_update(
    *, product: Product, data: dict, uploads: Sequence = (), removed_image_urls: Sequence[str] = ()
) -> Product:
    """Change the fields present in `data`; edit the gallery.

    `quantity` on a product sold from one default variant sets that variant's stock (through
    the stock service, logged); on one with several variants it is theirs (400, see
    `product_quantity_set`), and so are its `sizes`/`colors`.
    `data["images"]`, when present, is the new list of gallery URLs (images not in
    it are removed); `uploads` are added; `removed_image_urls` (which must be the
    product's) are removed. Removed images leave storage once the transaction
    commits; a removed cover is replaced by the first remaining image. The slug
    changes only when given. Locks the product row while it edits the gallery.
    Raises as `product_create`, and InvalidInput (400) for a removed URL that is
    not the product's.
    """
    categories = _categories_resolve(data=data)
    removed = set(removed_image_urls)
    stored = images_store(uploads=uploads, folder=PRODUCT_IMAGE_FOLDER, field="images") if uploads else []
    with media_discarded_on_failure(stored=stored), transaction.atomic():
        product_options_check(product=product, data=data)
        if "quantity" in data:
            # Before the product row is locked: stock takes variant locks, then the product's.
            product_quantity_set(product=product, quantity=data["quantity"])
        locked = Product.objects.select_for_update().get(pk=product.pk)
        current = list(locked.images.all())
        current_urls = {image.url for image in current}
        unknown = removed - current_urls - {locked.image_cover}
        if unknown:
            raise InvalidInput(f"Not images of this product: {sorted(unknown)}.", field="removed_image_urls")
        wanted = list(dict.fromkeys(data["images"])) if "images" in data else None
        dropped = [
            image for image in current if image.url in removed or (wanted is not None and image.url not in wanted)
        ]
        kept = [image for image in current if image not in dropped]
        kept_urls = {image.url for image in kept}
        added_urls = [url for url in (wanted or ()) if url not in kept_urls and url not in removed]
        _gallery_size_check(len(kept) + len(added_urls) + len(stored))

        _fields_apply(product=locked, data=data, stock=False)
        gallery_start = max((image.position for image in kept), default=-1) + 1
        added = _gallery_rows(product=locked, urls=added_urls, stored=stored, start=gallery_start)
        gallery_urls = [image.url for image in kept] + [image.url for image in added]
        if locked.image_cover in removed or locked.image_cover in {image.url for image in dropped}:
            locked.image_cover = ""
        if not locked.image_cover and gallery_urls:
            locked.image_cover = gallery_urls[0]
        locked.full_clean(validate_unique=False, validate_constraints=False)
        unique_save(instance=locked, fields=_UNIQUE_FIELDS)
        if categories is not None:
            locked.categories.set(categories)
        if dropped:
            ProductImage.objects.filter(pk__in=[image.pk for image in dropped]).delete()
            for image in dropped:
                media_delete_on_commit(public_id=image.public_id)
        ProductImage.objects.bulk_create(added)
        product_event_record(product=locked, created=False)
    return locked


@transaction.atomic
def product_gallery_extend(*, product: Product, stored: Sequence[StoredMedia]) -> list[ProductImage]:
    """Append files already stored through `shop.media` to the product's gallery.

    For callers that must store before their own transaction opens (the admin).
    The first image becomes the cover when the product has none. Locks the product
    row. Raises InvalidInput (400) past PRODUCT_MAX_IMAGES images; the caller
    discards the stored files when it fails.
    """
    locked = Product.objects.select_for_update().get(pk=product.pk)
    current = list(locked.images.all())
    _gallery_size_check(len(current) + len(stored))
    start = max((image.position for image in current), default=-1) + 1
    added = _gallery_rows(product=locked, urls=(), stored=stored, start=start)
    ProductImage.objects.bulk_create(added)
    if not locked.image_cover and added:
        locked.image_cover = added[0].url
        locked.save(update_fields=["image_cover", "updated_at"])
        product.image_cover = locked.image_cover
    return added


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Delete a product, its images (from storage too, on commit), offers, reviews and cart lines.

    Order lines keep their snapshot: their product link becomes NULL. Writes the
    product.deleted webhook event.
    """
    public_ids = list(product.images.exclude(public_id="").values_list("public_id", flat=True))
    webhook_event_record(type=WebhookEventType.PRODUCT_DELETED, data=product_webhook_data(product=product))
    product.delete()
    for public_id in public_ids:
        media_delete_on_commit(public_id=public_id)


# A product as webhook receivers get it (`data` of the product.* events), with its "id".
PRODUCT_WEBHOOK_FIELDS = ("name", "slug", "sku", "price", "currency", "quantity", "is_disabled", "updated_at")


def product_webhook_data(*, product: Product) -> dict:
    """The product as webhook receivers get it (`data` of the product.* events)."""
    return {"id": product.pk, **{name: getattr(product, name) for name in PRODUCT_WEBHOOK_FIELDS}}


def product_event_record(*, product: Product, created: bool) -> None:
    """Write product.created or product.updated to the webhook outbox, in the caller's transaction.

    For every path that saves a product outside `product_create`/`product_update` (the admin).
    """
    event_type = WebhookEventType.PRODUCT_CREATED if created else WebhookEventType.PRODUCT_UPDATED
    webhook_event_record(type=event_type, data=product_webhook_data(product=product))


def products_events_record(*, created: Callable[[], Sequence[dict]], updated_ids: Collection[int]) -> None:
    """`product_event_record` for a batch of products written in bulk (an import), in a few queries.

    `created` gives the `product_webhook_data` of each new product from the values its writer
    has at hand (reading a whole batch back cost as much as inserting it); it is called only
    when some endpoint takes product.created. Updated products are read back, as the stock and
    variant services may have changed them beyond the row's values.
    """
    taken = webhook_event_types_taken()
    events = []
    if WebhookEventType.PRODUCT_CREATED in taken:
        events += [(WebhookEventType.PRODUCT_CREATED, data) for data in created()]
    if updated_ids and WebhookEventType.PRODUCT_UPDATED in taken:
        products = Product.objects.in_bulk(updated_ids)
        updated = WebhookEventType.PRODUCT_UPDATED
        events += [(updated, product_webhook_data(product=products[pk])) for pk in sorted(updated_ids)]
    if events:
        webhook_events_record(events=events)
