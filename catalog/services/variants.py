"""A product's variants: create, change, delete, and the default-variant rule.

A product with no options sells from one default variant (size and colour empty) holding its
stock. The first variant with a size or colour replaces it. `Product.quantity`, `sizes` and
`colors` are kept here (and in catalog/services/stock.py) in the variant's transaction, so
product reads stay on one table.

Lock order, as in catalog/services/stock.py: the variants changed, in id order, then the
product. Every service here locks the product row before reading its other variants, so two
of them on one product queue, and under READ COMMITTED (MariaDB) the read sees the other's commit.
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from catalog.cache import catalog_changed
from catalog.models import Product, ProductVariant
from catalog.services.stock import variant_stock_adjust
from orders.models import OrderItem
from shop.errors import Conflict, InvalidInput

# What PATCH /api/variants/<id> may change; stock moves through `variant_stock_adjust` only.
VARIANT_FIELDS = ("sku", "size", "color", "price", "is_active")


def product_default_variant_create(*, product: Product) -> ProductVariant:
    """Give a product just created its default variant, holding `product.quantity` (caller's transaction)."""
    return ProductVariant.objects.create(product=product, quantity=product.quantity)


def product_stock_pool(*, product: Product) -> ProductVariant | None:
    """The product's default variant when it is its only active one (one stock pool), else None."""
    active = list(ProductVariant.objects.filter(product=product, is_active=True).order_by("pk")[:2])
    if len(active) == 1 and active[0].is_default:
        return active[0]
    return None


def product_quantity_set(*, product: Product, quantity: int, actor: User | None = None) -> None:
    """Set the stock of a product sold from one pool (its default variant), through the stock service.

    On a product with several variants the stock is theirs: a different value raises
    InvalidInput (400, field `quantity`: set stock per variant); the current sum is accepted
    as is, so a client sending the whole product back is not refused.
    """
    pool = product_stock_pool(product=product)
    if pool is not None:
        variant_stock_adjust(variant_id=pool.pk, quantity=quantity, reason="product quantity", actor=actor)
        return
    current = Product.objects.filter(pk=product.pk).values_list("quantity", flat=True).first()
    if quantity != current:
        raise InvalidInput(
            "This product has several variants: set stock per variant (POST /api/variants/<id>/stock).",
            field="quantity",
        )


def product_options_check(*, product: Product, data: dict) -> None:
    """Refuse new `sizes`/`colors` on a product whose options are its variants' (400 naming the field)."""
    if product_stock_pool(product=product) is not None:
        return
    for field in ("sizes", "colors"):
        if field in data and list(data[field]) != list(getattr(product, field)):
            raise InvalidInput(
                f"This product has several variants: its {field} are its variants' options; change the variants.",
                field=field,
            )


@transaction.atomic
def variant_create(*, product: Product, data: dict, actor: User | None = None) -> ProductVariant:
    """Add a variant (`size`, `color`, `sku`, `price`, `quantity`) to `product`.

    The first variant with a size or colour on a product sold from its default variant
    replaces that default: it is deleted, or deactivated when orders name it, and its stock
    is not carried over. Raises Conflict (409) when an active variant of the product has the
    same size and colour (case-insensitively, field `size`) or any variant has the SKU (field
    `sku`). Returns the variant.
    """
    product = _lock(product_id=product.pk)
    variant = ProductVariant(
        product=product,
        sku=(data.get("sku") or "").strip() or None,
        size=(data.get("size") or "").strip(),
        color=(data.get("color") or "").strip(),
        price=data.get("price"),
        quantity=data.get("quantity") or 0,
    )
    siblings = list(ProductVariant.objects.filter(product=product, is_active=True))
    _save_replacing_default(variant=variant, siblings=siblings, product=product, quantity_change=variant.quantity)
    return variant


@transaction.atomic
def variant_update(*, variant: ProductVariant, data: dict, actor: User | None = None) -> ProductVariant:
    """Change the fields of VARIANT_FIELDS present in `data`.

    Deactivating takes the variant's stock out of the product's; reactivating puts it back
    (and, as `variant_create`, replaces a default variant left alone). Raises Conflict (409)
    as `variant_create` for a taken size+colour or SKU, and when the last active variant of
    the product would be deactivated (disable the product instead).
    """
    product = _lock(product_id=variant.product_id, variant_id=variant.pk)
    variant = ProductVariant.objects.get(pk=variant.pk)
    was_active = variant.is_active
    if "sku" in data:
        variant.sku = (data["sku"] or "").strip() or None
    for field in ("size", "color"):
        if field in data:
            setattr(variant, field, (data[field] or "").strip())
    if "price" in data:
        variant.price = data["price"]
    if "is_active" in data:
        variant.is_active = data["is_active"]
    siblings = list(ProductVariant.objects.filter(product=product, is_active=True).exclude(pk=variant.pk))
    if was_active and not variant.is_active and not siblings:
        raise Conflict("A product keeps at least one active variant; disable the product instead.", field="is_active")
    quantity_change = 0
    if was_active != variant.is_active:
        quantity_change = variant.quantity if variant.is_active else -variant.quantity
    _save_replacing_default(variant=variant, siblings=siblings, product=product, quantity_change=quantity_change)
    return variant


@transaction.atomic
def variant_delete(*, variant: ProductVariant) -> bool:
    """Delete a variant, or deactivate it when order lines name it (they keep it). True when deleted.

    Its stock leaves the product's. Cart lines of a deleted variant go with it. Raises
    Conflict (409) for the product's last active variant (disable the product instead).
    """
    product = _lock(product_id=variant.product_id, variant_id=variant.pk)
    variant = ProductVariant.objects.get(pk=variant.pk)
    others = ProductVariant.objects.filter(product=product, is_active=True).exclude(pk=variant.pk)
    if variant.is_active and not others.exists():
        raise Conflict("A product keeps at least one active variant; disable the product instead.")
    deleted = _variant_remove(variant=variant)
    _product_sync(product=product, quantity_change=-variant.quantity if variant.is_active else 0)
    return deleted


def _lock(*, product_id: int, variant_id: int | None = None) -> Product:
    """Lock the variant being changed and the product's active default variant (which a change may
    replace), in id order, then the product row: the global order of catalog/services/stock.py."""
    rows = Q(product_id=product_id, is_active=True, size="", color="")
    if variant_id is not None:
        rows |= Q(pk=variant_id)
    list(ProductVariant.objects.select_for_update().filter(rows).order_by("pk"))
    return Product.objects.select_for_update().get(pk=product_id)


def _save_replacing_default(
    *, variant: ProductVariant, siblings: list[ProductVariant], product: Product, quantity_change: int
) -> None:
    """Save `variant` (checked against its active `siblings`) and move the product by `quantity_change`.

    An active variant with a size or colour whose only active sibling is the default variant
    replaces it; the default's stock leaves the product's.
    """
    replaced = None
    if variant.is_active and not variant.is_default and len(siblings) == 1 and siblings[0].is_default:
        replaced = siblings[0]
        siblings = []
    if variant.is_active:
        _options_unique_check(variant=variant, siblings=siblings)
    _sku_save(variant=variant)
    if replaced is not None:
        quantity_change -= replaced.quantity
        _variant_remove(variant=replaced)
    _product_sync(product=product, quantity_change=quantity_change)


def _variant_remove(*, variant: ProductVariant) -> bool:
    if OrderItem.objects.filter(variant=variant).exists():
        ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)
        return False
    variant.delete()
    return True


