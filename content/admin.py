from django.contrib import admin

from content.models import BlogPost


@admin.register(BlogPost)
class BlogPostAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "author", "created_at", "updated_at"]
    list_filter = ["is_published", "created_at"]
    list_editable = ["is_published"]
    list_select_related = ["author"]
    search_fields = ["title", "slug", "content", "author__email", "author__name"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    raw_id_fields = ["author"]
    date_hierarchy = "created_at"
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        # The staff member writing a post is its author unless one was chosen.
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected posts")
    def publish(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_published=True)} post(s) published.")

    @admin.action(description="Unpublish the selected posts (back to drafts)")
    def unpublish(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_published=False)} post(s) unpublished.")
