from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from catalog.models import Category, Offer, Product, ProductImage, ProductVariant, Review
from catalog.product_fields import PRODUCT_COLUMNS, PRODUCT_FIELDS
from catalog.resources import ProductResource
from catalog.selectors import offer_active_q
from catalog.services.products import (
    PRODUCT_IMAGE_FOLDER,
    product_create,
    product_delete,
    product_event_record,
    product_gallery_extend,
    product_update,
)
from catalog.services.reviews import review_create, review_delete, review_update
from catalog.services.stock import variant_stock_adjust
from catalog.services.variants import variant_create, variant_delete, variant_update
from shop.admin_export import CsvExportMixin
from shop.admin_fields import ListOfLinesField
from shop.errors import DomainError
from shop.media import images_store, media_delete_on_commit, media_discard
from shop.slugs import slug_unique

STOCK_REASON = "admin"


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
    """Products by their active variants' stock: "low" lists a product as soon as one of its sizes or
    colours is down to LOW_STOCK_THRESHOLD units, which its total would hide."""

    title = "stock level"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        threshold = settings.LOW_STOCK_THRESHOLD
        return [
            ("out", "Out of stock"),
            ("low", f"Low: a variant at {threshold} or fewer"),
            ("in", f"Every variant above {threshold}"),
        ]

    def queryset(self, request, queryset):
        low_variant = ProductVariant.objects.filter(
            product=OuterRef("pk"), is_active=True, quantity__lte=settings.LOW_STOCK_THRESHOLD
        )
        if self.value() == "out":
            return queryset.filter(quantity=0)
        if self.value() == "low":
            return queryset.filter(Exists(low_variant))
        if self.value() == "in":
            return queryset.exclude(Exists(low_variant))
        return queryset


class VariantStockFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        threshold = settings.LOW_STOCK_THRESHOLD
        return [("out", "Out of stock"), ("low", f"Low: {threshold} or fewer"), ("in", f"More than {threshold}")]

    def queryset(self, request, queryset):
        threshold = settings.LOW_STOCK_THRESHOLD
        if self.value() == "out":
            return queryset.filter(quantity=0)
        if self.value() == "low":
            return queryset.filter(quantity__lte=threshold)
        if self.value() == "in":
            return queryset.filter(quantity__gt=threshold)
        return queryset


# --- Stock in forms: no lost updates ----------------------------------------------


