from django.contrib import admin

from .models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Overview only: articles are written on the knowledge pages (/kb/), whose service keeps
    the search index in step."""

    list_display = ["title", "kind", "product", "category", "is_published", "version", "updated_at"]
    list_filter = ["kind", "is_published", "category"]
    search_fields = ["title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
