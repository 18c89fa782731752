"""Shared pieces for the apps' admin.py modules.

The admin is for configuration data and read-only oversight: records that change only through
services (orders, cases, their timeline) are registered with the read-only classes below.
"""

from __future__ import annotations

from django.contrib import admin

from .i18n import pick


class ReadOnlyAdminMixin:
    """View-only: the data changes only through the domain services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    extra = 0
    max_num = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        # Listing non-editable fields (created_at...) is allowed only as read-only fields.
        return self.fields or super().get_readonly_fields(request, obj)


class ReadOnlyTabularInline(_ReadOnlyInlineMixin, admin.TabularInline):
    pass


class ReadOnlyStackedInline(_ReadOnlyInlineMixin, admin.StackedInline):
    pass


def choice_column(model, field_name: str):
    """A list column showing a "中文 / English" choice label in the active language only."""
    field = model._meta.get_field(field_name)

    def column(obj):
        return pick(getattr(obj, f"get_{field_name}_display")())

    column.__name__ = f"{field_name}_label"
    return admin.display(description=field.verbose_name, ordering=field_name)(column)