class ShownValuesForm(forms.ModelForm):
    """A form that knows what the page showed, not only what the row holds when it is posted.

    Every field carries its shown value in a hidden input (`show_hidden_initial`), so
    `changed_data` names only what the person changed: saving those fields alone never
    writes back a value someone else changed meanwhile. Stock is never saved from a form:
    a changed `quantity` goes through the stock service with the shown value as
    `expected_quantity`, and `clean` refuses it when the stock already moved.
    """

    # The variant whose stock a changed `quantity` sets; found by `clean`.
    stock_variant_id: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.FileField):
                field.show_hidden_initial = True

    def shown_value(self, name: str):
        """The value `name` had on the page that was posted; None when the post does not say."""
        field = self.fields[name]
        raw = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
        try:
            return field.to_python(raw)
        except ValidationError:
            return None

    def changed_columns(self) -> list[str]:
        """The changed fields that are plain columns of the row (stock excepted)."""
        columns = {model_field.name for model_field in self._meta.model._meta.concrete_fields}
        return [name for name in self.changed_data if name in columns and name != "quantity"]

    def stock_variant(self) -> tuple[int, int] | None:
        """(id, stock now) of the variant whose stock this form's `quantity` sets; None when there is none."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "quantity" in self.changed_data and "quantity" in cleaned:
            self._stock_check()
        return cleaned

    def _stock_check(self) -> None:
        variant = self.stock_variant()
        if variant is None:
            self.add_error("quantity", "This product has several variants: set the stock of each on its page.")
            return
        shown = self.shown_value("quantity")
        if shown != variant[1]:
            self.add_error(
                "quantity",
                f"The stock changed since this page was loaded (it is {variant[1]} now, the page showed "
                f"{shown}); nothing was saved. Reload the page and count again.",
            )
            return
        self.stock_variant_id = variant[0]


class SaveRefused(Exception):
    """A service refused part of an admin save: raised through the admin's transaction so that
    nothing of the submit stays, and turned into an error message by `RefusedSaveMixin`."""

    def __init__(self, error: DomainError):
        super().__init__(error.message)
        self.message = error.message


class RefusedSaveMixin:
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SaveRefused as refused:
            self.message_user(request, f"Nothing was saved: {refused.message}", messages.ERROR)
            return redirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except SaveRefused as refused:
            self.message_user(request, f"Nothing was saved: {refused.message}", messages.ERROR)
            return redirect(request.get_full_path())


def _stock_save(request, form: ShownValuesForm) -> None:
    """Set the stock a form changed, through the stock service; raises SaveRefused when the stock
    moved between the form's check and now."""
    if "quantity" not in form.changed_data or form.stock_variant_id is None:
        return
    try:
        variant_stock_adjust(
            variant_id=form.stock_variant_id,
            quantity=form.cleaned_data["quantity"],
            expected_quantity=form.shown_value("quantity"),
            reason=STOCK_REASON,
            actor=request.user,
        )
    except DomainError as error:
        raise SaveRefused(error) from error


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImageUploadsField(forms.FileField):
    """Several files from one input, cleaned as a list (the storage checks they are images)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(ImageUploadsField, self).clean(file, initial) for file in files]


VARIANT_INLINE_FIELDS = ["sku", "size", "color", "price", "quantity", "is_active"]


class VariantForm(ShownValuesForm):
    class Meta:
        model = ProductVariant
        fields = [name for name in VARIANT_INLINE_FIELDS if name != "quantity"]

    def clean_sku(self):
        # NULL, not "": many variants may have no SKU under the unique index.
        return self.cleaned_data["sku"] or None


class VariantInlineForm(VariantForm):
    quantity = forms.IntegerField(min_value=0, initial=0, label="stock")

    class Meta(VariantForm.Meta):
        fields = VARIANT_INLINE_FIELDS

    def stock_variant(self) -> tuple[int, int]:
        return self.instance.pk, ProductVariant.objects.values_list("quantity", flat=True).get(pk=self.instance.pk)


def _stock_adjust_link(variant: ProductVariant) -> str:
    if not variant.pk:
        return ""
    url = reverse("admin:catalog_productvariant_adjust_stock", args=[variant.pk])
    return format_html('<a href="{}">Adjust stock</a>', url)


class VariantInline(admin.TabularInline):
    """Sizes and colours as fields; stock set here is checked against what the page showed."""

    model = ProductVariant
    form = VariantInlineForm
    extra = 0
    fields = [*VARIANT_INLINE_FIELDS, "stock_adjust"]
    readonly_fields = ["stock_adjust"]

    @admin.display(description="log a delivery, breakage...")
    def stock_adjust(self, variant):
        return _stock_adjust_link(variant)


def _has_saved(formset) -> bool:
    return bool(formset.new_objects or formset.changed_objects or formset.deleted_objects)


class ProductStockForm(ShownValuesForm):
    """The product's own stock field (the changelist's editable stock): its one stock pool."""

    def stock_variant(self) -> tuple[int, int] | None:
        pools = list(self.instance.variants.filter(is_active=True).values_list("pk", "quantity")[:2])
        return pools[0] if len(pools) == 1 else None


class ProductAdminForm(ProductStockForm):
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
class ProductAdmin(RefusedSaveMixin, CsvExportMixin, admin.ModelAdmin):
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
    # Both are checked against the value the page showed (ProductStockForm); stock goes through the service.
    list_editable = ["price", "quantity"]
    list_filter = ["categories", "is_trending", "is_disabled", StockLevelFilter]
    search_fields = ["name", "sku"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["categories"]
    readonly_fields = ["rating_average", "rating_count", "created_at", "updated_at"]
    # The gallery is edited in its inline and by `upload_images`.
    fields = [*(name for name in PRODUCT_FIELDS if name != "images"), "upload_images", *readonly_fields]
    inlines = [VariantInline, ProductImageInline, OfferInline]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        # A stored product's stock is its variants': set in the variants inline or the changelist.
        return [*self.readonly_fields, "quantity"] if obj else self.readonly_fields

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ProductStockForm, **kwargs)

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
        """Through the product services: a new product with its default variant holding the form's
        stock; a stored one with only the fields the person changed (stock through the stock service)."""
        if change:
            data = {name: form.cleaned_data[name] for name in form.changed_columns()}
        else:
            data = {name: form.cleaned_data[name] for name in PRODUCT_COLUMNS if name in form.cleaned_data}
        if "categories" in form.changed_data:
            data["category_ids"] = [category.pk for category in form.cleaned_data["categories"]]
        if "slug" in data and not data["slug"]:
            data["slug"] = slug_unique(model=Product, name=form.cleaned_data["name"], exclude_pk=obj.pk)
        try:
            if not change:
                data["quantity"] = form.cleaned_data.get("quantity") or 0
                created = product_create(data=data)
                obj.pk, obj.slug, obj.sku, obj._state.adding = created.pk, created.slug, created.sku, False
            elif data:
                # A fresh row: `obj` already holds the posted values, which the service compares against.
                product_update(product=Product.objects.get(pk=obj.pk), data=data)
            request.product_event_recorded = change is False or bool(data)
        except DomainError as error:
            raise SaveRefused(error) from error
        if change:
            _stock_save(request, form)

    def save_formset(self, request, form, formset, change):
        if formset.model is ProductVariant:
            self._variants_save(request, form.instance, formset)
            return
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            for image in formset.deleted_objects:
                media_delete_on_commit(public_id=image.public_id)

    def _variants_save(self, request, product: Product, formset) -> None:
        """Each changed row through the variant services: changed fields only, stock as `_stock_save`."""
        # What formset.save() would note, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            for variant_form in formset.forms:
                variant = variant_form.instance
                if variant.pk and variant_form in formset.deleted_forms:
                    variant_delete(variant=variant)
                    formset.deleted_objects.append(variant)
                elif variant.pk is None and variant_form.has_changed():
                    data = {name: variant_form.cleaned_data.get(name) for name in VARIANT_INLINE_FIELDS}
                    formset.new_objects.append(variant_create(product=product, data=data, actor=request.user))
                elif variant.pk and variant_form.has_changed():
                    data = {name: variant_form.cleaned_data[name] for name in variant_form.changed_columns()}
                    if data:
                        variant_update(variant=variant, data=data, actor=request.user)
                    formset.changed_objects.append((variant, variant_form.changed_data))
                    _stock_save(request, variant_form)
        except DomainError as error:
            raise SaveRefused(error) from error

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        # The changelist's list_editable saves through here too, without uploads.
        stored = getattr(request, "product_uploads", [])
        if stored:
            product_gallery_extend(product=form.instance, stored=stored)
            request.product_uploads = []
        if not getattr(request, "product_event_recorded", False) and (stored or any(map(_has_saved, formsets))):
            # The form's instance holds the posted values, stale ones included: the event tells what is stored.
            product_event_record(product=Product.objects.get(pk=form.instance.pk), created=False)

    def delete_model(self, request, obj):
        product_delete(product=obj)

    def delete_queryset(self, request, queryset):
        for product in queryset:
            product_delete(product=product)


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(required=False, help_text="Units in (a delivery: 12) or out (breakage: -2).")
    counted = forms.IntegerField(
        required=False, min_value=0, label="Counted stock", help_text="What a count found: the stock becomes this."
    )
    reason = forms.CharField(max_length=200, help_text="Kept in the stock log.")
    # The stock the page showed: a count is refused when the stock moved since.
    shown = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        cleaned = super().clean()
        given = [name for name in ("delta", "counted") if cleaned.get(name) is not None]
        if len(given) != 1:
            raise ValidationError("Give either units in or out, or a counted stock.")
        return cleaned


@admin.register(ProductVariant)
class ProductVariantAdmin(RefusedSaveMixin, admin.ModelAdmin):
    """Variants are added on their product's page; here staff find low stock and log adjustments."""

    form = VariantForm
    list_display = ["__str__", "product", "sku", "size", "color", "price", "quantity", "is_active", "stock_adjust"]
    list_filter = [VariantStockFilter, "is_active"]
    search_fields = ["product__name", "product__sku", "sku"]
    list_select_related = ["product"]
    ordering = ["product_id", "id"]
    fields = ["product", "sku", "size", "color", "price", "quantity", "is_active", "stock_adjust"]
    readonly_fields = ["product", "quantity", "stock_adjust"]
    list_per_page = 100

    @admin.display(description="stock")
    def stock_adjust(self, variant):
        return _stock_adjust_link(variant)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        # Deactivated, not deleted, when orders name it; the product's stock follows.
        try:
            variant_delete(variant=obj)
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset):
        for variant in queryset.order_by("pk"):
            self.delete_model(request, variant)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_columns()}
        if not data:
            return
        try:
            variant_update(variant=obj, data=data, actor=request.user)
        except DomainError as error:
            raise SaveRefused(error) from error

    def get_urls(self):
        view = self.admin_site.admin_view(self.stock_adjust_view)
        return [
            path("<path:object_id>/adjust-stock/", view, name="catalog_productvariant_adjust_stock"),
            *super().get_urls(),
        ]

    def stock_adjust_view(self, request, object_id):
        """Units in or out, or a counted stock, with a reason: through the stock service, which logs it."""
        variant = self.get_object(request, unquote(object_id))
        if variant is None:
            raise Http404
        if not self.has_change_permission(request, variant):
            raise PermissionDenied
        if request.method == "POST":
            form = StockAdjustForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                stock = {"delta": data["delta"]} if data["delta"] is not None else {"quantity": data["counted"]}
                try:
                    adjusted = variant_stock_adjust(
                        variant_id=variant.pk,
                        **stock,
                        expected_quantity=data["shown"] if data["counted"] is not None else None,
                        reason=data["reason"],
                        actor=request.user,
                    )
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    self.message_user(request, f"{adjusted}: stock is now {adjusted.quantity}.", messages.SUCCESS)
                    return redirect("admin:catalog_product_change", variant.product_id)
        else:
            form = StockAdjustForm(initial={"shown": variant.quantity})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": variant,
            "title": f"Adjust the stock of {variant.product.name} {variant}",
            "form": form,
        }
        return TemplateResponse(request, "admin/catalog/productvariant/adjust_stock.html", context)


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