def _option_key(value: str) -> str:
    return value.casefold()


def _options_unique_check(*, variant: ProductVariant, siblings: list[ProductVariant]) -> None:
    key = (_option_key(variant.size), _option_key(variant.color))
    for sibling in siblings:
        if (_option_key(sibling.size), _option_key(sibling.color)) == key:
            raise Conflict(
                f"This product already has a variant {variant.size or '-'} / {variant.color or '-'}.",
                field="size",
                extra={"variant_id": sibling.pk},
            )


def _sku_save(*, variant: ProductVariant) -> None:
    variant.full_clean(exclude=["product"], validate_unique=False, validate_constraints=False)
    taken = ProductVariant.objects.filter(sku=variant.sku).exclude(pk=variant.pk)
    if variant.sku and taken.exists():
        raise Conflict("A variant with this sku already exists.", field="sku")
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:
        if variant.sku and taken.exists():
            raise Conflict("A variant with this sku already exists.", field="sku") from None
        raise


def _product_sync(*, product: Product, quantity_change: int) -> None:
    """Move the product's stock by `quantity_change` and set its sizes/colors from its active variants.

    A product sold from one default variant keeps its own lists (the seeds' one stock pool).
    """
    active = list(ProductVariant.objects.filter(product=product, is_active=True).order_by("pk"))
    fields = {}
    if not (len(active) == 1 and active[0].is_default):
        fields["sizes"] = _distinct(variant.size for variant in active)
        fields["colors"] = _distinct(variant.color for variant in active)
    if quantity_change:
        fields["quantity"] = F("quantity") + quantity_change
    if fields:
        Product.objects.filter(pk=product.pk).update(**fields, updated_at=timezone.now())
    # The UPDATEs above and the variants' own send no signals the catalog cache hears.
    catalog_changed()


def _distinct(options) -> list[str]:
    seen: dict[str, str] = {}
    for option in options:
        if option:
            seen.setdefault(_option_key(option), option)
    return list(seen.values())
