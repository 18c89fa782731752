from django import forms
from django.contrib import admin

from returndesk.core.errors import DomainError

from . import services
from .models import ReplyTemplate


class ReplyTemplateAdminForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = services.FIELDS

    def clean(self):
        """The service's checks (both languages, known variables), shown on the fields."""
        cleaned = super().clean()
        try:
            services.reply_template_check(cleaned)
        except DomainError as exc:
            for name, message in exc.field_messages().items():
                self.add_error(name if name in self.fields else None, message)
        return cleaned


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateAdminForm
    list_display = ("title", "title_en", "stage", "sort_order", "is_active", "updated_at")
    list_filter = ("stage", "is_active")
    search_fields = ("title", "title_en", "body", "body_en")

    def save_model(self, request, obj, form, change):
        """Through the service, like the desk's pages (it records who edited)."""
        data = {name: form.cleaned_data[name] for name in services.FIELDS}
        if change:
            services.reply_template_update(actor=request.user, template=obj, **data)
        else:
            obj.pk = services.reply_template_create(actor=request.user, **data).pk
