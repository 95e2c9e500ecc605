"""Uploads stored for catalog rows: stored before the transaction, removed again if it fails."""

from collections.abc import Iterable, Sequence
from functools import partial

from django.db import transaction

from shop.errors import DomainError
from shop.media import StoredMedia, image_store, media_delete


def images_store(*, uploads: Sequence, folder: str, field: str) -> list[StoredMedia]:
    """Store every upload in `folder`, or none: a refused file removes the ones already stored.

    Must run outside a transaction (the storage may be Cloudinary). Raises what
    `shop.media.image_store` raises, with `field` naming the request field.
    """
    stored: list[StoredMedia] = []
    for upload in uploads:
        try:
            stored.append(image_store(upload=upload, folder=folder))
        except DomainError as error:
            images_discard(stored=stored)
            error.field = field
            raise
    return stored


def images_discard(*, stored: Iterable[StoredMedia]) -> None:
    """Remove files stored for a write that did not happen."""
    for media in stored:
        media_delete(public_id=media.public_id)


def images_delete_on_commit(*, public_ids: Iterable[str]) -> None:
    """Remove files from storage once the transaction removing their rows has committed."""
    for public_id in public_ids:
        if public_id:
            transaction.on_commit(partial(media_delete, public_id=public_id), robust=True)
