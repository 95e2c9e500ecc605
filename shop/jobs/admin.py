from django.contrib import admin

from shop.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started from the API and written by their tasks."""

    list_display = ["id", "kind", "status", "created_by", "progress_done", "progress_total", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["created_by__email", "error"]
    list_select_related = ["created_by"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
