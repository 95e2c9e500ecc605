from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from catalog.models import Product


class QuoteRequestStatus(models.TextChoices):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    QUOTED = "quoted"
    REJECTED = "rejected"
    CLOSED = "closed"


class ProductRequestStatus(models.TextChoices):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    REJECTED = "rejected"
    CLOSED = "closed"


class StoredFileFields(models.Model):
    """A file kept by the media layer: where it is, the storage's own name for it, and what it is."""

    file_url = models.CharField(max_length=500, blank=True)
    # The storage's name for the file (Cloudinary public_id or local path), used to delete it.
    file_public_id = models.CharField(max_length=300, blank=True)
    file_mime_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file_url)


def inquiry_indexes(prefix: str) -> list[models.Index]:
    """The staff list's indexes (newest first, by status, by email), named after the kind's table."""
    return [
        models.Index(fields=["-created_at", "-id"], name=f"{prefix}_newest"),
        models.Index(fields=["status", "-created_at"], name=f"{prefix}_status"),
        models.Index(fields=["email"], name=f"{prefix}_email"),
    ]


class Inquiry(models.Model):
    """What both kinds share: who asks, from where, and when.

    Each kind declares its own `status` (with its own choices) and says in class
    attributes, as `AbstractBaseUser.USERNAME_FIELD` does, how the shared stack treats it:

    - `DETAILS`: its fields as staff read them, in order (API output and admin page);
    - `ANSWERED`: (the status meaning staff have answered, the field stamped on each move into it);
    - `SEARCH_FIELDS`: what the staff search (API `?q=` and admin) looks in;
    - `FILE_FOLDER`: where its files are stored;
    - `NOTE_FILE`: (the multipart part a note's file travels in, whether images are accepted besides PDFs).
    """

    DETAILS: tuple[str, ...]
    ANSWERED: tuple[str, str]
    SEARCH_FIELDS: tuple[str, ...]
    FILE_FOLDER: str
    NOTE_FILE: tuple[str, bool]

    full_name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self._meta.verbose_name.capitalize()} #{self.pk} from {self.full_name}"

    @classmethod
    def statuses(cls) -> list[str]:
        """The kind's statuses, in the order its choices give them."""
        return [value for value, _label in cls._meta.get_field("status").choices]


class InquiryNote(StoredFileFields):
    """A staff note with an optional attachment; each kind's note adds the key to its inquiry as `notes`."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as written so the note still says who wrote it after the account is gone.
    author_email = models.EmailField(blank=True)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class QuoteRequest(Inquiry):
    DETAILS = ("full_name", "email", "phone", "country", "city", "address", "message")
    ANSWERED = (QuoteRequestStatus.QUOTED, "quoted_at")
    SEARCH_FIELDS = ("full_name", "email", "message")
    FILE_FOLDER = "quote-requests"
    # Staff answer a quote request with a PDF quote.
    NOTE_FILE = ("pdf", False)

    address = models.CharField(max_length=300, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=QuoteRequestStatus.choices, default=QuoteRequestStatus.NEW)
    quoted_at = models.DateTimeField(null=True, blank=True)

    class Meta(Inquiry.Meta):
        indexes = inquiry_indexes("quote_request")


class QuoteRequestItem(models.Model):
    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="items")
    # SET_NULL: the request keeps its snapshot when the product is deleted.
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    product_name = models.CharField(max_length=200)
    product_slug = models.CharField(max_length=220)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="quote_item_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} x {self.product_name}"


class QuoteRequestNote(InquiryNote):
    quote_request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="notes")

    def __str__(self):
        return f"Note #{self.pk} on quote request #{self.quote_request_id}"


class ProductRequest(StoredFileFields, Inquiry):
    """A request for a custom product; the stored file is the client's reference image or PDF."""

    DETAILS = (
        *("full_name", "email", "phone", "company", "country", "city"),
        *("description", "quantity", "desired_deadline", "budget", "reference_url"),
    )
    ANSWERED = (ProductRequestStatus.ANSWERED, "answered_at")
    SEARCH_FIELDS = ("full_name", "email", "company", "description")
    FILE_FOLDER = "product-requests"
    NOTE_FILE = ("file", True)

    company = models.CharField(max_length=150, blank=True)
    description = models.TextField()
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    desired_deadline = models.DateField(null=True, blank=True)
    budget = models.CharField(max_length=120, blank=True)
    # Stored as given and shown to staff; the server never fetches it.
    reference_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=ProductRequestStatus.choices, default=ProductRequestStatus.NEW)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta(Inquiry.Meta):
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="product_request_quantity_positive")]
        indexes = inquiry_indexes("product_request")


class ProductRequestNote(InquiryNote):
    product_request = models.ForeignKey(ProductRequest, on_delete=models.CASCADE, related_name="notes")

    def __str__(self):
        return f"Note #{self.pk} on product request #{self.product_request_id}"
