from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, DecimalField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Round

from catalog.cache import catalog_changed
from catalog.models import Product, Review
from shop.errors import Conflict, InvalidInput


def _product_rating_refresh(*, product_id: int) -> None:
    """Recompute a product's rating columns from its reviews, in one UPDATE.

    Callers hold the product's row lock, so concurrent reviews of one product
    refresh one after the other and each sees the other's review.
    """
    reviews = Review.objects.filter(product_id=OuterRef("pk")).order_by().values("product_id")
    average = reviews.annotate(value=Round(Avg("rating"), 2)).values("value")
    count = reviews.annotate(value=Count("id")).values("value")
    Product.objects.filter(pk=product_id).update(
        rating_average=Subquery(average, output_field=DecimalField(max_digits=3, decimal_places=2)),
        rating_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
    )
    catalog_changed()


@transaction.atomic
def product_ratings_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute the rating columns of `product_ids` from their reviews.

    For writers that remove reviews in bulk (e.g. deleting a user cascades to their
    reviews): call it in the same transaction, after the delete. Locks the products
    in pk order.
    """
    ids = sorted(set(product_ids))
    list(Product.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    for product_id in ids:
        _product_rating_refresh(product_id=product_id)


@transaction.atomic
def review_create(*, user, product: Product, rating: int, comment: str = "") -> Review:
    """Record `user`'s review of `product` and refresh the product's rating average and count.

    Raises InvalidInput (400) for a rating outside 1-5, Conflict (409) when the
    user already reviewed the product.
    """
    if not 1 <= rating <= 5:
        raise InvalidInput("The rating must be between 1 and 5.", field="rating")
    # Lock the product first: it serialises the rating refresh of concurrent reviews.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk").get()
    if Review.objects.filter(user=user, product=product).exists():
        raise Conflict("You have already reviewed this product.", field="product")
    try:
        with transaction.atomic():
            review = Review.objects.create(user=user, product=product, rating=rating, comment=comment)
    except IntegrityError:
        raise Conflict("You have already reviewed this product.", field="product") from None
    _product_rating_refresh(product_id=product.pk)
    return review


@transaction.atomic
def review_delete(*, review: Review) -> None:
    """Delete a review and refresh its product's rating average and count."""
    Product.objects.select_for_update().filter(pk=review.product_id).values_list("pk").get()
    product_id = review.product_id
    review.delete()
    _product_rating_refresh(product_id=product_id)


@transaction.atomic
def review_update(*, review: Review, rating: int, comment: str) -> Review:
    """Change a review's rating and comment and refresh its product's rating. Raises InvalidInput (400)."""
    if not 1 <= rating <= 5:
        raise InvalidInput("The rating must be between 1 and 5.", field="rating")
    Product.objects.select_for_update().filter(pk=review.product_id).values_list("pk").get()
    Review.objects.filter(pk=review.pk).update(rating=rating, comment=comment)
    _product_rating_refresh(product_id=review.product_id)
    review.refresh_from_db()
    return review
