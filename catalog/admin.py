from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from catalog.models import Category, Offer, Product, ProductImage, Review
from catalog.product_fields import PRODUCT_FIELDS
from catalog.resources import ProductResource
from catalog.selectors import offer_active_q
from catalog.services.products import (
    PRODUCT_IMAGE_FOLDER,
    product_delete,
    product_event_record,
    product_gallery_extend,
)
from catalog.services.reviews import review_create, review_delete, review_update
from shop.admin_export import CsvExportMixin
from shop.admin_fields import ListOfLinesField
from shop.errors import DomainError
from shop.media import images_store, media_delete_on_commit, media_discard
from shop.slugs import slug_unique

LOW_STOCK = 5


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "product_count", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ["image_public_id", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(ordering="product_total", description="products")
    def product_count(self, category):
        return category.product_total

    def has_delete_permission(self, request, obj=None):
        # Same rule as the API: a category still holding products cannot go (bulk deletes
        # including one are refused as a whole by the admin's own permission check).
        if obj is not None and obj.products.exists():
            return False
        return super().has_delete_permission(request, obj)


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["url", "position", "public_id"]
    readonly_fields = ["public_id"]

    def get_max_num(self, request, obj=None, **kwargs):
        # Files uploaded in the same submit take gallery places too.
        uploaded = len(getattr(request, "product_uploads", ()))
        return max(settings.PRODUCT_MAX_IMAGES - uploaded, 0)

    def get_formset(self, request, obj=None, **kwargs):
        # max_num alone only limits the blank forms shown; validate_max refuses a larger gallery.
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ["title", "discount_percentage", "start_date", "end_date"]


class StockLevelFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("out", "Out of stock"), ("low", f"Low (1-{LOW_STOCK})"), ("in", f"More than {LOW_STOCK}")]

    def queryset(self, request, queryset):
        if self.value() == "out":
            return queryset.filter(quantity=0)
        if self.value() == "low":
            return queryset.filter(quantity__gte=1, quantity__lte=LOW_STOCK)
        if self.value() == "in":
            return queryset.filter(quantity__gt=LOW_STOCK)
        return queryset


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImageUploadsField(forms.FileField):
    """Several files from one input, cleaned as a list (the storage checks they are images)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(ImageUploadsField, self).clean(file, initial) for file in files]


class ProductAdminForm(forms.ModelForm):
    upload_images = ImageUploadsField(
        required=False,
        label="Upload images",
        help_text="Added to the gallery; the first becomes the cover when the product has none.",
    )
    sizes = ListOfLinesField(help_text="One size per line.")
    colors = ListOfLinesField(help_text="One colour per line.")
    materials = ListOfLinesField(help_text="One material per line.")
    # Set by ProductAdmin.get_form when storing this request's files was refused.
    upload_error: str | None = None

    def clean_upload_images(self):
        uploads = self.cleaned_data["upload_images"]
        if self.upload_error:
            raise ValidationError(self.upload_error)
        if len(uploads) > settings.PRODUCT_MAX_IMAGES:
            raise ValidationError(f"A product has at most {settings.PRODUCT_MAX_IMAGES} images.")
        return uploads


@admin.register(Product)
class ProductAdmin(CsvExportMixin, admin.ModelAdmin):
    resource_classes = [ProductResource]
    form = ProductAdminForm
    list_display = [
        "name",
        "sku",
        "price",
        "quantity",
        "category_names",
        "is_trending",
        "is_disabled",
        "rating_average",
    ]
    list_editable = ["price", "quantity"]
    list_filter = ["categories", "is_trending", "is_disabled", StockLevelFilter]
    search_fields = ["name", "sku"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["categories"]
    readonly_fields = ["rating_average", "rating_count", "created_at", "updated_at"]
    # The gallery is edited in its inline and by `upload_images`.
    fields = [*(name for name in PRODUCT_FIELDS if name != "images"), "upload_images", *readonly_fields]
    inlines = [ProductImageInline, OfferInline]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories")

    @admin.display(description="categories")
    def category_names(self, product):
        return ", ".join(category.name for category in product.categories.all())

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # Left empty, the slug is generated from the name as the API does.
        form.base_fields["slug"].required = False
        form.upload_error = getattr(request, "product_upload_error", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves inside a transaction, and the storage may be Cloudinary: uploads are
        # stored before it opens, attached in save_related, and removed if no save took them.
        request.product_uploads = []
        uploads = request.FILES.getlist("upload_images") if request.method == "POST" else []
        if 0 < len(uploads) <= settings.PRODUCT_MAX_IMAGES:
            try:
                request.product_uploads = images_store(
                    uploads=uploads, folder=PRODUCT_IMAGE_FOLDER, field="upload_images"
                )
            except DomainError as error:
                request.product_upload_error = error.message
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        finally:
            media_discard(stored=request.product_uploads)

    def save_model(self, request, obj, form, change):
        if not obj.slug:
            obj.slug = slug_unique(model=Product, name=obj.name, exclude_pk=obj.pk)
        if obj.sku == "":
            obj.sku = None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            for image in formset.deleted_objects:
                media_delete_on_commit(public_id=image.public_id)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The changelist's list_editable saves through here too, without uploads.
        stored = getattr(request, "product_uploads", [])
        if stored:
            product_gallery_extend(product=form.instance, stored=stored)
            request.product_uploads = []
        product_event_record(product=form.instance, created=not change)

    def delete_model(self, request, obj):
        product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            product_delete(product=product)


class ActiveNowFilter(admin.SimpleListFilter):
    title = "running"
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", "Active now"), ("no", "Not active now")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(offer_active_q())
        if self.value() == "no":
            return queryset.exclude(offer_active_q())
        return queryset


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "discount_percentage", "start_date", "end_date", "is_active_now"]
    list_filter = [ActiveNowFilter, "start_date"]
    search_fields = ["title", "product__name", "product__sku"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    date_hierarchy = "start_date"

    @admin.display(boolean=True, description="active now")
    def is_active_now(self, offer):
        return offer.start_date <= timezone.now() <= offer.end_date


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Reviews go through the review services so the products' rating columns stay right."""

    list_display = ["product", "user", "rating", "created_at"]
    list_filter = ["rating", "created_at"]
    search_fields = ["product__name", "user__email", "comment"]
    list_select_related = ["product", "user"]
    autocomplete_fields = ["product"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return ["product", "user", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                review_update(review=obj, rating=obj.rating, comment=obj.comment)
            else:
                saved = review_create(user=obj.user, product=obj.product, rating=obj.rating, comment=obj.comment)
                obj.pk = saved.pk
        except DomainError as error:
            self.message_user(request, error.message, level=messages.ERROR)

    def delete_model(self, request, obj):
        review_delete(review=obj)

    def delete_queryset(self, request, queryset):
        for review in queryset:
            review_delete(review=review)
